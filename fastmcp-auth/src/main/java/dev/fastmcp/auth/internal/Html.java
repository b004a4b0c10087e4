package dev.fastmcp.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTML of the consent page, the proxy's error pages and the development identity provider's sign-in page:
 * escaping, and the skeleton and security headers of a self-contained page.
 */
public final class Html {

    /** The frame every page shares: its font and colours, and its content as one centred card. */
    private static final String FRAME_CSS = String.join("",
            "*{box-sizing:border-box}",
            "body{margin:0;padding:24px 12px;background:#f3f4f6;color:#111827;",
            "font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
            "main{max-width:480px;margin:0 auto;background:#fff;border:1px solid #e5e7eb;border-radius:12px;",
            "padding:28px;overflow-wrap:anywhere}");

    private Html() {
    }

    /** HTML-escapes {@code & < > " ' `} so a value is inert both in text and in quoted attributes. */
    public static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '`' -> out.append("&#96;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Escapes display text after replacing control and bidirectional-override characters, which could hide or
     * reorder what the user reads (e.g. make {@code evil.com} read as {@code moc.live}).
     */
    public static String text(String value) {
        StringBuilder clean = new StringBuilder(value.length());
        value.codePoints().forEach(c -> clean.appendCodePoint(isDeceptive(c) ? 0xFFFD : c));
        return escape(clean.toString());
    }

    private static boolean isDeceptive(int c) {
        return Character.isISOControl(c)
                || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200E || c == 0x200F || c == 0x061C;
    }

    /**
     * One kind of self-contained page: no script, no external resource, one inline stylesheet. The
     * Content-Security-Policy names the stylesheet by its hash, so the browser applies exactly it and nothing
     * injected; it loads nothing else, forbids framing and a base URL, and has no {@code form-action} (browsers
     * enforce that on every hop of the redirect chain after a POST, which would block the last hop to a native
     * app's custom scheme).
     */
    public static final class Page {

        private final String css;
        private final String referrerPolicy;
        private final String contentSecurityPolicy;

        /**
         * A page styled by the shared frame followed by {@code css}, its own rules, and sent with the
         * {@code Referrer-Policy} {@code referrerPolicy}.
         */
        public Page(String css, String referrerPolicy) {
            this.css = FRAME_CSS + css;
            this.referrerPolicy = referrerPolicy;
            this.contentSecurityPolicy = "default-src 'none'; style-src 'sha256-" + sha256Base64(this.css)
                    + "'; frame-ancestors 'none'; base-uri 'none'";
        }

        /**
         * The document: doctype, charset, viewport and referrer policy, {@code title}, the stylesheet, and
         * {@code main} as the content of the page's {@code main} element. Both are HTML: the caller escapes what
         * they hold.
         */
        public String render(String title, String main) {
            return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    + "<meta name=\"referrer\" content=\"" + referrerPolicy + "\">\n"
                    + "<title>" + title + "</title>\n"
                    + "<style>" + css + "</style>\n</head>\n<body>\n<main>\n"
                    + main + "</main>\n</body>\n</html>\n";
        }

        /** The headers of the page: never cached, framed or sniffed, with its referrer policy and CSP. */
        public Map<String, String> headers() {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "text/html; charset=utf-8");
            headers.put("Cache-Control", "no-store");
            headers.put("X-Frame-Options", "DENY");
            headers.put("X-Content-Type-Options", "nosniff");
            headers.put("Referrer-Policy", referrerPolicy);
            headers.put("Content-Security-Policy", contentSecurityPolicy);
            return headers;
        }
    }

    private static String sha256Base64(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }
}
