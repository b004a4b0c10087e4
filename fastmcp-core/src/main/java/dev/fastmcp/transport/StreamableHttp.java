package dev.fastmcp.transport;

import dev.fastmcp.AuthSession;
import dev.fastmcp.SessionStore;
import dev.fastmcp.server.ClientMessages;
import dev.fastmcp.server.Components;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.LogValues;
import dev.fastmcp.server.RequestParams;
import dev.fastmcp.server.RequestScope;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Streamable HTTP with sessions, on our own Undertow endpoint: the SDK's session machinery behind, our HTTP
 * rules in front (JSON or SSE replies, resumable streams, sessions bound to their subject, cancellation).
 */
final class StreamableHttp implements McpStreamableServerTransportProvider, McpBackend {

    private static final Logger LOG = LoggerFactory.getLogger(StreamableHttp.class);
    static final List<String> PROTOCOL_VERSIONS = List.of("2025-03-26", "2025-06-18", "2025-11-25");

    private final Sessions sessions;
    private final Components components;
    private final int eventLogSize;
    private final long keepAliveSeconds;
    /** Where every instance knows the sessions; null when they live on this instance alone. */
    private final SharedSessions shared;
    /** Whether the resumption of a stream opened at another instance has been logged: once per process. */
    private final java.util.concurrent.atomic.AtomicBoolean resumedElsewhere =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** Whether a subscription to a resource of a shared session has been logged: once per process. */
    private final java.util.concurrent.atomic.AtomicBoolean subscribedHere =
            new java.util.concurrent.atomic.AtomicBoolean();
    private volatile McpStreamableServerSession.Factory factory;

    StreamableHttp(Sessions sessions, Components components, int eventLogSize, long keepAliveSeconds,
            SharedSessions shared) {
        this.sessions = sessions;
        this.components = components;
        this.eventLogSize = eventLogSize;
        this.keepAliveSeconds = keepAliveSeconds;
        this.shared = shared;
        if (shared != null) {
            shared.onForwarded(this::forwarded, this::forwardedToStream);
        }
    }

    /** A client's answer received at another instance, for a request one of our sessions sent. */
    private void forwarded(String sessionId, McpSchema.JSONRPCResponse response) {
        SessionEntry entry = sessions.get(sessionId);
        if (entry != null && ClientMessages.answersServerRequest(response.id(), entry.sdk.getId())) {
            entry.sdk.accept(response).subscribe(null, e -> unmatched(entry, response));
        }
    }

    /** A message another instance sent one of our sessions outside any request: to its GET stream, if open here. */
    private void forwardedToStream(String sessionId, String message) {
        SessionEntry entry = sessions.get(sessionId);
        SseStream stream = entry == null ? null : entry.listening;
        if (stream != null && stream.connected()) {
            stream.send(message);
        }
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory factory) {
        this.factory = factory;
    }

    @Override
    public List<String> protocolVersions() {
        return PROTOCOL_VERSIONS;
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return Flux.fromIterable(sessions.all())
                .flatMap(s -> s.sdk.sendNotification(method, params).onErrorComplete())
                .then();
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        SessionEntry entry = sessions.get(sessionId);
        return entry == null ? Mono.empty() : entry.sdk.sendNotification(method, params).onErrorComplete();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(sessions::closeAll);
    }

    @Override
    public String allowedMethods() {
        return "GET, POST, DELETE";
    }

