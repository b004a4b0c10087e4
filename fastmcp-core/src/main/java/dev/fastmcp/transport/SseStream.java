package dev.fastmcp.transport;

import java.nio.charset.StandardCharsets;

/**
 * One logical SSE stream of a session (a POST's reply stream or the GET listening stream). Its events are
 * logged, so the HTTP connection carrying it can drop and a new one can resume it with {@code Last-Event-ID}.
 */
final class SseStream {

    /** How long a client waits before reconnecting a closed stream, sent with the priming event. */
    static final int RETRY_MILLIS = 2000;
    /** An SSE comment that carries a stream's status and headers to the client as soon as it opens. */
    static final byte[] OPENED = ": open\n\n".getBytes(StandardCharsets.US_ASCII);

    final String id;
    private final SessionEntry session;
    private HttpChannel channel;
    private boolean finished;

    SseStream(String id, SessionEntry session) {
        this.id = id;
        this.session = session;
    }

    /** Carries the stream on {@code ch}, starting with a priming event the client can resume from. */
    synchronized void attach(HttpChannel ch) {
        channel = ch;
        prime();
    }

    /** Carries the stream on {@code ch} without writing yet: the caller primes it once it is ready for events. */
    synchronized void connect(HttpChannel ch) {
        channel = ch;
    }

    /** Writes the priming event, which also sends the status and headers, when the session's clients expect one. */
    synchronized void prime() {
        if (session.primesStreams() && channel != null) {
            channel.write(format(session.events.append(id, "")));
        }
    }

    /** Replays what followed {@code lastEventId} on {@code ch}, then carries the stream on it (or ends it). */
    synchronized void resume(HttpChannel ch, String lastEventId) {
        for (EventLog.Event e : session.events.after(lastEventId)) {
            ch.write(format(e));
        }
        if (finished) {
            ch.end();
        } else {
            if (channel != null && channel != ch) {
                channel.end();
            }
            channel = ch;
        }
    }

    synchronized boolean connected() {
        return !finished && channel != null && channel.isOpen();
    }

    synchronized void send(String json) {
        if (finished) {
            return;
        }
        EventLog.Event event = session.events.append(id, json);
        if (channel != null && channel.isOpen()) {
            channel.write(format(event));
        }
    }

    /** Ends the current connection; events keep being logged until a client resumes the stream. */
    synchronized void detach() {
        if (channel != null) {
            channel.end();
            channel = null;
        }
    }

    synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (channel != null) {
            channel.end();
        }
        session.streamFinished(this);
    }

    static byte[] format(EventLog.Event e) {
        String text = e.data().isEmpty()
                ? "id: " + e.id() + "\nretry: " + RETRY_MILLIS + "\ndata: \n\n"
                : "id: " + e.id() + "\nevent: message\ndata: " + e.data() + "\n\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
