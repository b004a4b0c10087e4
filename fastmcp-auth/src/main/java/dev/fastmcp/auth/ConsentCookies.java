package dev.fastmcp.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The JSON payload of a consent cookie and the {@code Set-Cookie} syntax, kept apart from the signing. */
final class ConsentCookies {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TCHAR_SPECIALS = "!#$%&'*+-.^_`|~";

    private ConsentCookies() {
    }

    /** {@code {"cid":…,"ruri":…,"scp":[…],"sub":…,"iat":<epoch seconds>}}; absent optional fields are null. */
    static byte[] toJson(ConsentManager.ConsentData data) {
        ObjectNode node = JSON.createObjectNode();
        node.put("cid", data.clientId());
        node.put("ruri", data.redirectUri());
        ArrayNode scopes = node.putArray("scp");
        data.scopes().forEach(scopes::add);
        node.put("sub", data.subject());
        node.put("iat", data.issuedAt().getEpochSecond());
        return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a payload back, or returns null if any field is missing or of the wrong type. Only called on
     * payloads whose signature has been verified, but still strict.
     */
    static ConsentManager.ConsentData fromJson(byte[] json) {
        JsonNode node = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode cid = node.get("cid");
        JsonNode ruri = node.get("ruri");
        JsonNode sub = node.get("sub");
        JsonNode scp = node.get("scp");
        JsonNode iat = node.get("iat");
        if (cid == null || !cid.isString() || !optionalString(ruri) || !optionalString(sub)
                || scp == null || !scp.isArray() || iat == null || !iat.isIntegralNumber() || !iat.canConvertToLong()) {
            return null;
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (JsonNode scope : scp.values()) {
            if (!scope.isString()) {
                return null;
            }
            scopes.add(scope.stringValue());
        }
        return new ConsentManager.ConsentData(cid.stringValue(), stringOrNull(ruri), scopes, stringOrNull(sub),
                Instant.ofEpochSecond(iat.longValue()));
    }

    private static boolean optionalString(JsonNode node) {
        return node == null || node.isNull() || node.isString();
    }

    private static String stringOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.stringValue();
    }

    /** {@code name=value; Path=…; Max-Age=…; HttpOnly[; Secure]; SameSite=Lax}, after checking every part. */
    static String setCookie(String name, String value, String path, Duration maxAge, boolean secure) {
        requireCookieName(name);
        requireCookieValue(name, value);
        requireCookiePath(path);
        if (name.startsWith("__Host-") && (!secure || !path.equals("/"))) {
            throw new IllegalArgumentException("Cookie '" + name + "' has the __Host- prefix, which browsers accept "
                    + "only with Secure and Path=/ (was secure=" + secure + ", path='" + path
                    + "'); drop the prefix or use https and path '/'");
        }
        if (name.startsWith("__Secure-") && !secure) {
            throw new IllegalArgumentException("Cookie '" + name + "' has the __Secure- prefix, which browsers "
                    + "accept only with Secure; drop the prefix or set secure=true");
        }
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAge.getSeconds() + "; HttpOnly"
                + (secure ? "; Secure" : "") + "; SameSite=Lax";
    }

    private static void requireCookieName(String name) {
        if (name == null || name.isEmpty() || !name.chars().allMatch(ConsentCookies::isTchar)) {
            throw new IllegalArgumentException("Cookie name must be a non-empty RFC 6265 token (letters, digits and "
                    + TCHAR_SPECIALS + "), was " + quote(name));
        }
    }

    private static void requireCookieValue(String name, String value) {
        if (value == null || !value.chars().allMatch(ConsentCookies::isCookieOctet)) {
            throw new IllegalArgumentException("Value of cookie '" + name + "' must use only RFC 6265 cookie-octets "
                    + "(printable ASCII except space \" , ; \\), was " + quote(value)
                    + "; base64url-encode it first");
        }
    }

    private static void requireCookiePath(String path) {
        if (path == null || !path.startsWith("/")
                || !path.chars().allMatch(c -> c > 0x20 && c < 0x7F && c != ';')) {
            throw new IllegalArgumentException("Cookie path must start with '/' and contain no space, ';' or "
                    + "control characters, was " + quote(path) + "; pass the server's base path, e.g. '/'");
        }
    }

    private static boolean isTchar(int c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                || TCHAR_SPECIALS.indexOf(c) >= 0;
    }

    private static boolean isCookieOctet(int c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) || (c >= 0x3C && c <= 0x5B)
                || (c >= 0x5D && c <= 0x7E);
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