    @Override
    public void post(McpCall call, McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest request
                && McpSchema.METHOD_INITIALIZE.equals(request.method())) {
            initialize(call, request);
            return;
        }
        SessionEntry entry = session(call, message instanceof McpSchema.JSONRPCRequest r ? r.id() : null);
        if (message instanceof McpSchema.JSONRPCResponse response) {
            if (ClientMessages.answersServerRequest(response.id(), entry.sdk.getId())) {
                entry.sdk.accept(response).subscribe(null, e -> unmatched(entry, response));
            } else if (shared != null) {
                shared.forward(entry.id(), response); // asked by the instance that made the session's other copy
            } else {
                unmatched(entry, response);
            }
            call.accepted();
        } else if (message instanceof McpSchema.JSONRPCNotification notification) {
            if (ClientMessages.CANCELLED.equals(notification.method())) {
                cancel(entry, notification.params());
            } else if (ClientMessages.forSdk(notification.method())) {
                entry.sdk.accept(notification)
                        .contextWrite(c -> c.put(McpTransportContext.KEY, call.scope(null).transportContext()))
                        .subscribe(null, e -> LOG.debug("Session {}: notification {} failed: {}", entry.id(),
                                LogValues.safe(notification.method()), e.toString()));
            } else {
                ClientMessages.ignored(LOG, notification.method());
            }
            call.accepted();
        } else {
            request(call, entry, (McpSchema.JSONRPCRequest) message);
        }
    }

    private void initialize(McpCall call, McpSchema.JSONRPCRequest request) {
        McpSchema.InitializeRequest init = RequestParams.initialize(request.id(), request.params());
        McpStreamableServerSession.McpStreamableServerSessionInit started = factory.startSession(init);
        AuthSession auth = call.auth();
        SessionEntry entry = new SessionEntry(started.session().getId(), started.session(),
                auth == null ? null : auth.subject(), auth == null ? null : auth.clientId(), eventLogSize);
        Sessions.Refusal refusal = sessions.add(entry);
        if (refusal != null) {
            Sessions.close(entry);
            throw tooManySessions(request.id(), refusal);
        }
        RequestScope scope = call.scope(request.id());
        started.initResult()
                .contextWrite(c -> c.put(McpTransportContext.KEY, scope.transportContext()))
                .subscribe(result -> {
                    entry.negotiated(result.protocolVersion());
                    if (shared != null) {
                        entry.sdk.listeningStream(new SharedListeningStream(entry, shared));
                        for (String ended : shared.created(entry, result.protocolVersion(), request.params())) {
                            SessionEntry local = sessions.remove(ended);
                            if (local != null) {
                                Sessions.close(local);
                            }
                        }
                    }
                    call.respondJson(200, McpSchema.JSONRPCResponse.result(request.id(), result),
                            Map.of(McpCall.SESSION_HEADER, entry.id()));
                }, e -> {
                            sessions.remove(entry.id());
                            LOG.warn("initialize failed", e);
                            call.respondJson(500, Json.errorEnvelope(request.id(),
                                    McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error"));
                        });
    }

    /** The refusal of a session beyond the cap or a share, in one shape (503, -32000) whichever it is. */
    private static JsonRpcException tooManySessions(Object id, Sessions.Refusal refusal) {
        String whose = switch (refusal) {
            case SERVER_FULL -> "Server has too many open sessions";
            case SUBJECT_FULL -> "Server has too many open sessions for this user, all of them busy";
            case CLIENT_FULL -> "Server has too many open sessions for this client, all of them busy";
        };
        return new JsonRpcException(503, id, -32000, whose + "; close unused sessions or retry later");
    }

    private void request(McpCall call, SessionEntry entry, McpSchema.JSONRPCRequest request) {
        RequestScope scope = call.scopeForSdk(request, components);
        if (scope == null) {
            return;
        }
        if (shared != null && McpSchema.METHOD_LOGGING_SET_LEVEL.equals(request.method())) {
            shared.levelSet(entry, request.params());
        }
        if (shared != null && McpSchema.METHOD_RESOURCES_SUBSCRIBE.equals(request.method())
                && subscribedHere.compareAndSet(false, true)) {
            LOG.warn("resources/subscribe of a session shared by the instances: the subscription is kept by this "
                    + "instance, so a resources/updated is sent for it only when notifyResourceUpdated is called "
                    + "here; call it at every instance (said once)");
        }
        if (!entry.id().equals(entry.sdk.getId())) {
            scope.sessionId(entry.id());
        }
        if (entry.inflight.putIfAbsent(request.id(), scope) != null) {
            throw new JsonRpcException(400, request.id(), McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Request id " + request.id() + " is already in use by a request in progress");
        }
        PostReply reply = new PostReply(call, entry, scope, keepAliveSeconds, components.failures());
        scope.onCancel(reply::close);
        scope.onCloseStream(reply::detachConnection);
        Disposable subscription = entry.sdk.responseStream(reply).handle(request)
                .contextWrite(c -> c.put(McpTransportContext.KEY, scope.transportContext()))
                .subscribe(null, reply::fail, reply::close);
        scope.onSubscribe(subscription);
    }

    private static void unmatched(SessionEntry entry, McpSchema.JSONRPCResponse response) {
        LOG.debug("Session {}: response {} matched no request", entry.id(), LogValues.safe(response.id()));
    }

    private static void cancel(SessionEntry entry, Object params) {
        Object requestId = ClientMessages.cancelledRequestId(params);
        RequestScope scope = requestId == null ? null : entry.inflight.get(requestId);
        if (scope != null) {
            LOG.debug("Session {}: request {} cancelled by the client", entry.id(), LogValues.safe(scope.requestId()));
            scope.cancel();
        }
    }

    @Override
    public void get(McpCall call) {
        SessionEntry entry = session(call, null);
        HttpChannel channel = call.channel();
        channel.startStream(200, "text/event-stream", McpCall.SSE_HEADERS);
        String lastEventId = call.http().header("last-event-id");
        SseStream live = lastEventId == null ? null
                : entry.streams.get(Objects.requireNonNullElse(EventLog.streamOf(lastEventId), ""));
        if (live != null) {
            live.resume(channel, lastEventId);
        } else if (lastEventId != null && !entry.events.after(lastEventId).isEmpty()) {
            // A finished stream: replay what the client missed, then end.
            for (EventLog.Event e : entry.events.after(lastEventId)) {
                channel.write(SseStream.format(e));
            }
            channel.end();
            return;
        } else {
            if (lastEventId != null && entry.madeElsewhere && resumedElsewhere.compareAndSet(false, true)) {
                LOG.warn("A client resumed a stream (Last-Event-ID) of a session another instance created, and the "
                        + "stream is not here: streams stay where they were opened, so what the client missed there "
                        + "is not replayed and a new stream opens. To resume streams, route by Mcp-Session-Id "
                        + "(said once)");
            }
            // No stream to resume (or nothing left of it): open a fresh listening stream rather than an empty
            // one, which would make the client reconnect in a loop. Connected first so nothing sent is missed,
            // and primed (the first byte the client sees) only once the SDK sends on it: a client that sees the
            // stream open and then changes a list must get the notification.
            SseStream stream = entry.newStream();
            stream.connect(channel);
            if (shared == null) {
                entry.sdk.listeningStream(new ListeningStream(stream));
            } else {
                entry.listening = stream; // the session's SharedListeningStream sends here from now on
            }
            stream.prime();
        }
        // Status and headers go out now, not with the first event (which may be minutes away): proxies with a
        // first-byte timeout would cut the stream, and clients would not know it is open. Only now: a client that
        // sees them may expect every later notification on this stream, so it must already be attached.
        channel.write(SseStream.OPENED);
        channel.keepAlive(keepAliveSeconds);
        channel.onClose(entry::touch);
    }

    @Override
    public void delete(McpCall call) {
        SessionEntry entry = session(call, null);
        if (shared != null) {
            shared.deleted(entry.id());
        }
        sessions.remove(entry.id());
        Sessions.close(entry);
        call.channel().respond(200, null, new byte[0], Map.of());
    }

    /** The caller's session: 400 without the header, 404 when unknown, expired or owned by someone else. */
    private SessionEntry session(McpCall call, Object requestId) {
        String id = call.sessionId();
        if (id == null) {
            throw new JsonRpcException(400, requestId, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Bad Request: Mcp-Session-Id header is required; send initialize first");
        }
        SessionEntry entry = shared == null ? sessions.get(id) : sharedSession(id);
        String subject = call.auth() == null ? null : call.auth().subject();
        if (entry == null || !Objects.equals(entry.subject, subject)) {
            throw new JsonRpcException(404, requestId, -32001, "Session not found; initialize a new session");
        }
        entry.touch();
        if (shared != null) {
            shared.touched(entry);
        }
        return entry;
    }

    /**
     * The session of {@code id} when sessions are shared: ended here when no instance knows it any more (deleted
     * elsewhere, or expired), and made here from what every instance knows when another instance created it.
     */
    private SessionEntry sharedSession(String id) {
        SessionStore.SharedSession known = shared.find(id);
        SessionEntry local = sessions.get(id);
        if (known == null) {
            if (local != null) {
                sessions.remove(id);
                Sessions.close(local);
            }
            return null;
        }
        if (local != null) {
            return local;
        }
        synchronized (this) {
            local = sessions.get(id);
            if (local != null) {
                return local;
            }
            McpSchema.InitializeRequest init = RequestParams.initialize(null, known.initialize());
            McpStreamableServerSession.McpStreamableServerSessionInit started = factory.startSession(init);
            SessionEntry entry = new SessionEntry(id, started.session(), known.subject(), known.clientId(),
                    eventLogSize);
            entry.negotiated(known.protocolVersion());
            entry.madeElsewhere = true;
            SharedSessions.apply(known, entry);
            entry.sdk.listeningStream(new SharedListeningStream(entry, shared));
            Sessions.Refusal refusal = sessions.add(entry);
            if (refusal != null) {
                Sessions.close(entry);
                throw tooManySessions(null, refusal);
            }
            LOG.debug("Session created at another instance now served here");
            return entry;
        }
    }
}
