package dev.fastmcp;

import static dev.fastmcp.Auth.requireScopes;
import static dev.fastmcp.TaskClient.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The threats to tasks, each defended on real HTTP: a task is its creator's (subject and client), every task
 * request is authenticated and authorized by the tool's {@code canAccess} again, another caller's task is "not
 * found" exactly as a task that never existed, ids cannot be guessed, each caller holds a bounded number of tasks,
 * tasks go away after their TTL, and cancelling one interrupts its tool.
 */
@Timeout(60)
class ModernTaskSecurityTest {

    private static final Map<String, AuthSession> SESSIONS = Map.of(
            "alice", AuthSession.of("alice", "app", List.of("jobs:run"), Map.of(), null),
            "alice-elsewhere", AuthSession.of("alice", "other-app", List.of("jobs:run"), Map.of(), null),
            "alice-unscoped", AuthSession.of("alice", "app", List.of(), Map.of(), null),
            "bob", AuthSession.of("bob", "app", List.of("jobs:run"), Map.of(), null));

    private static final AuthProvider TOKENS = new AuthProvider() {
        @Override
        public TokenVerifier tokenVerifier() {
            return token -> SESSIONS.containsKey(token) ? TokenVerification.valid(SESSIONS.get(token))
                    : TokenVerification.invalid("unknown token");
        }

        @Override
        public List<String> authorizationServers() {
            return List.of("https://as.example.com");
        }
    };

    private final AtomicBoolean open = new AtomicBoolean(true);
    private final CountDownLatch interrupted = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private FastMCP server;
    private TaskClient alice;
    private TaskClient bob;

    @BeforeEach
    void start() {
        server = FastMCP.builder("guarded-tasks", "1.0.0").auth(TOKENS)
                .addTool(Tool.builder("job").canAccess(requireScopes("jobs:run")).taskSupport(TaskSupport.OPTIONAL)
                        .execute((args, ctx) -> {
                            release.await(20, TimeUnit.SECONDS);
                            return "job done for " + ctx.auth().subject();
                        }).build())
                .addTool(Tool.builder("endless").taskSupport(TaskSupport.OPTIONAL).taskTtl(Duration.ofSeconds(2))
                        .execute((args, ctx) -> {
                            try {
                                Thread.sleep(60_000);
                                return "never";
                            } catch (InterruptedException e) {
                                interrupted.countDown();
                                throw e;
                            }
                        }).build())
                .addTool(Tool.builder("brief").taskSupport(TaskSupport.OPTIONAL).taskTtl(Duration.ofMillis(400))
                        .execute((args, ctx) -> "brief").build())
                .addTool(Tool.builder("ask").taskSupport(TaskSupport.OPTIONAL)
                        .execute((args, ctx) -> ctx.elicit("Sure?", ModernTasksTest.CONFIRM).action()).build())
                .addTool(Tool.builder("revocable").canAccess(auth -> open.get()).taskSupport(TaskSupport.OPTIONAL)
                        .execute((args, ctx) -> ctx.elicit("Sure?", ModernTasksTest.CONFIRM).action()).build())
                .build().start(StartOptions.http().port(0));
        alice = new TaskClient(server, "alice");
        bob = new TaskClient(server, "bob");
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.close();
    }

    /** The answer to a task id nobody ever had, to compare every refusal with. */
    private static Map<String, Object> unknown(TaskClient client, String method) throws Exception {
        return refusal(client, method, "never-issued-" + method.length());
    }

    private static Map<String, Object> refusal(TaskClient client, String method, String id) throws Exception {
        String params = method.equals("tasks/update") ? "{\"taskId\":\"" + id + "\",\"inputResponses\":"
                + "{\"input_1\":{\"action\":\"decline\"}}}" : TaskClient.taskParams(id);
        Map<String, Object> error = refused(client.send(method, params, TaskClient.ALL), 200, -32602);
        error.remove("data");
        return error;
    }

    @Test
    void foreignTaskIdIsNotFound() throws Exception {
        String id = alice.start("ask", "{}");
        Object before = alice.await(id, "input_required").get("lastUpdatedAt");
        for (String method : List.of("tasks/get", "tasks/update", "tasks/cancel")) {
            assertEquals(unknown(bob, method), refusal(bob, method, id), method + ": the same answer as for no task");
        }
        Map<String, Object> untouched = alice.get(id);
        assertEquals("input_required", untouched.get("status"), "bob neither answered nor cancelled it");
        assertEquals(before, untouched.get("lastUpdatedAt"));
    }

