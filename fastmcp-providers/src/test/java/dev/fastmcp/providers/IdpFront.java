package dev.fastmcp.providers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * mock-oauth2-server behind another identity provider's endpoint layout: each path of the front forwards to one path
 * of the mock (with its query, body and headers) and the mock's answer comes back as it is, redirects included, so a
 * preset computes its endpoints from the front's origin exactly as from the real provider's domain.
 */
final class IdpFront implements AutoCloseable {

    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "Content-Type", "Accept");
    private static final List<String> RESPONSE_HEADERS = List.of("Location", "Content-Type", "Cache-Control");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** A front whose paths (keys) forward to the mock's paths (values); any other path is a 404. */
    IdpFront(MockOAuth2Server idp, Map<String, String> routes) throws IOException {
        String mock = idp.baseUrl().toString().replaceAll("/$", "");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String target = routes.get(exchange.getRequestURI().getRawPath());
                if (target == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                String query = exchange.getRequestURI().getRawQuery();
                forward(exchange, mock + target + (query == null ? "" : "?" + query));
            }
        });
        server.start();
    }

    /** The front's origin, {@code http://127.0.0.1:<port>}: the "domain" of the identity provider in a test. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void forward(HttpExchange exchange, String url) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String name : REQUEST_HEADERS) {
            String value = exchange.getRequestHeaders().getFirst(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        for (String name : RESPONSE_HEADERS) {
            answer.headers().firstValue(name).ifPresent(v -> exchange.getResponseHeaders().add(name, v));
        }
        byte[] out = answer.body();
        exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
