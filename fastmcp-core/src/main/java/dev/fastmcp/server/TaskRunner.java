package dev.fastmcp.server;

import dev.fastmcp.Tool;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Runs the handlers of tasks in this process: each run on the tool executor (one hand-off, the handler on that
 * thread, so that cancelling interrupts it), until the task's TTL at the latest, and records how it ended. A run that
 * asks what the task holds no answer to ends with the task waiting for input. The threads are this process's own;
 * the tasks themselves are in the {@link TaskStates}.
 */
final class TaskRunner {

    private final Components components;
    private final TaskStates store;
    private final Clock clock;
    private final Consumer<TaskState> publish;
    /** The run of each task running in this process, by task id. */
    private final Map<String, Run> running = new ConcurrentHashMap<>();

    /** A run: its scope (cancelling it interrupts the handler) and its deadline, the task's TTL. */
    private record Run(RequestScope scope, Disposable deadline) {
    }

    /** @param publish told of every change a run makes to a task */
    TaskRunner(Components components, TaskStates store, Clock clock, Consumer<TaskState> publish) {
        this.components = components;
        this.store = store;
        this.clock = clock;
        this.publish = publish;
    }

    /** Runs the handler of {@code task} on the tool executor, until its TTL at the latest. */
    void start(TaskState task, Tool tool, Access.Caller caller) {
        RequestScope scope = new RequestScope(task.request().id(), caller);
        scope.grant(tool);
        String id = task.id();
        long left = Math.max(0, Duration.between(clock.instant(), task.expiresAt()).toMillis());
        Run run = new Run(scope, Schedulers.parallel().schedule(() -> expire(id), left, TimeUnit.MILLISECONDS));
        running.put(id, run);
        TaskState current = store.get(id, task.owner());
        if (current == null || current.status().terminal()) {
            stop(id); // cancelled before this run was in place for tasks/cancel to stop
            return;
        }
        McpSchema.CallToolRequest call = Tasks.callOf(task.request());
        TaskChannel channel = new TaskChannel(task, message -> say(task, message));
        try {
            components.userCodeExecutor().execute(() -> Invocations.handleInline(() -> scope.onSubscribe(
                    components.invocations().callTool(tool, components.schema(tool), scope.transportContext(),
                                    channel, call)
                            .map(result -> Results.checkedStructure(tool, result))
                            .subscribe(result -> finished(task, scope, result, null),
                                    failure -> finished(task, scope, null, failure)))));
        } catch (RejectedExecutionException e) {
            running.remove(id, run);
            run.deadline().dispose();
            throw e;
        }
    }

    /** A run ended with a result or a failure: the task says so, unless cancelled or expired meanwhile. */
    void finished(TaskState task, RequestScope scope, McpSchema.CallToolResult result, Throwable failure) {
        if (scope != null) {
            Run run = running.get(task.id());
            if (run != null && run.scope() == scope && running.remove(task.id(), run)) {
                run.deadline().dispose();
            }
            if (scope.cancelled()) {
                return;
            }
        }
        Map<String, Object> outcome = new LinkedHashMap<>();
        if (failure == null) {
            outcome.put("resultType", "complete");
            outcome.putAll(Json.MAPPER.convertValue(result, Json.MAP));
        } else if (!(failure instanceof Tasks.InputNeeded)) {
            outcome = jsonRpcError(task, failure);
        }
        Map<String, Object> recorded = outcome;
        Instant now = clock.instant();
        TaskState after = store.update(task.id(), task.owner(), current -> {
            if (current.status() != TaskState.Status.WORKING) {
                return current;
            }
            if (failure == null) {
                return current.completed(recorded, now);
            }
            return failure instanceof Tasks.InputNeeded input ? current.waitingFor(input.questions(), now)
                    : current.failed(recorded, now);
        });
        if (after != null) {
            publish.accept(after);
        }
    }

    private Map<String, Object> jsonRpcError(TaskState task, Throwable failure) {
        // Logged without the task id: for a server without authentication, it is all that guards the task.
        McpSchema.JSONRPCResponse.JSONRPCError e = components.failures().ofTask(task.tool(), failure);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", e.code());
        error.put("message", e.message());
        if (e.data() != null) {
            error.put("data", e.data());
        }
        return error;
    }

    /** A progress message of a run becomes the task's status message. */
    private void say(TaskState task, String message) {
        Instant now = clock.instant();
        TaskState after = store.update(task.id(), task.owner(), current -> current.status().terminal() ? current
                : current.saying(message, now));
        if (after != null) {
            publish.accept(after);
        }
    }

    /** The TTL of a running task is over: the run is interrupted and the task forgotten. */
    private void expire(String id) {
        stop(id);
        store.remove(id);
    }

    /** Whether a run of task {@code id} is in progress in this process. */
    boolean runs(String id) {
        return running.containsKey(id);
    }

    void stop(String id) {
        Run run = running.remove(id);
        if (run != null) {
            run.deadline().dispose();
            run.scope().cancel();
        }
    }

}
