package dev.fastmcp;

import java.time.Duration;
import java.util.Objects;

/**
 * How many sessions of the session protocol (MCP 2025-03-26 to 2025-11-25) the server keeps, and for how long: one
 * group of {@link FastMCP.Builder}'s options, immutable, each value checked when it is set. Requests of MCP
 * 2026-07-28 open no session and are not counted here.
 *
 * <pre>{@code
 * FastMCP.builder("notes", "1.0.0")
 *         .sessions(s -> s.max(2_000).perSubject(20).idleTimeout(Duration.ofMinutes(10)))
 * }</pre>
 *
 * @param max the most sessions kept at once; {@code initialize} beyond it gets 503. Default 10,000
 * @param perSubject the most sessions one subject (the authenticated user) holds at once; 0 (the default) for a
 *        tenth of {@code max}, at most 100
 * @param perClient the most sessions one OAuth client holds at once, across all its users; 0 (the default) for half
 *        of {@code max}
 * @param idleTimeout how long a session without requests or open streams lives; default 30 minutes
 * @param store where the sessions are known to every instance of a deployment; null (the default) for this
 *        instance alone
 * @param eventStoreSize how many stream events per session are kept for clients resuming with
 *        {@code Last-Event-ID}; default 256, 0 for none
 */
public record SessionOptions(int max, int perSubject, int perClient, Duration idleTimeout, int eventStoreSize,
        SessionStore store) {

    private static final SessionOptions DEFAULTS = new SessionOptions(10_000, 0, 0, Duration.ofMinutes(30), 256,
            null);

    /** Checks every value; each error names the option, the value and what is allowed. */
    public SessionOptions {
        atLeast(1, max, "sessions: max");
        atLeast(0, perSubject, "sessions: perSubject");
        atLeast(0, perClient, "sessions: perClient");
        Objects.requireNonNull(idleTimeout, "sessions: idleTimeout == null");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("sessions: idleTimeout must be positive, was " + idleTimeout);
        }
        atLeast(0, eventStoreSize, "sessions: eventStoreSize");
    }

    /** The defaults listed on the record's components. */
    public static SessionOptions defaults() {
        return DEFAULTS;
    }

    /** The most sessions kept at once (default 10,000); {@code initialize} beyond it gets 503. */
    public SessionOptions max(int max) {
        return new SessionOptions(max, perSubject, perClient, idleTimeout, eventStoreSize, store);
    }

    /**
     * The most sessions one subject (the authenticated user) holds at once; default a tenth of {@link #max()}, at
     * most 100. A user at this share who opens one more session loses the least recently used of its idle sessions
     * (whose client then gets 404 and initializes again, as clients do); only when all of them are busy (a request in
     * progress or a stream open) is {@code initialize} refused with 503. So no user can take every session and lock
     * the others out. Must be below {@code max} (checked when the server is built). Sessions without authentication
     * have no subject and count against {@code max} only. With a {@link #store(SessionStore) store}, the share holds
     * at all instances together (see {@link SessionStore#admit}).
     */
    public SessionOptions perSubject(int max) {
        return new SessionOptions(this.max, atLeast(1, max, "sessions: perSubject"), perClient, idleTimeout,
                eventStoreSize, store);
    }

    /**
     * The most sessions one OAuth client (the {@code client_id} of the tokens) holds at once, across all its users;
     * default half of {@link #max()}. Past it, the client's least recently used idle session is closed as for
     * {@link #perSubject(int)}, and {@code initialize} is refused with 503 when all are busy. Must be below
     * {@code max}. Tokens without a client id are not counted here.
     */
    public SessionOptions perClient(int max) {
        return new SessionOptions(this.max, perSubject, atLeast(1, max, "sessions: perClient"), idleTimeout,
                eventStoreSize, store);
    }

    /** How long a session without requests or open streams lives (default 30 minutes). */
    public SessionOptions idleTimeout(Duration timeout) {
        return new SessionOptions(max, perSubject, perClient, timeout, eventStoreSize, store);
    }

    /** How many stream events per session are kept for clients resuming with {@code Last-Event-ID} (default 256). */
    public SessionOptions eventStoreSize(int events) {
        return new SessionOptions(max, perSubject, perClient, idleTimeout, events, store);
    }

    /**
     * Makes the sessions known to every instance sharing {@code store}: a request whose session another instance
     * created is served here, not answered 404, so no sticky routing is needed (see {@link SessionStore}). Default
     * none: a session lives on the instance that created it.
     */
    public SessionOptions store(SessionStore store) {
        return new SessionOptions(max, perSubject, perClient, idleTimeout, eventStoreSize,
                Objects.requireNonNull(store, "store == null"));
    }

    private static int atLeast(int min, int value, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", was " + value);
        }
        return value;
    }
}
