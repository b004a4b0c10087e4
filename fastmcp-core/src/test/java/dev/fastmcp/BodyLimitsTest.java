package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Request bodies are checked while they arrive: what is over a limit, or comes without the credentials the
 * server requires, is answered before it is buffered, and the answer always reaches the client.
 */
@Timeout(60)
class BodyLimitsTest {

    private static final int LIMIT = 64 * 1024;
    private static final String MCP_HEADERS = "Content-Type: application/json\r\nAccept: application/json, "
            + "text/event-stream";

    private FastMCP open;
    private FastMCP secured;
    private LogCapture log;

    @BeforeEach
    void start() {
        log = new LogCapture();
        open = FastMCP.builder("limits", "1.0.0").http(h -> h.maxRequestBytes(LIMIT))
                .addRoute("POST", "/echo", req -> ServerResponse.text(200, "got " + req.body().length))
                .build().start(StartOptions.http().port(0));
        AuthProvider provider = new AuthProvider() {
            @Override
            public TokenVerifier tokenVerifier() {
                return token -> TokenVerification.invalid("no token is valid here");
            }

            @Override
            public List<String> authorizationServers() {
                return List.of("https://auth.example.com");
            }

            @Override
            public List<HttpRoute> routes() {
                return List.of(new HttpRoute("POST", "/small", req -> ServerResponse.text(200,
                        "got " + req.body().length)).withMaxBodyBytes(1024));
            }
        };
        secured = FastMCP.builder("secured", "1.0.0").http(h -> h.maxRequestBytes(LIMIT)).auth(provider)
                .addAuthenticatedRoute("POST", "/mine", req -> ServerResponse.text(200, "mine"))
                .build().start(StartOptions.http().port(0));
    }

    @AfterEach
    void stop() {
        // read before the servers stop: what the requests made them log, not XNIO's noise of a closing listener
        String logged = log.text();
        try {
            open.close();
            secured.close();
        } finally {
            log.close();
        }
        assertFalse(logged.contains("\tat ") || logged.contains("Exception"), "no stack trace in the log: " + logged);
    }

    @Test
    void oversizedContentLengthIsRefusedBeforeTheBodyIsRead() throws Exception {
        for (String path : List.of("/mcp", "/echo")) {
            try (RawHttp http = new RawHttp(open.port())) {
                // headers only: the answer must come without the client sending a byte of the 10 MB
                http.send(RawHttp.head("POST " + path + " HTTP/1.1", open.port(), MCP_HEADERS,
                        "Content-Length: 10000000"));
                RawHttp.Response r = http.response();
                assertEquals(413, r.status(), path + ": " + r.body());
                assertTrue(r.body().contains(String.valueOf(LIMIT)), "the answer names the limit: " + r.body());
            }
        }
    }

    @Test
    void aGetOrDeleteDeclaringABodyOverTheLimitIsRefusedLikeAPost() throws Exception {
        for (String method : List.of("GET", "DELETE")) {
            try (RawHttp http = new RawHttp(open.port())) {
                http.send(RawHttp.head(method + " /mcp HTTP/1.1", open.port(), MCP_HEADERS,
                        "Content-Length: 10000000"));
                RawHttp.Response r = http.response();
                assertEquals(413, r.status(), method + ": " + r.body());
                assertTrue(r.body().contains(String.valueOf(LIMIT)), "the answer names the limit: " + r.body());
            }
        }
    }

    @Test
    void aRefusedOriginIsAnsweredInTheRoutesShapeAndNeverEchoedRaw() throws Exception {
        String hostile = "https://evil.example\u0085\u009b31m" + "x".repeat(5_000); // C1 controls pass the HTTP parser
        for (String path : List.of("/mcp", "/echo")) {
            try (RawHttp http = new RawHttp(open.port())) {
                http.send(RawHttp.head("POST " + path + " HTTP/1.1", open.port(), MCP_HEADERS,
                        "Origin: " + hostile, "Content-Length: 2") + "{}");
                RawHttp.Response r = http.response();
                assertEquals(403, r.status(), path + ": " + r.body());
                assertFalse(r.body().contains("\u0085") || r.body().contains("\u009b"),
                        "no raw control character: " + r.body());
                assertTrue(r.body().length() < 1_000, "the refused value is cut short: " + r.body().length());
                if (path.equals("/mcp")) {
                    assertTrue(r.body().contains("\"jsonrpc\""), "a JSON-RPC envelope at /mcp: " + r.body());
                } else {
                    assertTrue(r.body().contains("\"error\":\"access_denied\""), "a route error elsewhere: " + r.body());
                    assertFalse(r.body().contains("jsonrpc"), r.body());
                }
            }
        }
    }

