package dev.fastmcp;

import dev.fastmcp.server.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A client of the tasks extension over plain HTTP, as MCP 2026-07-28 clients send its requests: the extension
 * declared in each request's capabilities (unless told otherwise), {@code Mcp-Name} carrying the task id, and a
 * bearer token when it has one.
 */
public final class TaskClient {

    public static final String EXTENSION = "io.modelcontextprotocol/tasks";
    /** Every capability, the extension included. */
    public static final String ALL = "{\"elicitation\":{},\"sampling\":{},\"roots\":{},\"extensions\":{\"" + EXTENSION
            + "\":{}}}";
    /** The extension and nothing else. */
    public static final String TASKS_ONLY = "{\"extensions\":{\"" + EXTENSION + "\":{}}}";
    public static final String NONE = "{}";

    private final RawModern raw;
    private final String token;
    private final AtomicInteger ids = new AtomicInteger();

    /** @param token the bearer token to send, or null for none */
    public TaskClient(FastMCP server, String token) {
        this.raw = new RawModern(server);
        this.token = token;
    }

    /** A request body whose {@code _meta} declares {@code capabilities}. */
    public static String body(Object id, String method, String params, String capabilities) {
        String inner = params.strip().substring(1, params.strip().length() - 1).strip();
        return "{\"jsonrpc\":\"2.0\",\"id\":" + Json.string(id) + ",\"method\":\"" + method + "\",\"params\":{"
                + inner + (inner.isEmpty() ? "" : ",") + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\""
                + RawModern.VERSION + "\",\"io.modelcontextprotocol/clientCapabilities\":" + capabilities
                + ",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"tasks\",\"version\":\"1\"}}}}";
    }

    /** Sends {@code method}; {@code headers} (name, value, ...) come last and may replace or remove (null) one. */
    public HttpResponse<String> send(String method, String params, String capabilities, String... headers)
            throws Exception {
        List<String> all = new ArrayList<>();
        if (token != null) {
            all.addAll(List.of("Authorization", "Bearer " + token));
        }
        Object taskId = Json.parseObject(params, "params").get("taskId");
        if (taskId instanceof String id && method.startsWith("tasks/")) {
            all.addAll(List.of("Mcp-Name", id));
        }
        all.addAll(Arrays.asList(headers));
        return raw.post(body(ids.incrementAndGet(), method, params, capabilities), all.toArray(String[]::new));
    }

    /** The result of {@code method}, sent declaring every capability; fails on anything but a result. */
    public Map<String, Object> result(String method, String params) throws Exception {
        HttpResponse<String> r = send(method, params, ALL);
        if (r.statusCode() != 200) {
            throw new AssertionError(method + " answered " + r.statusCode() + ": " + r.body());
        }
        return RawModern.result(r);
    }

    /** The error of {@code method}, sent declaring every capability. */
    public Map<String, Object> error(String method, String params) throws Exception {
        return RawModern.error(send(method, params, ALL));
    }

    /** Calls {@code tool} with {@code arguments} (a JSON object). */
    public Map<String, Object> call(String tool, String arguments) throws Exception {
        return result("tools/call", "{\"name\":" + Json.string(tool) + ",\"arguments\":" + arguments + "}");
    }

    /** Calls {@code tool}, which must answer with a task, and returns its id. */
    public String start(String tool, String arguments) throws Exception {
        Map<String, Object> created = call(tool, arguments);
        if (!"task".equals(created.get("resultType"))) {
            throw new AssertionError("no task: " + created);
        }
        return (String) created.get("taskId");
    }

    public Map<String, Object> get(String taskId) throws Exception {
        return result("tasks/get", taskParams(taskId));
    }

    public Map<String, Object> update(String taskId, String inputResponses) throws Exception {
        return result("tasks/update", "{\"taskId\":" + Json.string(taskId) + ",\"inputResponses\":" + inputResponses
                + "}");
    }

    public Map<String, Object> cancel(String taskId) throws Exception {
        return result("tasks/cancel", taskParams(taskId));
    }

    /** Polls {@code tasks/get} until the task has one of {@code statuses}, for 10 seconds at most. */
    public Map<String, Object> await(String taskId, String... statuses) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Map<String, Object> task = get(taskId);
        while (!Arrays.asList(statuses).contains(task.get("status"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("task " + taskId + " is still " + task.get("status") + ": " + task);
            }
            Thread.sleep(20);
            task = get(taskId);
        }
        return task;
    }

    /** The JSON-RPC error of a refusal with this HTTP status and code, echoing the request's id. */
    static Map<String, Object> refused(HttpResponse<String> r, int status, int code) {
        if (r.statusCode() != status) {
            throw new AssertionError("expected HTTP " + status + ", got " + r.statusCode() + ": " + r.body());
        }
        Map<String, Object> error = RawModern.error(r);
        if (((Number) error.get("code")).intValue() != code || RawModern.json(r).get("id") == null) {
            throw new AssertionError("expected error " + code + " with the request's id: " + r.body());
        }
        return error;
    }

    static String taskParams(String taskId) {
        return "{\"taskId\":" + Json.string(taskId) + "}";
    }

    /** The text of the first content of a tool result. */
    @SuppressWarnings("unchecked")
    public static String text(Object result) {
        List<Map<String, Object>> content = (List<Map<String, Object>>) ((Map<String, Object>) result).get("content");
        return (String) content.get(0).get("text");
    }

    /**
     * Opens a {@code subscriptions/listen} stream of {@code token} following {@code taskIds}; its frames arrive in
     * the returned queue, read by a daemon thread until the stream ends.
     */
    public static BlockingQueue<Map<String, Object>> listen(FastMCP server, String token, List<String> taskIds)
            throws Exception {
        String body = body("l-1", "subscriptions/listen", "{\"notifications\":{\"taskIds\":" + Json.string(taskIds)
                + "}}", ALL);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/mcp"))
                .timeout(Duration.ofSeconds(25)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", RawModern.VERSION)
                .header("Mcp-Method", "subscriptions/listen").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new AssertionError("subscriptions/listen answered " + response.statusCode());
        }
        BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                response.body().filter(line -> line.startsWith("data:"))
                        .forEach(line -> frames.add(Json.parseObject(line.substring(5).strip(), "frame")));
            } catch (RuntimeException closed) {
                // the server stopped
            }
        }, "listen-reader");
        reader.setDaemon(true);
        reader.start();
        return frames;
    }

    /** The next frame of a {@link #listen} stream, waiting 5 seconds at most. */
    public static Map<String, Object> next(BlockingQueue<Map<String, Object>> frames) throws InterruptedException {
        Map<String, Object> frame = frames.poll(5, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within 5 seconds");
        }
        return frame;
    }

}
