package dev.fastmcp.server;

import dev.fastmcp.TaskStore;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The tasks kept in a {@link TaskStore} shared by the instances of a deployment. A task is stored as JSON; a change
 * is a compare-and-set of that JSON, tried again when another instance changed the task meanwhile. Every change is
 * announced to the other instances with this instance's mark, so that each hears only of the others' changes.
 */
final class SharedTaskStates implements TaskStates {

    /** Compare-and-set rounds before a change gives up: only a task changed without pause by others gets there. */
    private static final int ATTEMPTS = 64;

    private final TaskStore store;
    private final Clock clock;
    private final String mark = UUID.randomUUID().toString();

    SharedTaskStates(TaskStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Added add(TaskState task, int ownerLimit) {
        return store.add(stored(task), ownerLimit) ? Added.ADDED : Added.OWNER_FULL;
    }

    @Override
    public TaskState get(String id, RequestStateCodec.Principal owner) {
        TaskStore.StoredTask stored = store.find(id);
        TaskState task = stored == null ? null : decode(stored.json());
        return task != null && task.owner().equals(owner) && task.expiresAt().isAfter(clock.instant()) ? task : null;
    }

    @Override
    public TaskState update(String id, RequestStateCodec.Principal owner, UnaryOperator<TaskState> change) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            TaskStore.StoredTask stored = store.find(id);
            TaskState task = stored == null ? null : decode(stored.json());
            if (task == null || !task.owner().equals(owner) || !task.expiresAt().isAfter(clock.instant())) {
                return null;
            }
            TaskState changed = change.apply(task);
            if (changed == task || store.replace(stored, stored(changed))) {
                return changed;
            }
        }
        throw new IllegalStateException("Task " + id + " kept changing at other instances; " + ATTEMPTS
                + " attempts to change it failed");
    }

    @Override
    public void remove(String id) {
        store.delete(id);
    }

    @Override
    public void changed(TaskState task) {
        store.changed(mark + " " + task.id());
    }

    @Override
    public void onChangedElsewhere(Consumer<String> receiver) {
        store.onChanged(notice -> {
            int space = notice.indexOf(' ');
            if (space > 0 && !notice.substring(0, space).equals(mark)) {
                receiver.accept(notice.substring(space + 1));
            }
        });
    }

    @Override
    public TaskState peek(String id) {
        TaskStore.StoredTask stored = store.find(id);
        return stored == null ? null : decode(stored.json());
    }

    private static TaskStore.StoredTask stored(TaskState task) {
        return new TaskStore.StoredTask(task.id(), ownerKey(task.owner()), task.status().terminal(), task.expiresAt(),
                Json.string(encode(task)));
    }

    /** A digest of the owner: the store bounds tasks per owner without keeping who they are in clear. */
    static String ownerKey(RequestStateCodec.Principal owner) {
        if (owner.equals(RequestStateCodec.Principal.ANONYMOUS)) {
            return "anonymous";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((owner.subject() + "\u0000"
                    + (owner.clientId() == null ? "" : owner.clientId())).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> encode(TaskState task) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", task.id());
        out.put("subject", task.owner().subject());
        out.put("clientId", task.owner().clientId());
        out.put("tool", task.tool());
        ModernRequest request = task.request();
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", request.id());
        call.put("method", request.method());
        call.put("params", request.params());
        call.put("capabilities", request.capabilities());
        call.put("clientInfo", request.clientInfo() == null ? null
                : Json.MAPPER.convertValue(request.clientInfo(), Json.MAP));
        call.put("logLevel", request.logLevel() == null ? null : request.logLevel().name());
        out.put("request", call);
        out.put("status", task.status().name());
        out.put("statusMessage", task.statusMessage());
        out.put("createdAt", task.createdAt().toEpochMilli());
        out.put("lastUpdatedAt", task.lastUpdatedAt().toEpochMilli());
        out.put("ttlMs", task.ttl().toMillis());
        out.put("answers", task.answers());
        Map<String, Object> pending = new LinkedHashMap<>();
        task.pending().forEach((key, question) -> {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("method", question.method());
            q.put("message", question.message());
            q.put("schema", question.schema());
            q.put("sampling", question.sampling() == null ? null
                    : Json.MAPPER.convertValue(question.sampling(), Json.MAP));
            pending.put(key, q);
        });
        out.put("pending", pending);
        out.put("result", task.result());
        out.put("error", task.error());
        return out;
    }

    @SuppressWarnings("unchecked")
    static TaskState decode(String json) {
        Map<String, Object> in = Json.parseObject(json, "a stored task");
        Map<String, Object> call = (Map<String, Object>) in.get("request");
        ModernRequest request = new ModernRequest(call.get("id"), (String) call.get("method"),
                (Map<String, Object>) call.get("params"), (Map<String, Object>) call.get("capabilities"),
                call.get("clientInfo") == null ? null
                        : Json.MAPPER.convertValue(call.get("clientInfo"), McpSchema.Implementation.class),
                call.get("logLevel") == null ? null : McpSchema.LoggingLevel.valueOf((String) call.get("logLevel")));
        Map<String, InputRequest> pending = new LinkedHashMap<>();
        ((Map<String, Map<String, Object>>) in.get("pending")).forEach((key, q) -> pending.put(key,
                new InputRequest(key, (String) q.get("method"), (String) q.get("message"),
                        (Map<String, Object>) q.get("schema"), q.get("sampling") == null ? null
                                : Json.MAPPER.convertValue(q.get("sampling"), McpSchema.CreateMessageRequest.class))));
        String subject = (String) in.get("subject");
        return new TaskState((String) in.get("id"), subject == null ? RequestStateCodec.Principal.ANONYMOUS
                : new RequestStateCodec.Principal(subject, (String) in.get("clientId")), (String) in.get("tool"),
                request, TaskState.Status.valueOf((String) in.get("status")), (String) in.get("statusMessage"),
                Instant.ofEpochMilli(((Number) in.get("createdAt")).longValue()),
                Instant.ofEpochMilli(((Number) in.get("lastUpdatedAt")).longValue()),
                Duration.ofMillis(((Number) in.get("ttlMs")).longValue()), (Map<String, Object>) in.get("answers"),
                pending, (Map<String, Object>) in.get("result"), (Map<String, Object>) in.get("error"));
    }
}