    @Test
    void anotherClientOfTheSameUserIsAnotherCaller() throws Exception {
        String id = alice.start("ask", "{}");
        TaskClient elsewhere = new TaskClient(server, "alice-elsewhere");
        assertEquals(unknown(elsewhere, "tasks/get"), refusal(elsewhere, "tasks/get", id));
        assertEquals(unknown(elsewhere, "tasks/cancel"), refusal(elsewhere, "tasks/cancel", id));
        assertFalse("cancelled".equals(alice.get(id).get("status")));
    }

    @Test
    void taskRequestsWithoutAValidTokenAreUnauthorized() throws Exception {
        String id = alice.start("ask", "{}");
        for (String token : new String[] {null, "forged"}) {
            HttpResponse<String> r = new TaskClient(server, token).send("tasks/get", TaskClient.taskParams(id),
                    TaskClient.ALL);
            assertEquals(401, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        }
    }

    @Test
    void revokedToolAccessHidesTheTask() throws Exception {
        String id = alice.start("revocable", "{}");
        alice.await(id, "input_required");
        open.set(false);
        for (String method : List.of("tasks/get", "tasks/update", "tasks/cancel")) {
            assertEquals(unknown(alice, method), refusal(alice, method, id), method);
        }
        open.set(true);
        assertEquals("input_required", alice.get(id).get("status"), "the refused requests changed nothing");
    }

    @Test
    void aCallerLosingTheToolsScopesGetsTheStepUpOnTaskRequests() throws Exception {
        String id = alice.start("job", "{}");
        HttpResponse<String> r = new TaskClient(server, "alice-unscoped").send("tasks/get",
                TaskClient.taskParams(id), TaskClient.ALL);
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("scope=\"jobs:run\""));
        release.countDown();
        assertEquals("job done for alice", TaskClient.text(alice.await(id, "completed").get("result")));
    }

    @Test
    void taskIdsAreUnguessable() throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String id = alice.start("brief", "{}");
            assertTrue(id.matches("[A-Za-z0-9_-]{43}"), "256 random bits, base64url: " + id);
            ids.add(id);
        }
        assertEquals(20, ids.size());
        assertEquals(20, ids.stream().map(id -> id.substring(0, 6)).distinct().count(), "no common prefix: " + ids);
    }

    @Test
    void tasksPerCallerAreBounded() throws Exception {
        String first = null;
        for (int i = 0; i < 100; i++) {
            String id = alice.start("ask", "{}"); // parked on a question: holds no thread
            first = first == null ? id : first;
        }
        Map<String, Object> full = alice.error("tools/call", "{\"name\":\"ask\",\"arguments\":{}}");
        assertTrue(((String) full.get("message")).startsWith("Too many tasks"), full.toString());
        assertEquals("task", bob.call("ask", "{}").get("resultType"), "another caller has a share of its own");

        alice.cancel(first);
        assertEquals("task", alice.call("ask", "{}").get("resultType"), "a finished task makes room");
        assertEquals(unknown(alice, "tasks/get"), refusal(alice, "tasks/get", first), "the oldest finished went");
    }

    @Test
    void expiredTaskIsNotFound() throws Exception {
        String brief = alice.start("brief", "{}");
        assertEquals(400, ((Number) alice.await(brief, "completed").get("ttlMs")).intValue());
        Thread.sleep(600);
        assertEquals(unknown(alice, "tasks/get"), refusal(alice, "tasks/get", brief));

        String endless = alice.start("endless", "{}");
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "a task still running at its TTL is interrupted");
        assertEquals(unknown(alice, "tasks/get"), refusal(alice, "tasks/get", endless));
    }

    @Test
    void cancellationInterruptsTheTool() throws Exception {
        String id = alice.start("endless", "{}");
        Thread.sleep(100);
        alice.cancel(id);
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the tool's thread is interrupted");
        Thread.sleep(100);
        Map<String, Object> task = alice.get(id);
        assertEquals("cancelled", task.get("status"), "the interrupted run does not overwrite the cancellation");
        assertFalse(task.containsKey("result"));
    }
}
