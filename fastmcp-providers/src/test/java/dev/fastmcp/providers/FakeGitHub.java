package dev.fastmcp.providers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fastmcp.testsupport.Browser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small server shaped like GitHub's OAuth and REST endpoints: {@code /login/oauth/authorize} approves at once,
 * {@code /login/oauth/access_token} answers JSON or a form depending on {@code Accept} (with no expiry, as for
 * OAuth apps), {@code /api/v3/user} and {@code /api/v3/user/emails} answer for live tokens. It records what it
 * received.
 */
final class FakeGitHub implements AutoCloseable {

    static final String CLIENT_ID = "gh-client";
    static final String CLIENT_SECRET = "gh-secret";

    record Seen(String path, Map<String, List<String>> headers, Map<String, String> params) {

        String header(String name) {
            List<String> v = headers.get(name.substring(0, 1).toUpperCase() + name.substring(1).toLowerCase());
            return v == null ? null : v.get(0);
        }
    }

    private record Pending(String challenge, String redirectUri) {
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger userCalls = new AtomicInteger();
    /** When not 0, {@code /user} answers this status (with a body that must not reach clients). */
    volatile int userStatus;
    private final HttpServer server;
    private final Map<String, Pending> codes = new ConcurrentHashMap<>();
    private final Set<String> liveTokens = ConcurrentHashMap.newKeySet();

    FakeGitHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/login/oauth/authorize", this::authorize);
        server.createContext("/login/oauth/access_token", this::token);
        server.createContext("/api/v3/user", this::user);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Revokes a token, as a user does under Settings, Applications. */
    void revoke(String token) {
        liveTokens.remove(token);
    }

    Seen last(String path) {
        for (int i = seen.size() - 1; i >= 0; i--) {
            if (seen.get(i).path().equals(path)) {
                return seen.get(i);
            }
        }
        throw new AssertionError("no request to " + path + " in " + seen);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private Seen record(HttpExchange ex, String body) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        if (ex.getRequestURI().getRawQuery() != null) {
            params.putAll(Browser.decodeForm(ex.getRequestURI().getRawQuery()));
        }
        if (body != null && !body.isEmpty()) {
            params.putAll(Browser.decodeForm(body));
        }
        Seen s = new Seen(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), params);
        seen.add(s);
        return s;
    }

    private void authorize(HttpExchange ex) throws IOException {
        Seen s = record(ex, null);
        String code = UUID.randomUUID().toString();
        codes.put(code, new Pending(s.params().get("code_challenge"), s.params().get("redirect_uri")));
        ex.getResponseHeaders().add("Location", s.params().get("redirect_uri") + "?code=" + code + "&state="
                + s.params().get("state"));
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void token(HttpExchange ex) throws IOException {
        Seen s = record(ex, new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Pending p = codes.remove(String.valueOf(s.params().get("code")));
        boolean ok = p != null && CLIENT_ID.equals(s.params().get("client_id"))
                && CLIENT_SECRET.equals(s.params().get("client_secret"))
                && p.redirectUri().equals(s.params().get("redirect_uri"))
                && (p.challenge() == null || p.challenge().equals(challenge(s.params().get("code_verifier"))));
        boolean json = String.valueOf(s.header("Accept")).contains("application/json");
        String token = "gho_" + UUID.randomUUID().toString().replace("-", "");
        if (ok) {
            liveTokens.add(token);
        }
        // GitHub answers HTTP 200 with an error field when the code is bad.
        String body = !ok ? (json ? "{\"error\":\"bad_verification_code\"}" : "error=bad_verification_code")
                : json ? "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"scope\":\"read:user,user:email\"}"
                : "access_token=" + token + "&scope=read%3Auser%2Cuser%3Aemail&token_type=bearer";
        send(ex, 200, json ? "application/json" : "application/x-www-form-urlencoded", body);
    }

    private void user(HttpExchange ex) throws IOException {
        Seen s = record(ex, null);
        if (userStatus != 0) {
            send(ex, userStatus, "application/json", "{\"message\":\"Server Error at internal-host-17\"}");
            return;
        }
        String auth = String.valueOf(s.header("Authorization"));
        if (!auth.startsWith("Bearer ") || !liveTokens.contains(auth.substring(7))) {
            send(ex, 401, "application/json", "{\"message\":\"Bad credentials\"}");
            return;
        }
        if (s.path().equals("/api/v3/user/emails")) {
            send(ex, 200, "application/json", "[{\"email\":\"old@example.com\",\"primary\":false,\"verified\":true},"
                    + "{\"email\":\"octocat@example.com\",\"primary\":true,\"verified\":true}]");
            return;
        }
        userCalls.incrementAndGet();
        send(ex, 200, "application/json", "{\"login\":\"octocat\",\"id\":583231,\"name\":\"The Octocat\","
                + "\"email\":null,\"avatar_url\":\"https://avatars.example.com/u/583231\"}");
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.valueOf(verifier)
                    .getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
