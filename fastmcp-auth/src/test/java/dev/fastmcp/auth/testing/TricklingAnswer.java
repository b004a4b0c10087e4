package dev.fastmcp.auth.testing;

import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An upstream that sends its headers at once, then its body one byte every 100 ms: a complete, valid answer
 * that takes {@code 100 ms × length} to arrive. A bounded fetch gives up at its deadline.
 */
public final class TricklingAnswer {

    private TricklingAnswer() {
    }

    public static HttpHandler of(String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException e) {
                // the client gave up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        };
    }
}
