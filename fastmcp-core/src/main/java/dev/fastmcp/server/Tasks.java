package dev.fastmcp.server;

import dev.fastmcp.TaskSupport;
import dev.fastmcp.Tool;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The tasks extension of MCP 2026-07-28 ({@value #EXTENSION}): calls of tools that support tasks answered with a task
 * instead of their result, and {@code tasks/get}, {@code tasks/update} and {@code tasks/cancel}. A task belongs to
 * the caller that created it (subject and client): to anyone else, and to its owner once the tool's
 * {@code canAccess} refuses them, it is an unknown task, the same answer as for an id that never existed. Ids are
 * 256 random bits. Each caller keeps a bounded number of tasks (the oldest finished ones make room), and a task is
 * gone after its tool's TTL, interrupted if it still runs. A run of a task is the tool's handler on the tool executor;
 * a question it asks ends the run, and the handler runs again from the start once the client has answered them all.
 */
public final class Tasks {

    /** The extension's identifier, in capabilities. */
    public static final String EXTENSION = "io.modelcontextprotocol/tasks";
    static final String GET = "tasks/get";
    static final String UPDATE = "tasks/update";
    static final String CANCEL = "tasks/cancel";
    private static final Set<String> METHODS = Set.of(GET, UPDATE, CANCEL);
    /** Tasks one caller may hold, finished ones included (the oldest finished make room for new ones). */
    static final int MAX_PER_CALLER = 100;
    /** Tasks the server holds; without authentication every caller is the same, and has this many. */
    static final int MAX_TASKS = 10_000;
    /** How often clients should ask about a task. */
    static final long POLL_INTERVAL_MS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(Tasks.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ID_BYTES = 32;

    private final Components components;
    private final Clock clock;
    private final TaskStates store;
    private final TaskRunner runner;
    private final Map<String, List<Watcher>> watchers = new ConcurrentHashMap<>();

    private record Watcher(Access.Caller caller, Consumer<Map<String, Object>> sink) {
    }

    /** A task just created: the call's result. */
    record Created(Map<String, Object> task) {
    }

    /**
     * Tasks a listener follows ({@code subscriptions/listen} with {@code taskIds}).
     *
     * @param current each of those tasks as it is now, to send after the acknowledgment
     * @param stop    stops following them
     */
    public record Watching(List<Map<String, Object>> current, Runnable stop) {
    }

    /** Ends a run of a task that asked questions the task holds no answer to. */
    static final class InputNeeded extends ClientRequestError {
        private final transient Map<String, InputRequest> questions;

        InputNeeded(Map<String, InputRequest> questions) {
            super(McpSchema.ErrorCodes.INTERNAL_ERROR, "The task needs input from the client", null);
            this.questions = questions;
        }

        Map<String, InputRequest> questions() {
            return questions;
        }
    }

    /** Ends a call whose handler continues as a task ({@code runAsTask}), with the answers it had. */
    static final class Escalation extends ClientRequestError {
        private final transient Map<String, Object> answers;

        Escalation(Map<String, Object> answers) {
            super(McpSchema.ErrorCodes.INTERNAL_ERROR, "The call continues as a task", null);
            this.answers = answers;
        }

        Map<String, Object> answers() {
            return answers;
        }
    }

    /** @param shared the store every instance of the deployment shares; null for this process's memory */
    Tasks(Components components, Clock clock, dev.fastmcp.TaskStore shared) {
        this.components = components;
        this.clock = clock;
        this.store = shared == null ? new MemoryTaskStates(clock, MAX_TASKS) : new SharedTaskStates(shared, clock);
        this.runner = new TaskRunner(components, store, clock, this::publish);
        store.onChangedElsewhere(this::changedElsewhere);
    }

    /** Whether {@code method} is one of the extension's. */
    public static boolean handles(String method) {
        return METHODS.contains(method);
    }

    /** Whether {@code tool}, called by {@code request}, may be a task: it supports them, the client declares them. */
    static boolean mayBeTask(Tool tool, ModernRequest request) {
        return tool.taskSupport() != TaskSupport.FORBIDDEN && request.declaresExtension(EXTENSION);
    }

    /** The 400 with -32021 for a request that needs the extension and does not declare it. */
    static JsonRpcException missingExtension(Object id) {
        return new JsonRpcException(400, id, ModernProtocol.MISSING_CAPABILITY, "Missing required client capability: "
                + "this request needs the extension " + EXTENSION + "; declare it under \"extensions\" in the "
                + "request's clientCapabilities", Map.of("requiredCapabilities",
                        Map.of("extensions", Map.of(EXTENSION, Map.of()))), Map.of());
    }

    /**
     * Creates the task of a call of {@code tool}, allowed for the caller of {@code scope}, and starts its first
     * run; returns once {@code tasks/get} finds it.
     *
     * @param answers the answers the call had gathered before it became a task, by key, as sent
     * @throws McpError when the caller or the server holds too many tasks, or the tool executor is full
     */
    Created create(Tool tool, ModernRequest request, RequestScope scope, Map<String, Object> answers) {
        Map<String, Object> params = new LinkedHashMap<>(request.params());
        params.remove("inputResponses");
        params.remove("requestState");
        ModernRequest call = new ModernRequest(request.id(), request.method(), params, request.capabilities(),
                request.clientInfo(), request.logLevel());
        callOf(call);
        RequestStateCodec.Principal owner = RequestStateCodec.Principal.of(scope.caller().session());
        TaskState task = TaskState.created(newId(), owner, tool.name(), call, clock.instant(), tool.taskTtl(),
                answers);
        TaskStates.Added added = store.add(task, owner.equals(RequestStateCodec.Principal.ANONYMOUS) ? MAX_TASKS
                : MAX_PER_CALLER);
        if (added == TaskStates.Added.OWNER_FULL) {
            throw error(McpSchema.ErrorCodes.INTERNAL_ERROR, "Too many tasks: this caller holds " + MAX_PER_CALLER
                    + " unfinished tasks; cancel some (tasks/cancel) or wait for them to finish");
        }
        if (added == TaskStates.Added.STORE_FULL) {
            throw error(McpSchema.ErrorCodes.INTERNAL_ERROR, "Server busy: too many tasks in progress; retry later");
        }
        try {
            runner.start(task, tool, scope.caller());
        } catch (RejectedExecutionException e) {
            store.remove(task.id());
            throw busy();
        }
        LOG.debug("A task of tool '{}' created", tool.name());
        return new Created(task.handle(POLL_INTERVAL_MS));
    }

    /**
     * The answer to {@code tasks/get}, {@code tasks/update} or {@code tasks/cancel} from a client declaring the
     * extension: decided here (the task of the caller, its tool still allowed to them), run when answered. A caller
     * the tool refuses only for missing scopes gets the step-up.
     */
    Components.Intercepted prepare(ModernRequest request, RequestScope scope) {
        Map<String, Object> params = request.params();
        if (!(params.get("taskId") instanceof String id)) {
            return answer(Mono.error(invalid("\"taskId\" is required, a string")));
        }
        if (UPDATE.equals(request.method()) && !(params.get("inputResponses") instanceof Map<?, ?>)) {
            return answer(Mono.error(invalid("\"inputResponses\" is required, an object keyed by the keys of the "
                    + "task's inputRequests")));
        }
        Access.Caller caller = scope.caller();
        RequestStateCodec.Principal owner = RequestStateCodec.Principal.of(caller.session());
        TaskState task = store.get(id, owner);
        Access.Decision decision = task == null ? Access.HIDDEN
                : components.access().decide(Access.Kind.TOOL, task.tool(), caller);
        if (decision instanceof Access.MissingScopes refusal) {
            return new Components.StepUp(task.tool(), refusal);
        }
        if (!(decision instanceof Access.Allowed allowed)) {
            return answer(Mono.error(notFound()));
        }
        Tool tool = (Tool) allowed.component();
        return answer(Mono.fromCallable(() -> switch (request.method()) {
            case GET -> found(store.get(id, owner)).detailed(POLL_INTERVAL_MS);
            case UPDATE -> update(id, owner, stringKeys((Map<?, ?>) params.get("inputResponses")), tool, caller);
            default -> cancel(id, owner);
        }));
    }

    /** Those of {@code ids} that name tasks of the caller of {@code scope} it may see, each once, in their order. */
    public List<String> visible(List<?> ids, RequestScope scope) {
        Access.Caller caller = scope.caller();
        RequestStateCodec.Principal owner = RequestStateCodec.Principal.of(caller.session());
        Set<String> out = new LinkedHashSet<>();
        for (Object id : ids) {
            TaskState task = id instanceof String s && !out.contains(s) ? store.get(s, owner) : null;
            if (task != null && visible(task, caller)) {
                out.add(task.id());
            }
        }
        return List.copyOf(out);
    }

    /**
     * Follows tasks of the caller of {@code scope} for a listen stream: each change of their status goes to
     * {@code sink}, as {@code tasks/get} would answer. The tasks are followed before they are read for
     * {@link Watching#current()}, so that no change falls between the two.
     */
    public Watching watch(List<String> ids, RequestScope scope, Consumer<Map<String, Object>> sink) {
        Access.Caller caller = scope.caller();
        Watcher watcher = new Watcher(caller, sink);
        for (String id : ids) {
            watchers.compute(id, (k, list) -> {
                List<Watcher> out = list == null ? new CopyOnWriteArrayList<>() : list;
                out.add(watcher);
                return out;
            });
        }
        RequestStateCodec.Principal owner = RequestStateCodec.Principal.of(caller.session());
        List<Map<String, Object>> current = new ArrayList<>();
        for (String id : ids) {
            TaskState task = store.get(id, owner);
            if (task != null && visible(task, caller)) {
                current.add(task.detailed(POLL_INTERVAL_MS));
            }
        }
        return new Watching(current, () -> ids.forEach(id -> watchers.computeIfPresent(id, (k, list) -> {
            list.remove(watcher);
            return list.isEmpty() ? null : list;
        })));
    }

    private Map<String, Object> update(String id, RequestStateCodec.Principal owner, Map<String, Object> responses,
            Tool tool, Access.Caller caller) {
        AtomicBoolean resumed = new AtomicBoolean();
        TaskState before = found(store.get(id, owner));
        TaskState after = found(store.update(id, owner, task -> {
            if (task.status() != TaskState.Status.INPUT_REQUIRED) {
                return task; // nothing outstanding: answers are ignored
            }
            Map<String, Object> accepted = new LinkedHashMap<>();
            task.pending().forEach((key, question) -> {
                Object raw = responses.get(key);
                if (raw != null) {
                    try {
                        question.decode(raw);
                    } catch (IllegalArgumentException e) {
                        throw invalid("inputResponses." + LogValues.safe(key) + " does not answer "
                                + question.method() + ": " + e.getMessage());
                    }
                    accepted.put(key, raw);
                }
            });
            if (accepted.isEmpty()) {
                return task;
            }
            Map<String, Object> all = new LinkedHashMap<>(task.answers());
            all.putAll(accepted);
            Map<String, InputRequest> remaining = new LinkedHashMap<>(task.pending());
            remaining.keySet().removeAll(accepted.keySet());
            resumed.set(remaining.isEmpty());
            return task.answered(all, remaining, clock.instant());
        }));
        // Told before the run starts: a run that ends at once publishes its end after this, not before.
        if (after != before) {
            publish(after);
        }
        if (resumed.get()) {
            try {
                runner.start(after, tool, caller);
            } catch (RejectedExecutionException e) {
                runner.finished(after, null, null, busy());
            }
        }
        return Map.of();
    }

    private Map<String, Object> cancel(String id, RequestStateCodec.Principal owner) {
        AtomicBoolean changed = new AtomicBoolean();
        TaskState after = found(store.update(id, owner, task -> {
            if (task.status().terminal()) {
                return task;
            }
            changed.set(true);
            return task.cancelled("Cancelled by the client", clock.instant());
        }));
        if (changed.get()) {
            runner.stop(id);
            publish(after);
        }
        return Map.of();
    }

    /** A change of this process: its listeners hear of it, and so do the other instances sharing the store. */
    private void publish(TaskState task) {
        tell(task);
        try {
            store.changed(task);
        } catch (RuntimeException e) {
            LOG.warn("The other instances could not be told that a task changed: {}", e.toString());
        }
    }

    /**
     * Another instance changed a task: a run of it here stops once it has ended there (a {@code tasks/cancel} that
     * reached that instance), and the listeners here hear of the change.
     */
    private void changedElsewhere(String id) {
        if (!watchers.containsKey(id) && !runner.runs(id)) {
            return;
        }
        TaskState task;
        try {
            task = store.peek(id);
        } catch (RuntimeException e) {
            LOG.debug("A task changed at another instance could not be read: {}", e.toString());
            return;
        }
        if (task == null || task.status().terminal()) {
            runner.stop(id);
        }
        if (task != null) {
            tell(task);
        }
    }

    private void tell(TaskState task) {
        List<Watcher> list = watchers.get(task.id());
        if (list == null) {
            return;
        }
        Map<String, Object> detailed = task.detailed(POLL_INTERVAL_MS);
        for (Watcher watcher : list) {
            if (!RequestStateCodec.Principal.of(watcher.caller().session()).equals(task.owner())
                    || !visible(task, watcher.caller())) {
                continue;
            }
            try {
                watcher.sink().accept(detailed);
            } catch (RuntimeException e) {
                LOG.debug("A listener of task {} failed: {}", task.id(), e.toString());
            }
        }
    }

    private boolean visible(TaskState task, Access.Caller caller) {
        return components.access().decide(Access.Kind.TOOL, task.tool(), caller) instanceof Access.Allowed;
    }

    static McpSchema.CallToolRequest callOf(ModernRequest request) {
        try {
            return Json.MAPPER.convertValue(request.params(), McpSchema.CallToolRequest.class);
        } catch (RuntimeException e) {
            throw invalid("the request's params do not have the expected shape");
        }
    }

    private static TaskState found(TaskState task) {
        if (task == null) {
            throw notFound();
        }
        return task;
    }

    private static String newId() {
        byte[] bytes = new byte[ID_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Components.Answer answer(Mono<?> result) {
        return new Components.Answer(result.cast(Object.class));
    }

    /** The one answer to a task that does not exist, is another caller's, has expired or whose tool is refused. */
    private static ClientRequestError notFound() {
        return error(McpSchema.ErrorCodes.INVALID_PARAMS, "Task not found: this caller has no task with this taskId "
                + "(it may have expired)");
    }

    private static ClientRequestError invalid(String message) {
        return error(McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: " + message);
    }

    private static ClientRequestError busy() {
        return error(McpSchema.ErrorCodes.INTERNAL_ERROR, "Server busy: too many calls in progress; retry later");
    }

    private static ClientRequestError error(int code, String message) {
        return new ClientRequestError(code, message, null);
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
