package dev.fastmcp.examples;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mutated requests to the OAuth proxy's endpoints and the discovery documents: client registrations (RFC 7591 JSON),
 * authorization and consent requests, the callback, token and revocation forms with every kind of client
 * authentication (Basic headers with bad base64 and bad %-escapes included), with values missing, repeated,
 * huge, broken in their encoding, or full of control characters.
 */
final class OAuthFuzzer {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What a valid request would use: registered clients, a redirect URI, a pending consent. */
    record Target(String name, int port, String publicClient, String confidentialClient, String secret,
            String redirectUri, String transactionId, String csrfToken, String cookie) {
    }

    private final long seed;

    OAuthFuzzer(long seed) {
        this.seed = seed;
    }

    FuzzCase generate(Target t, int n) {
        FuzzValues v = new FuzzValues(new Random(FuzzCampaignTest.caseSeed(seed, "oauth " + t.name(), n)));
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("Host", "127.0.0.1:" + t.port()));
        int which = v.random().nextInt(9);
        String method;
        String target;
        byte[] body = null;
        switch (which) {
            case 0 -> {
                method = "POST";
                target = "/oauth/register";
                headers.add(Map.entry("Content-Type", v.chance(0.9) ? "application/json" : contentType(v)));
                body = registration(v, t);
            }
            case 1 -> {
                method = "GET";
                target = "/oauth/authorize?" + query(v, authorize(v, t));
            }
            case 2 -> {
                method = "GET";
                target = "/oauth/consent?" + query(v, pairs("transaction_id", v.chance(0.7) ? t.transactionId()
                        : v.string()));
                cookie(v, t, headers);
            }
            case 3 -> {
                method = "POST";
                target = "/oauth/consent";
                headers.add(Map.entry("Content-Type", v.chance(0.9) ? "application/x-www-form-urlencoded"
                        : contentType(v)));
                body = query(v, pairs("transaction_id", v.chance(0.7) ? t.transactionId() : v.string(),
                        "csrf_token", v.chance(0.6) ? t.csrfToken() : v.string(),
                        "action", v.pick("approve", "deny", "", v.string()))).getBytes(StandardCharsets.UTF_8);
                cookie(v, t, headers);
            }
            case 4 -> {
                method = "GET";
                target = "/oauth/callback?" + query(v, pairs("state", v.string(), "code", v.string(),
                        "error", v.pick("access_denied", "server_error", v.string()), "error_description", v.string(),
                        "iss", v.pick("http://127.0.0.1:1", v.string())));
                cookie(v, t, headers);
            }
            case 5, 6 -> {
                method = "POST";
                target = which == 5 ? "/oauth/token" : "/oauth/revoke";
                headers.add(Map.entry("Content-Type", v.chance(0.9) ? "application/x-www-form-urlencoded"
                        : contentType(v)));
                List<String[]> form = which == 5 ? token(v, t) : pairs("token", v.pick(v.string(), "e30.e30.x"),
                        "token_type_hint", v.pick("access_token", "refresh_token", v.string()));
                clientAuth(v, t, form, headers);
                body = query(v, form).getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                method = v.chance(0.8) ? "GET" : v.pick("HEAD", "OPTIONS", "POST", "DELETE");
                target = v.pick("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration",
                        "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp",
                        "/.well-known/oauth-authorization-server/mcp", "/.well-known/", "/.well-known/x")
                        + v.pick("", "", "/", "?x=" + v.pick("%zz", "1", "%"), "/..%2f", "%00");
                if (method.equals("OPTIONS") || v.chance(0.2)) {
                    headers.add(Map.entry("Origin", v.pick("http://evil.example", "null", v.headerSafe())));
                    headers.add(Map.entry("Access-Control-Request-Method", v.pick("GET", "POST", v.headerSafe())));
                }
            }
        }
        if (v.chance(0.05)) {
            // The same route with another HTTP method.
            method = v.pick("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH");
        }
        if (v.chance(0.03)) {
            headers.add(Map.entry("Accept", v.headerSafe()));
        }
        if (which <= 6 && v.chance(0.03)) {
            headers.add(Map.entry("Origin", v.pick("http://evil.example", "null", "http://127.0.0.1:" + t.port(),
                    v.headerSafe())));
        }
        if (method.equals("GET") || method.equals("HEAD")) {
            body = null;
        } else if (body == null) {
            body = new byte[0];
        }
        boolean overLimit = body != null && body.length > FuzzCampaignTest.MAX_REQUEST_BYTES;
        return FuzzCase.of(t.name(), seed, n, method, target, headers, body, 2 + n % 250, null, overLimit);
    }

    private static String contentType(FuzzValues v) {
        return v.pick("text/plain", "application/json", "application/x-www-form-urlencoded; charset=ISO-8859-1",
                "multipart/form-data; boundary=x", "", v.headerSafe());
    }

    private static void cookie(FuzzValues v, OAuthFuzzer.Target t, List<Map.Entry<String, String>> headers) {
        if (v.chance(0.5)) {
            headers.add(Map.entry("Cookie", v.chance(0.5) ? t.cookie() : v.headerSafe() + "=" + v.headerSafe()));
        }
    }

    private static List<String[]> pairs(String... nameValues) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            out.add(new String[] {nameValues[i], nameValues[i + 1]});
        }
        return out;
    }

    private static List<String[]> authorize(FuzzValues v, Target t) {
        List<String[]> p = pairs("response_type", "code",
                "client_id", v.chance(0.8) ? t.publicClient() : v.string(),
                "redirect_uri", v.chance(0.8) ? t.redirectUri() : v.pick("http://evil.example/cb",
                        "http://127.0.0.1:1/cb", "javascript:alert(1)", t.redirectUri() + "#x", v.string()),
                "code_challenge", "A".repeat(43), "code_challenge_method", "S256",
                "state", v.chance(0.7) ? "s" : v.string(),
                "scope", v.chance(0.7) ? "openid" : v.string(),
                "resource", v.chance(0.7) ? "http://127.0.0.1:" + t.port() + "/mcp" : v.string());
        mutateParams(v, p);
        return p;
    }

    private static List<String[]> token(FuzzValues v, Target t) {
        String grant = v.pick("authorization_code", "refresh_token", "client_credentials", "password", "", v.string());
        List<String[]> p = pairs("grant_type", grant);
        if (grant.equals("refresh_token") || v.chance(0.2)) {
            p.add(new String[] {"refresh_token", v.pick(v.string(), "e30.e30.x")});
        }
        if (!grant.equals("refresh_token") || v.chance(0.2)) {
            p.addAll(pairs("code", v.string(), "redirect_uri", v.chance(0.7) ? t.redirectUri() : v.string(),
                    "code_verifier", v.chance(0.5) ? "v".repeat(43) : v.string()));
        }
        if (v.chance(0.3)) {
            p.add(new String[] {"resource", v.pick("http://127.0.0.1:" + t.port() + "/mcp", v.string())});
        }
        if (v.chance(0.2)) {
            p.add(new String[] {"scope", v.string()});
        }
        mutateParams(v, p);
        return p;
    }

    /** No client authentication, a client_id, a secret in the form, or a Basic header (sometimes broken). */
    private static void clientAuth(FuzzValues v, Target t, List<String[]> form, List<Map.Entry<String, String>> headers) {
        switch (v.random().nextInt(6)) {
            case 0 -> { }
            case 1 -> form.add(new String[] {"client_id", v.chance(0.7) ? t.publicClient() : v.string()});
            case 2 -> {
                form.add(new String[] {"client_id", v.chance(0.7) ? t.confidentialClient() : v.string()});
                form.add(new String[] {"client_secret", v.chance(0.5) ? t.secret() : v.string()});
            }
            default -> headers.add(Map.entry("Authorization", basic(v, t)));
        }
    }

    private static String basic(FuzzValues v, Target t) {
        String id = v.chance(0.6) ? t.confidentialClient() : v.string();
        String secret = v.chance(0.5) ? t.secret() : v.string();
        byte[] credentials = switch (v.random().nextInt(8)) {
            case 0 -> (enc(id) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8);
            case 1 -> (id + ":" + secret).getBytes(StandardCharsets.UTF_8);
            case 2 -> (v.pick("%zz", "%", "a%", "%C3", "%ff%fe", "%00") + ":" + v.pick("%zz", "x", "%"))
                    .getBytes(StandardCharsets.UTF_8);
            case 3 -> enc(id).getBytes(StandardCharsets.UTF_8); // no colon
            case 4 -> new byte[] {(byte) 0xff, (byte) 0xfe, ':', (byte) 0xc3};
            default -> (enc(id) + ":" + enc(secret) + ":" + v.headerSafe()).getBytes(StandardCharsets.UTF_8);
        };
        String encoded = Base64.getEncoder().encodeToString(credentials);
        return switch (v.random().nextInt(8)) {
            case 0 -> "Basic " + v.pick("!!!", "====", "a", "YQ", "YWJj=ZGVm", "Zm9v\u00e9", "") ;
            case 1 -> "Basic  " + encoded;
            case 2 -> "basic " + encoded;
            case 3 -> "Basic " + encoded.replace("=", "");
            case 4 -> "Basic " + v.headerSafe();
            case 5 -> v.pick("Bearer ", "Digest ", "", "Basic") + encoded;
            default -> "Basic " + encoded;
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Removes, repeats, or replaces a parameter, or adds an unknown one. */
    private static void mutateParams(FuzzValues v, List<String[]> p) {
        int mutations = v.random().nextInt(3);
        for (int i = 0; i < mutations && !p.isEmpty(); i++) {
            int at = v.random().nextInt(p.size());
            switch (v.random().nextInt(5)) {
                case 0 -> p.remove(at);
                case 1 -> p.add(new String[] {p.get(at)[0], v.string()});
                case 2 -> p.set(at, new String[] {p.get(at)[0], v.string()});
                case 3 -> p.add(new String[] {v.string(), v.string()});
                default -> p.set(at, new String[] {p.get(at)[0], ""});
            }
        }
    }

    /** The pairs form-encoded, sometimes with raw (unencoded or badly escaped) pieces. */
    private static String query(FuzzValues v, List<String[]> p) {
        StringBuilder s = new StringBuilder();
        for (String[] pair : p) {
            s.append(s.length() == 0 ? "" : "&");
            if (v.chance(0.05)) {
                s.append(v.pick("%zz", "a=%", "=x", "x", "&&", "a==b", "%00=%00", "%C3%28=1", "+=+", "%u0041=1"));
                continue;
            }
            s.append(enc(pair[0])).append('=').append(enc(pair[1]));
        }
        if (v.chance(0.03)) {
            s.append("&pad=").append("a".repeat(v.pick(10_000, 70_000)));
        }
        return s.toString();
    }

    private static byte[] registration(FuzzValues v, Target t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_name", v.chance(0.7) ? "Fuzz client" : v.string());
        m.put("redirect_uris", v.chance(0.7) ? List.of(t.redirectUri()) : v.pick(List.of(), List.of(v.string()),
                v.value(1), List.of("http://evil.example/cb", "http://127.0.0.1:1/cb"), null));
        m.put("token_endpoint_auth_method", v.pick("none", "client_secret_basic", "client_secret_post",
                "private_key_jwt", v.string()));
        if (v.chance(0.5)) {
            m.put("grant_types", v.pick(List.of("authorization_code", "refresh_token"), List.of("implicit"),
                    v.value(1)));
        }
        if (v.chance(0.5)) {
            m.put("response_types", v.pick(List.of("code"), List.of("token"), v.value(1)));
        }
        if (v.chance(0.3)) {
            m.put("scope", v.pick("openid", v.string(), v.value(1)));
        }
        for (int i = v.random().nextInt(3); i > 0; i--) {
            String key = v.pick(new ArrayList<>(m.keySet()));
            if (v.random().nextBoolean()) {
                m.remove(key);
            } else {
                m.put(v.chance(0.7) ? key : v.key(), v.value(0));
            }
        }
        String text = JSON.writeValueAsString(m);
        if (text.contains("\"" + FuzzValues.DEEP + "\"")) {
            text = text.replace("\"" + FuzzValues.DEEP + "\"", v.deep());
        }
        if (v.chance(0.08)) {
            text = v.pick("", "null", "[]", "{", "1", "\"x\"", text.substring(0, text.length() / 2), text + "}",
                    "[" + text + "]");
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