    @Test
    void chunkedBodyOverTheLimitGets413NotAReset() throws Exception {
        for (String path : List.of("/mcp", "/echo")) {
            try (RawHttp http = new RawHttp(open.port())) {
                http.send(RawHttp.head("POST " + path + " HTTP/1.1", open.port(), MCP_HEADERS,
                        "Transfer-Encoding: chunked"));
                for (int sent = 0; sent <= LIMIT; sent += 8192) {
                    http.send(RawHttp.chunk(8192));
                }
                // no last chunk: the server must stop reading at the limit and answer
                RawHttp.Response r = http.response();
                assertEquals(413, r.status(), path + ": " + r.body());
                assertTrue(r.body().contains(String.valueOf(LIMIT)), "the answer names the limit: " + r.body());
            }
        }
    }

    @Test
    void aBodyFarOverTheLimitSentWholeStillGetsItsAnswer() throws Exception {
        for (String path : List.of("/mcp", "/echo")) {
            try (RawHttp http = new RawHttp(open.port())) {
                http.send(RawHttp.head("POST " + path + " HTTP/1.1", open.port(), MCP_HEADERS,
                        "Transfer-Encoding: chunked"));
                // a client that writes all of its 2 MB before it reads: the server may stop reading, not answering
                String chunk = RawHttp.chunk(16 * 1024);
                for (int sent = 0; sent < 2 * 1024 * 1024 && http.send(chunk); sent += 16 * 1024) {
                    // until sent, or the server closed the connection
                }
                RawHttp.Response r = http.response();
                assertEquals(413, r.status(), path + ": " + r.body());
            }
        }
    }

    @Test
    void routesRefuseBodiesOverTheirOwnDeclaredLimit() throws Exception {
        try (RawHttp http = new RawHttp(secured.port())) {
            http.send(RawHttp.head("POST /small HTTP/1.1", secured.port(), "Content-Length: 2000"));
            RawHttp.Response r = http.response();
            assertEquals(413, r.status(), r.body());
            assertTrue(r.body().contains("\"error\":\"invalid_request\"") && r.body().contains("1024"), r.body());
        }
        try (RawHttp http = new RawHttp(secured.port())) {
            http.send(RawHttp.head("POST /small HTTP/1.1", secured.port(), "Transfer-Encoding: chunked")
                    + RawHttp.chunk(1000) + RawHttp.chunk(1000));
            assertEquals(413, http.response().status());
        }
        try (RawHttp http = new RawHttp(secured.port())) {
            http.send(RawHttp.head("POST /small HTTP/1.1", secured.port(), "Content-Length: 1024") + "a".repeat(1024));
            RawHttp.Response r = http.response();
            assertEquals(200, r.status());
            assertEquals("got 1024", r.body());
        }
    }

    @Test
    void unauthenticatedMcpRequestIsAnsweredBeforeItsBodyIsRead() throws Exception {
        for (String path : List.of("/mcp", "/mine")) {
            try (RawHttp http = new RawHttp(secured.port())) {
                // a length under the limit, never sent: the answer must not wait for it
                http.send(RawHttp.head("POST " + path + " HTTP/1.1", secured.port(), MCP_HEADERS,
                        "Content-Length: 60000"));
                RawHttp.Response r = http.response();
                assertEquals(401, r.status(), path + ": " + r.body());
                assertNotNull(r.header("WWW-Authenticate"), path);
                assertTrue(r.header("WWW-Authenticate").startsWith("Bearer resource_metadata="), r.headers().toString());
            }
        }
        try (RawHttp http = new RawHttp(secured.port())) {
            http.send(RawHttp.head("POST /mcp HTTP/1.1", secured.port(), MCP_HEADERS, "Content-Length: 60000"));
            RawHttp.Response r = http.response();
            assertTrue(r.body().contains("\"id\":null") && r.body().contains("\"jsonrpc\":\"2.0\""),
                    "a JSON-RPC error for no request id (the body was not read): " + r.body());
        }
    }

    @Test
    void chunkedRequestWithConnectionCloseAnsweredEarlyStillGetsItsAnswer() throws Exception {
        record Case(FastMCP server, String path, String headers, int status) {
        }
        for (Case c : List.of(new Case(secured, "/mcp", MCP_HEADERS, 401),
                new Case(open, "/mcp", "Content-Type: text/plain", 415),
                new Case(open, "/nowhere", MCP_HEADERS, 404),
                new Case(open, "/mcp", MCP_HEADERS + "\r\nOrigin: http://evil.example.com", 403))) {
            try (RawHttp http = new RawHttp(c.server().port())) {
                http.send(RawHttp.head("POST " + c.path() + " HTTP/1.1", c.server().port(), c.headers(),
                        "Transfer-Encoding: chunked", "Connection: close") + RawHttp.chunk(100));
                RawHttp.Response r = http.response();
                assertEquals(c.status(), r.status(), c.path() + ": " + r.body());
                assertTrue(http.closedByServer(), "the connection is not kept with half a body in it");
            }
        }
    }

