package dev.fastmcp.auth.internal;

/** HTML escaping shared by the consent page and the proxy's error pages. */
public final class Html {

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
}
