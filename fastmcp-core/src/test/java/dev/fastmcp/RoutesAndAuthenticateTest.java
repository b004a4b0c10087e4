package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Custom routes beside the MCP endpoint, and the authenticate hook in front of both. */
@Timeout(60)
class RoutesAndAuthenticateTest {

    private final AtomicInteger authCalls = new AtomicInteger();
    private FastMCP server;
    private RawMcp mcp;

    @BeforeEach
    void start() {
        server = FastMCP.builder("routes-test", "1.0.0")
                .authenticate(request -> {
                    authCalls.incrementAndGet();
                    String key = request.header("x-api-key");
                    if ("teapot".equals(key)) {
                        throw new HttpResponseException(418, Map.of("X-Reason", "teapot"), "short and stout".getBytes());
                    }
                    if ("boom".equals(key)) {
                        throw new IllegalStateException("database password is hunter2");
                    }
                    return "good".equals(key) ? AuthSession.of("alice", List.of("read")) : null;
                })
                .addTool(Tool.builder("whoami").description("The caller").execute((a, ctx) -> ctx.auth().subject())
                        .build())
                .addRoute("GET", "/hello/{name}", req -> ServerResponse.text(200, "hello " + req.pathParams().get("name")))
                .addRoute("POST", "/echo", req -> ServerResponse.json(201, Map.of("got", req.bodyAsString())))
                .addAuthenticatedRoute("GET", "/me", req -> ServerResponse.json(200, Map.of("sub", req.auth().subject())))
                .addRoute("GET", "/cookies", req -> ServerResponse.text(200, "two cookies")
                        .addHeader("Set-Cookie", "a=1; Path=/; HttpOnly")
                        .addHeader("set-cookie", "b=2; Path=/; HttpOnly"))
                .addRoute("GET", "/fails", req -> {
                    throw new IllegalStateException("secret detail");
                })
                .build()
                .start(StartOptions.http().port(0));
        mcp = new RawMcp(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(mcp.uri.resolve(path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return mcp.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void publicRoutesAnswerWithPathParametersAndBodies() throws Exception {
        HttpResponse<String> hello = get("/hello/bob");
        assertEquals(200, hello.statusCode());
        assertEquals("hello bob", hello.body());
        HttpResponse<String> echo = mcp.http.send(HttpRequest.newBuilder(mcp.uri.resolve("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("ping")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, echo.statusCode());
        assertEquals("{\"got\":\"ping\"}", echo.body());
        assertEquals(0, authCalls.get(), "public routes do not authenticate");
    }

    @Test
    void authenticatedRoutesNeedTheSameAuthenticationAsMcp() throws Exception {
        assertEquals(401, get("/me").statusCode());
        HttpResponse<String> me = get("/me", "x-api-key", "good");
        assertEquals(200, me.statusCode());
        assertEquals("{\"sub\":\"alice\"}", me.body());
    }

    @Test
    void aRouteCanSendSeveralValuesOfOneHeader() throws Exception {
        HttpResponse<String> r = get("/cookies");
        assertEquals(200, r.statusCode());
        assertEquals(List.of("a=1; Path=/; HttpOnly", "b=2; Path=/; HttpOnly"), r.headers().allValues("Set-Cookie"),
                () -> r.headers().map().toString());
        assertEquals("two cookies", r.body());
    }

    @Test
    void addHeaderRefusesLineBreaksAndWithHeaderReplaces() {
        ServerResponse two = ServerResponse.status(204).addHeader("Set-Cookie", "a=1").addHeader("SET-COOKIE", "b=2");
        assertEquals(List.of("a=1", "b=2"), two.headerValues("set-cookie"));
        assertEquals(List.of("c=3"), two.withHeader("set-cookie", "c=3").headerValues("Set-Cookie"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> two.addHeader("Set-Cookie", "x=1\r\nLocation: https://evil"));
    }

    @Test
    void aFailingRouteGets500WithoutDetails() throws Exception {
        HttpResponse<String> r = get("/fails");
        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains("secret detail"), r.body());
    }

    @Test
    void everyMcpRequestIsAuthenticatedAndTheSessionReachesTools() throws Exception {
        HttpResponse<String> anonymous = mcp.initialize();
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.body().contains("\"id\":0"), "the 401 echoes the request id: " + anonymous.body());
        authCalls.set(0);
        HttpResponse<String> init = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}",
                "x-api-key", "good");
        assertEquals(200, init.statusCode());
        assertEquals(1, authCalls.get(), "once per HTTP request");
        mcp.sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> call = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"whoami\",\"arguments\":{}}}", "x-api-key", "good");
        assertTrue(call.body().contains("\"text\":\"alice\""), call.body());
        HttpResponse<String> noKey = mcp.call(2, "tools/list", "{}");
        assertEquals(401, noKey.statusCode(), "a request without credentials is refused even inside a session");
    }

    @Test
    void anAuthenticatorCanAnswerWithItsOwnResponse() throws Exception {
        HttpResponse<String> r = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "x-api-key", "teapot");
        assertEquals(418, r.statusCode());
        assertEquals("teapot", r.headers().firstValue("X-Reason").orElse(null));
        assertEquals("short and stout", r.body());
    }

    @Test
    void anAuthenticatorFailureGives401WithoutItsMessage() throws Exception {
        HttpResponse<String> r = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "x-api-key", "boom");
        assertEquals(401, r.statusCode());
        assertFalse(r.body().contains("hunter2"), r.body());
    }

    @Test
    void aSessionCannotBeUsedByAnotherSubject() throws Exception {
        // Sessions are bound to the subject that created them; a request for another subject gets 404.
        FastMCP two = FastMCP.builder("two", "1").authenticate(req -> AuthSession.of(req.header("x-user"), List.of()))
                .addTool(Tool.builder("t").description("t").execute((a, c) -> "t").build())
                .build().start(StartOptions.http().port(0));
        try {
            RawMcp raw = new RawMcp(two);
            HttpResponse<String> init = raw.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                    + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"r\",\"version\":\"1\"}}}",
                    "x-user", "alice");
            raw.sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            assertEquals(200, raw.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "x-user", "alice")
                    .statusCode());
            assertEquals(404, raw.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "x-user", "mallory")
                    .statusCode());
        } finally {
            two.close();
        }
    }
}
