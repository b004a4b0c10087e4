package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.LogCapture;
import dev.fastmcp.RawHttp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OAuth endpoints accept small forms and JSON documents (64 KiB at most): anything larger is refused while it
 * arrives, with an RFC 6749 error, and never buffered up to the server's much larger request limit.
 */
@Timeout(120)
class OAuthBodyLimitsTest {

    private static final List<String> ENDPOINTS = List.of("/oauth/token", "/oauth/revoke", "/oauth/register",
            "/oauth/consent");
    private static final int LIMIT = 64 * 1024;

    private static ProxyHarness h;

    @BeforeAll
    static void start() {
        h = new ProxyHarness();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static String head(String path, String... headers) {
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + h.base().substring(h.base().lastIndexOf(':') + 1) + "\r\nConnection: close\r\n"
                + "Content-Type: " + (path.endsWith("register") ? "application/json" : "application/x-www-form-urlencoded")
                + "\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private static String chunk(int size) {
        return Integer.toHexString(size) + "\r\n" + "a".repeat(size) + "\r\n";
    }

    /** Registration declares its own, smaller limit (client metadata is small); the others take forms. */
    private static int limit(String path) {
        return path.endsWith("/register") ? ClientMetadata.MAX_BODY_BYTES : LIMIT;
    }

    private static void assertRefusedAsTooLarge(String path, String what, RawHttp.Response r)
            throws Exception {
        assertEquals(413, r.status(), what + ": " + r.body());
        Map<String, Object> error = ProxyHttp.JSON.readValue(r.body(), Map.class);
        assertEquals("invalid_request", error.get("error"), what + ": " + r.body());
        assertTrue(String.valueOf(error.get("error_description")).contains(String.valueOf(limit(path))), r.body());
        assertEquals("no-store", r.header("Cache-Control"), what);
    }

    @Test
    void oauthEndpointsNeverBufferMoreThanTheirLimit() throws Exception {
        try (LogCapture log = new LogCapture("dev.fastmcp")) {
            for (String path : ENDPOINTS) {
                // just over the limit, and no last chunk: the answer must come without the rest of the body
                StringBuilder request = new StringBuilder(head(path, "Transfer-Encoding: chunked"));
                for (int sent = 0; sent <= limit(path); sent += 8192) {
                    request.append(chunk(8192));
                }
                assertRefusedAsTooLarge(path, path, SourceAddressHttp.raw("127.0.0.1", h.base() + path, request.toString()));
            }
            assertFalse(log.text().contains("\tat "), "no stack trace in the log: " + log.text());
        }
    }

    @Test
    void oversizedContentLengthOnOAuthEndpointsIsRefusedUnread() throws Exception {
        try (LogCapture log = new LogCapture("dev.fastmcp")) {
            for (String path : ENDPOINTS) {
                for (long length : new long[] {limit(path) + 1, 10_000_000}) {
                    // the head only: the 413 must come without the client sending the body
                    assertRefusedAsTooLarge(path, path + " " + length, SourceAddressHttp.raw("127.0.0.1", h.base() + path,
                            head(path, "Content-Length: " + length)));
                }
            }
            assertFalse(log.text().contains("\tat "), "no stack trace in the log: " + log.text());
        }
    }

    @Test
    void formsWithinTheLimitAreStillRead() throws Exception {
        String form = "grant_type=refresh_token&refresh_token=" + "a".repeat(LIMIT - 39);
        assertEquals(LIMIT, form.length());
        RawHttp.Response r = SourceAddressHttp.raw("127.0.0.1", h.base() + "/oauth/token",
                head("/oauth/token", "Content-Length: " + form.length()) + form);
        assertEquals(401, r.status(), r.body()); // read and judged: no client authenticated
        assertEquals("invalid_client", ProxyHttp.JSON.readValue(r.body(), Map.class).get("error"), r.body());
    }
}