    @Test
    void aLongChunkedBodySentToARefusedRequestLeavesNoStackTraceInTheLog() throws Exception {
        record Case(String path, String headers, int status) {
        }
        for (Case c : List.of(new Case("/nowhere", MCP_HEADERS, 404),
                new Case("/mcp", "Content-Type: text/plain", 415),
                new Case("/mcp", MCP_HEADERS + "\r\nOrigin: http://evil.example.com", 403))) {
            try (RawHttp http = new RawHttp(open.port())) {
                // refused on its headers, then more body than the server would ever drain (the @AfterEach reads the log)
                http.send(RawHttp.head("POST " + c.path() + " HTTP/1.1", open.port(), c.headers(),
                        "Transfer-Encoding: chunked"));
                String chunk = RawHttp.chunk(16 * 1024);
                for (int sent = 0; sent < 4 * LIMIT && http.send(chunk); sent += 16 * 1024) {
                    // until sent, or the server closed the connection
                }
                assertEquals(c.status(), http.response().status(), c.path());
                assertTrue(http.closedByServer(), "the connection is not kept with half a body in it");
            }
        }
    }

    @Test
    void anUnreadBodyNeverPassesForTheNextRequest() throws Exception {
        try (RawHttp http = new RawHttp(secured.port())) {
            String smuggled = RawHttp.head("GET /smuggled HTTP/1.1", secured.port());
            http.send(RawHttp.head("POST /mcp HTTP/1.1", secured.port(), MCP_HEADERS,
                    "Content-Length: " + smuggled.length()));
            assertEquals(401, http.response().status());
            // the body comes after its answer: it is drained as a body, never read as a request
            http.send(smuggled + RawHttp.head("GET /health HTTP/1.1", secured.port()));
            // A body of declared length within the limit is drained and the connection kept (see EarlyAnswer):
            // the next answer is the health check's, not the smuggled request's.
            RawHttp.Response next = http.responseUnlessClosed();
            assertNotNull(next, "the connection was closed instead of draining the declared body");
            assertEquals(200, next.status(), "the body was read as a request: " + next.body());
            assertTrue(next.body().contains("\"status\":\"ok\""), next.body());
        }
    }

    @Test
    void anMcpBodyArrivingInPiecesIsReceivedWhole() throws Exception {
        String body = RawModern.body(7, "server/discover", "{}");
        String head = MCP_HEADERS + "\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: server/discover";
        try (RawHttp http = new RawHttp(open.port())) {
            http.send(RawHttp.head("POST /mcp HTTP/1.1", open.port(), head, "Content-Length: " + body.length())
                    + body.substring(0, 10));
            Thread.sleep(100);
            http.send(body.substring(10, 40));
            Thread.sleep(100);
            http.send(body.substring(40));
            RawHttp.Response r = http.response();
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains("\"id\":7") && r.body().contains("supportedVersions"), r.body());

            http.send(RawHttp.head("POST /mcp HTTP/1.1", open.port(), head, "Transfer-Encoding: chunked")
                    + Integer.toHexString(20) + "\r\n" + body.substring(0, 20) + "\r\n");
            Thread.sleep(100);
            String rest = body.substring(20);
            http.send(Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n");
            RawHttp.Response chunked = http.response();
            assertEquals(200, chunked.status(), chunked.body());
            assertTrue(chunked.body().contains("\"id\":7"), chunked.body());
        }
    }

    @Test
    void bodiesWithinTheLimitStillPass() throws Exception {
        try (RawHttp http = new RawHttp(open.port())) {
            String body = "a".repeat(LIMIT);
            http.send(RawHttp.head("POST /echo HTTP/1.1", open.port(), "Content-Length: " + body.length()) + body);
            RawHttp.Response r = http.response();
            assertEquals(200, r.status());
            assertEquals("got " + LIMIT, r.body());
            http.send(RawHttp.head("POST /echo HTTP/1.1", open.port(), "Transfer-Encoding: chunked")
                    + RawHttp.chunk(LIMIT / 2) + RawHttp.chunk(LIMIT / 2) + "0\r\n\r\n");
            RawHttp.Response chunked = http.response();
            assertEquals(200, chunked.status());
            assertEquals("got " + LIMIT, chunked.body());
        }
    }
}
