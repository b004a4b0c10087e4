package dev.fastmcp.auth.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * An identity provider's token and revocation endpoints answering what a test says: the code exchange answers the
 * token response given at construction, each refresh what {@link #answerRefresh} set last; both record what they
 * receive. The sign-in page stays the harness's mock identity provider.
 */
final class StubUpstream implements AutoCloseable {

    /** A code exchange answer with a refresh token and an access token that expires at once. */
    static final String EXPIRING = "{\"access_token\":\"up-1\",\"refresh_token\":\"up-r1\",\"expires_in\":1}";

    private final HttpServer server;
    private final AtomicReference<String[]> refreshAnswer = new AtomicReference<>();
    /** The form bodies of the refreshes received. */
    final List<String> refreshes = new CopyOnWriteArrayList<>();
    /** The form bodies of the revocations received, and their {@code Authorization} headers. */
    final List<String> revocations = new CopyOnWriteArrayList<>();
    final List<String> revocationAuth = new CopyOnWriteArrayList<>();

    StubUpstream(String codeAnswer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String[] answer = {"200", "application/json", codeAnswer};
            if (form.contains("grant_type=refresh_token")) {
                refreshes.add(form);
                answer = refreshAnswer.get();
            }
            reply(exchange, Integer.parseInt(answer[0]), answer[1], answer[2]);
        });
        server.createContext("/revoke", exchange -> {
            revocations.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            revocationAuth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            reply(exchange, 200, "application/json", "{}");
        });
        server.start();
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** What the next refreshes answer. */
    void answerRefresh(int status, String contentType, String body) {
        refreshAnswer.set(new String[] {String.valueOf(status), contentType, body});
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The proxy's upstream token and revocation endpoints set to these. */
    UnaryOperator<OAuthProxy.Builder> endpoints() {
        return b -> b.upstream(u -> u.upstreamTokenEndpoint(url("/token")).upstreamRevocationEndpoint(url("/revoke")));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
