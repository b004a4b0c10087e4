package dev.fastmcp.auth;

import com.sun.net.httpserver.HttpServer;
import dev.fastmcp.auth.jwt.RSAKeyPair;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Serves the public keys of an {@link RSAKeyPair} as a JWKS on loopback, as an identity provider would. */
final class JWKSHost implements AutoCloseable {

    private final HttpServer server;

    JWKSHost(RSAKeyPair keys) {
        byte[] body = keys.jwksJson().getBytes(StandardCharsets.UTF_8);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** The JWKS URL. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
