package dev.fastmcp.providers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fastmcp.testsupport.Browser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * mock-oauth2-server behind an identity provider's own URL layout: each path routed here (Keycloak's
 * {@code /realms/main/protocol/openid-connect/auth}, Okta's {@code /oauth2/v1/keys}...) is forwarded to one
 * endpoint of the mock, so that a preset is tested with the endpoints it computes. It records what each request
 * carried (query and form parameters).
 */
final class IdpFront implements AutoCloseable {

    /** One request received: its path here and its parameters. */
    record Seen(String path, Map<String, String> params) {
    }

    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "Content-Type", "Accept");
    private static final List<String> RESPONSE_HEADERS = List.of("Content-Type", "Location", "Cache-Control");

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, String> routes = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpServer server;

    IdpFront() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::forward);
        server.start();
    }

    /** A front whose paths (keys) forward to the mock's paths (values); any other path is a 404. */
    IdpFront(no.nav.security.mock.oauth2.MockOAuth2Server idp, Map<String, String> routes) throws IOException {
        this();
        String mock = idp.baseUrl().toString().replaceAll("/$", "");
        routes.forEach((path, target) -> route(path, mock + target));
    }

    /** This front's origin, {@code http://127.0.0.1:<port>}: the identity provider's "domain" in a test. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves {@code path} with the mock's endpoint at {@code target}. */
    IdpFront route(String path, Object target) {
        routes.put(path, String.valueOf(target));
        return this;
    }

    /** The requests received at {@code path}, oldest first. */
    List<Seen> at(String path) {
        return seen.stream().filter(s -> s.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void forward(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String target = routes.get(path);
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String query = ex.getRequestURI().getRawQuery();
            Map<String, String> params = new LinkedHashMap<>(query == null ? Map.of() : Browser.decodeForm(query));
            if (body.length > 0) {
                params.putAll(Browser.decodeForm(new String(body, StandardCharsets.UTF_8)));
            }
            seen.add(new Seen(path, params));
            if (target == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(target + (query == null ? "" : "?" + query)))
                    .timeout(Duration.ofSeconds(10))
                    .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String name : REQUEST_HEADERS) {
                String value = ex.getRequestHeaders().getFirst(name);
                if (value != null) {
                    out.header(name, value);
                }
            }
            HttpResponse<byte[]> answer;
            try {
                answer = http.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            for (String name : RESPONSE_HEADERS) {
                answer.headers().firstValue(name).ifPresent(v -> ex.getResponseHeaders().add(name, v));
            }
            byte[] reply = answer.body();
            ex.sendResponseHeaders(answer.statusCode(), reply.length == 0 ? -1 : reply.length);
            if (reply.length > 0) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(reply);
                }
            }
        }
    }
}
