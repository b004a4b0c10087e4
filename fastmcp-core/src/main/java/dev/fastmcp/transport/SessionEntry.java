package dev.fastmcp.transport;

import dev.fastmcp.SessionStore;
import dev.fastmcp.server.RequestScope;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Our side of one MCP session: the SDK session, its owner (subject, and the OAuth client it came through), its
 * event log, live streams and requests.
 */
final class SessionEntry {

    /** The {@code Mcp-Session-Id}: the SDK session's id, or the one of the instance that created it. */
    private final String id;
    final McpStreamableServerSession sdk;
    final String subject;
    final String clientId;
    final EventLog events;
    final Map<String, SseStream> streams = new ConcurrentHashMap<>();
    final Map<Object, RequestScope> inflight = new ConcurrentHashMap<>();
    private final AtomicLong streamIds = new AtomicLong();
    private volatile long lastSeenNanos = System.nanoTime();
    private volatile String protocolVersion = "2025-03-26";

    /** What every instance knows of it, when sessions are shared; null otherwise. */
    volatile SessionStore.SharedSession shared;
    /** When {@link #shared} was last stored, to store it again before it expires. */
    volatile long sharedAtNanos;
    /** Whether another instance created it, and this one made it from what was stored. */
    volatile boolean madeElsewhere;
    /** The GET stream last opened here, when sessions are shared; null before. */
    volatile SseStream listening;

    SessionEntry(String id, McpStreamableServerSession sdk, String subject, String clientId, int eventLogSize) {
        this.id = id;
        this.sdk = sdk;
        this.subject = subject;
        this.clientId = clientId;
        this.events = new EventLog(eventLogSize);
    }

    String id() {
        return id;
    }

    void negotiated(String version) {
        if (version != null) {
            protocolVersion = version;
        }
    }

    /** Priming events (an id with empty data) came with 2025-11-25; older clients may choke on them. */
    boolean primesStreams() {
        return protocolVersion.compareTo("2025-11-25") >= 0;
    }

    void touch() {
        lastSeenNanos = System.nanoTime();
    }

    long idleNanos() {
        return System.nanoTime() - lastSeenNanos;
    }

    boolean busy() {
        return !inflight.isEmpty() || streams.values().stream().anyMatch(SseStream::connected);
    }

    SseStream newStream() {
        SseStream stream = new SseStream(Long.toString(streamIds.incrementAndGet()), this);
        streams.put(stream.id, stream);
        return stream;
    }

    void streamFinished(SseStream stream) {
        streams.remove(stream.id, stream);
    }
}
