package dev.fastmcp.auth;

import dev.fastmcp.auth.internal.Html;
import dev.fastmcp.internal.Loopback;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the consent page of {@link ConsentManager}: one self-contained HTML document, no script, no external
 * resource, every caller- or client-supplied value escaped.
 */
final class ConsentPage {

    /** Client names longer than this are cut, so a padded name cannot push the destination off screen. */
    static final int MAX_NAME_CHARS = 80;

    private static final String CSS = String.join("",
            "h1{font-size:21px;margin:0 0 8px}h2{font-size:15px;margin:20px 0 6px}",
            "p{margin:6px 0}code{font:13px ui-monospace,Menlo,Consolas,monospace;color:#374151}",
            ".muted{color:#6b7280;font-size:13px}",
            ".dest{margin:16px 0;padding:12px 14px;border:2px solid #f59e0b;border-radius:8px;background:#fffbeb}",
            ".from{margin:8px 0 16px;padding:10px 14px;border:2px solid #1d4ed8;border-radius:8px;background:#eff6ff}",
            ".host{font-size:20px;font-weight:700;margin:2px 0}",
            "ul{margin:0;padding-left:20px}li{margin:4px 0}li code{margin-left:6px}",
            ".buttons{display:flex;gap:12px;justify-content:flex-end;margin-top:24px}",
            "button{font:inherit;font-weight:600;padding:9px 20px;border-radius:8px;cursor:pointer}",
            ".deny{background:#fff;color:#111827;border:1px solid #d1d5db}",
            ".approve{background:#1d4ed8;color:#fff;border:1px solid #1d4ed8}");

    /**
     * The referrer policy is {@code same-origin}, not {@code no-referrer}: under {@code no-referrer} browsers send
     * {@code Origin: null} with the form's POST, which the server's Origin check refuses; {@code same-origin} still
     * sends no referrer to the identity provider or the client.
     */
    private static final Html.Page PAGE = new Html.Page(CSS, "same-origin");

    private static final Map<String, String> SCOPE_LABELS = Map.of(
            "openid", "Verify your identity",
            "email", "See your email address",
            "profile", "See your basic profile",
            "offline_access", "Stay signed in (refresh tokens)");

    private ConsentPage() {
    }

    /**
     * The security headers of the page (see {@link Html.Page}: its CSP has no {@code form-action}, so the redirect
     * to a custom scheme such as {@code claude://} or {@code cursor://} after the POST is not blocked).
     */
    static Map<String, String> headers() {
        Map<String, String> headers = PAGE.headers();
        headers.put("Pragma", "no-cache");
        return Collections.unmodifiableMap(headers);
    }

    static String render(ConsentManager.ConsentRequest request, String upstreamName) {
        String name = Html.text(truncate(request.displayName()));
        String host = Html.text(destination(request.redirectUri()));
        String domain = clientDomain(request.clientId());
        StringBuilder html = new StringBuilder(4096);
        html.append("<h1>Authorize <bdi>").append(name).append("</bdi>?</h1>\n");
        if (domain != null) {
            // The name is the client's own claim; the domain is where its metadata document was fetched from.
            html.append("<div class=\"from\">\n<p class=\"muted\">Application from</p>\n<p class=\"host\">")
                    .append(Html.text(domain)).append("</p>\n</div>\n");
        }
        html.append("<p><strong><bdi>").append(name)
                .append("</bdi></strong> is asking to use this MCP server on your behalf.");
        if (upstreamName != null && !upstreamName.isBlank()) {
            html.append(" You will sign in with <strong>").append(Html.text(upstreamName)).append("</strong> next.");
        }
        html.append("</p>\n<p class=\"muted\">Client ID: <code>").append(Html.text(request.clientId()))
                .append("</code></p>\n")
                .append("<div class=\"dest\">\n<p class=\"muted\">After you decide, your browser goes to</p>\n")
                .append("<p class=\"host\">").append(host).append("</p>\n")
                .append("<p class=\"muted\"><code>").append(Html.text(request.redirectUri())).append("</code></p>\n");
        if (domain != null && isLoopback(request.redirectUri())) {
            html.append("<p class=\"muted\">This address is on your own computer: any program running on it could "
                    + "pose as the application. Approve only if you just started it yourself.</p>\n");
        }
        html.append("</div>\n<h2>Requested access</h2>\n");
        appendScopes(html, request.scopes());
        html.append("<form method=\"post\" action=\"").append(Html.escape(request.formAction())).append("\">\n")
                .append("<input type=\"hidden\" name=\"").append(ConsentManager.FIELD_TRANSACTION_ID)
                .append("\" value=\"").append(Html.escape(request.transactionId())).append("\">\n")
                .append("<input type=\"hidden\" name=\"").append(ConsentManager.FIELD_CSRF_TOKEN)
                .append("\" value=\"").append(Html.escape(request.csrfToken())).append("\">\n")
                // Deny comes first in the document, so pressing Enter never approves.
                .append("<div class=\"buttons\">\n")
                .append("<button type=\"submit\" class=\"deny\" name=\"").append(ConsentManager.FIELD_ACTION)
                .append("\" value=\"").append(ConsentManager.ACTION_DENY).append("\">Deny</button>\n")
                .append("<button type=\"submit\" class=\"approve\" name=\"").append(ConsentManager.FIELD_ACTION)
                .append("\" value=\"").append(ConsentManager.ACTION_APPROVE).append("\">Approve</button>\n")
                .append("</div>\n</form>\n")
                .append("<p class=\"muted\">Approve only if you started this sign-in yourself and you recognise <strong>")
                .append(domain == null ? host : Html.text(domain)).append("</strong>.</p>\n");
        return PAGE.render("Authorize " + name, html.toString());
    }

