package dev.fastmcp.server;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One task of the tasks extension as stored: plain values only (no thread, no caller), so that a store shared by
 * several instances could keep it. A new state replaces the old one on every change; once terminal, it never
 * changes again.
 *
 * @param id             the task id: unguessable, the only name of the task on the wire
 * @param owner          who created it; nobody else sees it
 * @param tool           the name of the tool called
 * @param request        the {@code tools/call} that created it: arguments, {@code _meta}, the client's capabilities
 * @param statusMessage  what the status means now, for people; null for nothing to say
 * @param answers        the client's answers so far, by key, as sent (raw JSON values)
 * @param pending        the questions the task waits for, by key; empty unless {@link Status#INPUT_REQUIRED}
 * @param result         the tool's result, for {@link Status#COMPLETED}; else null
 * @param error          the JSON-RPC error, for {@link Status#FAILED}; else null
 */
record TaskState(String id, RequestStateCodec.Principal owner, String tool, ModernRequest request, Status status,
        String statusMessage, Instant createdAt, Instant lastUpdatedAt, Duration ttl, Map<String, Object> answers,
        Map<String, InputRequest> pending, Map<String, Object> result, Map<String, Object> error) {

    /** The statuses of a task, as the wire names them. */
    enum Status {
        WORKING("working"), INPUT_REQUIRED("input_required"), COMPLETED("completed"), FAILED("failed"),
        CANCELLED("cancelled");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        String wire() {
            return wire;
        }

        /** Completed, failed and cancelled tasks never change again. */
        boolean terminal() {
            return this == COMPLETED || this == FAILED || this == CANCELLED;
        }
    }

    TaskState {
        createdAt = createdAt.truncatedTo(ChronoUnit.MILLIS);
        lastUpdatedAt = lastUpdatedAt.truncatedTo(ChronoUnit.MILLIS);
        answers = Collections.unmodifiableMap(new LinkedHashMap<>(answers));
        pending = Collections.unmodifiableMap(new LinkedHashMap<>(pending));
    }

    /** A new task, working, with the answers its call had when it became a task. */
    static TaskState created(String id, RequestStateCodec.Principal owner, String tool, ModernRequest request,
            Instant now, Duration ttl, Map<String, Object> answers) {
        return new TaskState(id, owner, tool, request, Status.WORKING, null, now, now, ttl, answers, Map.of(), null,
                null);
    }

    /** When the task is gone: its creation plus its TTL. */
    Instant expiresAt() {
        return createdAt.plus(ttl);
    }

    TaskState waitingFor(Map<String, InputRequest> questions, Instant now) {
        return with(Status.INPUT_REQUIRED, "Waiting for the client's answer to " + questions.size()
                + (questions.size() == 1 ? " question" : " questions"), now, answers, questions, null, null);
    }

    /** Some questions answered: those remain; none remaining puts the task back to work. */
    TaskState answered(Map<String, Object> allAnswers, Map<String, InputRequest> remaining, Instant now) {
        return remaining.isEmpty() ? with(Status.WORKING, null, now, allAnswers, Map.of(), null, null)
                : with(Status.INPUT_REQUIRED, statusMessage, now, allAnswers, remaining, null, null);
    }

    TaskState completed(Map<String, Object> toolResult, Instant now) {
        return with(Status.COMPLETED, null, now, answers, Map.of(), toolResult, null);
    }

    TaskState failed(Map<String, Object> jsonRpcError, Instant now) {
        return with(Status.FAILED, String.valueOf(jsonRpcError.get("message")), now, answers, Map.of(), null,
                jsonRpcError);
    }

    TaskState cancelled(String why, Instant now) {
        return with(Status.CANCELLED, why, now, answers, Map.of(), null, null);
    }

    TaskState saying(String message, Instant now) {
        return with(status, message, now, answers, pending, result, error);
    }

    private TaskState with(Status newStatus, String message, Instant now, Map<String, Object> newAnswers,
            Map<String, InputRequest> newPending, Map<String, Object> newResult, Map<String, Object> newError) {
        return new TaskState(id, owner, tool, request, newStatus, message, createdAt, now, ttl, newAnswers, newPending,
                newResult, newError);
    }

    /** The {@code Task} fields every answer about the task carries. */
    Map<String, Object> handle(long pollIntervalMillis) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("taskId", id);
        out.put("status", status.wire());
        if (statusMessage != null) {
            out.put("statusMessage", statusMessage);
        }
        out.put("createdAt", createdAt.toString());
        out.put("lastUpdatedAt", lastUpdatedAt.toString());
        out.put("ttlMs", ttl.toMillis());
        out.put("pollIntervalMs", pollIntervalMillis);
        return out;
    }

    /** The task with what its status carries: the questions, the result or the error. */
    Map<String, Object> detailed(long pollIntervalMillis) {
        Map<String, Object> out = handle(pollIntervalMillis);
        switch (status) {
            case INPUT_REQUIRED -> {
                Map<String, Object> questions = new LinkedHashMap<>();
                pending.forEach((key, question) -> questions.put(key, question.wire()));
                out.put("inputRequests", questions);
            }
            case COMPLETED -> out.put("result", result);
            case FAILED -> out.put("error", error);
            default -> {
            }
        }
        return out;
    }
}