    private static void appendScopes(StringBuilder html, List<String> scopes) {
        if (scopes.isEmpty()) {
            html.append("<p>No specific permissions requested; the identity provider's defaults apply.</p>\n");
            return;
        }
        html.append("<ul>\n");
        for (String scope : scopes) {
            String label = scopeLabel(scope);
            html.append("<li>").append(Html.text(label));
            if (!label.equals(scope)) {
                html.append("<code>").append(Html.text(scope)).append("</code>");
            }
            html.append("</li>\n");
        }
        html.append("</ul>\n");
    }

    /** Accepts a path or an http(s) URL; refuses script and data schemes, "//host" shorthands and whitespace. */
    static void requireFormAction(String action) {
        ConsentManager.requireText(action, "formAction");
        int colon = action.indexOf(':');
        int end = action.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = action.indexOf(c);
            end = i >= 0 ? Math.min(end, i) : end;
        }
        String scheme = colon >= 0 && colon < end ? action.substring(0, colon).toLowerCase(Locale.ROOT) : null;
        boolean ok = action.chars().allMatch(c -> c > 0x20 && c != 0x7F)
                && (scheme == null ? !action.startsWith("//") : scheme.equals("https") || scheme.equals("http"));
        if (!ok) {
            throw new IllegalArgumentException("formAction must be a path (e.g. '/oauth/consent', with the base "
                    + "path) or an http(s) URL without spaces, was '" + action + "'");
        }
    }

    /** A readable label; the raw scope is shown next to it, since that is what is actually granted. */
    static String scopeLabel(String scope) {
        String known = SCOPE_LABELS.get(scope);
        if (known != null) {
            return known;
        }
        if (scope.contains("://") || scope.startsWith("urn:")) {
            return scope;
        }
        String words = String.join(" ", scope.split("[_:.\\-/]+")).trim();
        if (words.isEmpty()) {
            return scope;
        }
        return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }

    /**
     * What the user should recognise: the host for https, otherwise scheme and host (so {@code http} and custom
     * schemes stand out). Internationalised hosts are shown in punycode, which exposes look-alike letters.
     */
    static String destination(String redirectUri) {
        URI uri = parse(redirectUri);
        if (uri == null) {
            return redirectUri;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        int port = uri.getPort();
        if (host == null && uri.getRawAuthority() != null) {
            host = uri.getRawAuthority().substring(uri.getRawAuthority().lastIndexOf('@') + 1);
            int colon = host.lastIndexOf(':');
            if (colon > host.lastIndexOf(']')) {
                host = host.substring(0, colon);
            }
        }
        if (host == null || host.isEmpty()) {
            return scheme.isEmpty() ? redirectUri : scheme + ":";
        }
        host = toAscii(host).toLowerCase(Locale.ROOT);
        boolean defaultPort = port == -1 || (port == 443 && scheme.equals("https"))
                || (port == 80 && scheme.equals("http"));
        String hostPort = defaultPort ? host : host + ":" + port;
        return scheme.equals("https") ? hostPort : scheme + "://" + hostPort;
    }

    /**
     * The domain of a client identified by a metadata document URL (its {@code client_id} is an https URL, or an
     * http one on a loopback host in development): the URL's host, with a port other than the default; null for
     * any other client id.
     */
    static String clientDomain(String clientId) {
        if (!clientId.startsWith("https://") && !clientId.startsWith("http://")) {
            return null;
        }
        URI uri = parse(clientId);
        if (uri == null || uri.getRawAuthority() == null) {
            return null;
        }
        return destination(uri.getScheme() + "://" + uri.getRawAuthority() + "/");
    }

    private static boolean isLoopback(String redirectUri) {
        URI uri = parse(redirectUri);
        return uri != null && Loopback.isLoopbackHost(uri.getHost());
    }

    /** Parses the URI, or just its part before any query or fragment (which holds the host) if the rest is invalid. */
    private static URI parse(String uri) {
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            int end = uri.length();
            for (char c : new char[] {'?', '#'}) {
                int i = uri.indexOf(c);
                end = i >= 0 ? Math.min(end, i) : end;
            }
            try {
                return new URI(uri.substring(0, end));
            } catch (URISyntaxException again) {
                return null;
            }
        }
    }

    private static String toAscii(String host) {
        if (host.chars().allMatch(c -> c < 0x80)) {
            return host;
        }
        try {
            return IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return host;
        }
    }

    private static String truncate(String name) {
        if (name.codePointCount(0, name.length()) <= MAX_NAME_CHARS) {
            return name;
        }
        return name.substring(0, name.offsetByCodePoints(0, MAX_NAME_CHARS)) + "\u2026";
    }

}
