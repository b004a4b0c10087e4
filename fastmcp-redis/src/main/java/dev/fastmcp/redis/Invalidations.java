package dev.fastmcp.redis;

import dev.fastmcp.auth.storage.StorageJson;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;

/**
 * The instance's read cache of a {@link RedisTokenStorage}, kept right by a subscription: every change of a key, on
 * any instance, is published on one channel, and every instance drops the key when the message arrives.
 *
 * <p>The cache answers only while the subscription is known to be alive: subscribed, and receiving the heartbeat
 * this instance publishes on a channel of its own every {@value #HEARTBEAT_EVERY_MILLIS} ms within
 * {@value #ALIVE_WITHIN_MILLIS} ms (a heartbeat, not a PING on the subscribed connection: Jedis reads the answer to
 * a PING sent from another thread as an unexpected message, and ends the subscription). Losing it empties the cache
 * and sends every read to Redis until the subscription is back. The subscription has a connection of its own, closed
 * whenever it ends: a connection still subscribed must never go back to the pool. A read that raced a change (the
 * message arrived while the value was read) is not cached: each message advances a generation that the read
 * compares before and after.
 * Entries are kept no longer than the key lives in Redis, nor than {@value #MAX_AGE_MILLIS} ms.
 */
final class Invalidations implements AutoCloseable {

    static final long HEARTBEAT_EVERY_MILLIS = 2_000;
    static final long ALIVE_WITHIN_MILLIS = 6_000;
    static final long MAX_AGE_MILLIS = 60_000;

    /** A value read from Redis with its remaining lifetime in milliseconds (negative when absent). */
    record Read(String json, long ttlMillis) {
    }

    /**
     * A cached value: its JSON and, once read as text, that text. A text is immutable, so every read of the entry
     * shares it instead of decoding the JSON again (the encrypted envelopes the proxy reads on every request).
     */
    private static final class Entry {
        final String json;
        final long expiresAtNanos;
        /** Racy by design: two readers may both decode, and either result is the same text. */
        String text;

        Entry(String json, long expiresAtNanos) {
            this.json = json;
            this.expiresAtNanos = expiresAtNanos;
        }
    }

    private final RedisClient redis;
    private final java.util.function.Supplier<redis.clients.jedis.Jedis> connect;
    private final String channel;
    /** This instance's own channel, for its heartbeat. */
    private final String heartbeat;
    /** The channel of messages between instances that are not about keys (a client's answer to forward). */
    private final String messages;
    private volatile java.util.function.Consumer<String> onMessage = m -> { };
    private final int capacity;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final Listener listener = new Listener();
    private final Thread subscriber;
    private final ScheduledExecutorService heartbeats;
    private volatile boolean subscribed;
    private volatile long lastHeartbeatNanos;
    private volatile boolean closed;

    Invalidations(RedisClient redis, java.util.function.Supplier<redis.clients.jedis.Jedis> connect, String channel,
            String messages, int capacity) {
        this.redis = redis;
        this.connect = connect;
        this.heartbeat = channel + ":heartbeat:" + java.util.UUID.randomUUID();
        this.channel = channel;
        this.messages = messages;
        this.capacity = capacity;
        this.subscriber = new Thread(this::subscribe, "fastmcp-redis-invalidations");
        this.subscriber.setDaemon(true);
        this.subscriber.start();
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fastmcp-redis-heartbeat");
            t.setDaemon(true);
            return t;
        });
        this.heartbeats.scheduleWithFixedDelay(this::sendHeartbeat, HEARTBEAT_EVERY_MILLIS, HEARTBEAT_EVERY_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** The channel changes are published on. */
    String channel() {
        return channel;
    }

    /** The channel of the other messages between instances. */
    String messages() {
        return messages;
    }

    /** Where the other messages go, on the subscription's thread. */
    void onMessage(java.util.function.Consumer<String> receiver) {
        this.onMessage = receiver;
    }

    /** Whether the cache answers reads: it has room, and the subscription is alive. */
    boolean live() {
        return capacity > 0 && subscribed
                && System.nanoTime() - lastHeartbeatNanos < TimeUnit.MILLISECONDS.toNanos(ALIVE_WITHIN_MILLIS);
    }

    /**
     * The value of {@code key} as {@code type}: from the cache while it is live and holds it, else loaded (and kept
     * if it may be); null when there is none.
     */
    <T> T read(String key, Supplier<Read> load, Class<T> type) {
        long now = System.nanoTime();
        boolean live = live();
        if (live) {
            Entry e = entries.get(key);
            if (e != null && e.expiresAtNanos - now > 0) {
                return decoded(e, type);
            }
        }
        long before = generation.get();
        Read read = load.get();
        if (read.json() == null) {
            return null;
        }
        if (read.ttlMillis() > 0 && live && live() && generation.get() == before) {
            if (entries.size() >= capacity) {
                entries.clear();
            }
            long keep = Math.min(read.ttlMillis(), MAX_AGE_MILLIS);
            Entry e = new Entry(read.json(), now + TimeUnit.MILLISECONDS.toNanos(keep));
            entries.put(key, e);
            return decoded(e, type);
        }
        return StorageJson.read(read.json(), type);
    }

    /** The entry's value as {@code type}: its text decoded once, anything else decoded at each read (mutable). */
    private static <T> T decoded(Entry e, Class<T> type) {
        if (type != Object.class && type != String.class) {
            return StorageJson.read(e.json, type);
        }
        String text = e.text;
        if (text != null) {
            return type.cast(text);
        }
        T value = StorageJson.read(e.json, type);
        if (value instanceof String decodedText) {
            e.text = decodedText;
        }
        return value;
    }

    /** {@code key} changed here (its write published it to the other instances): dropped from this cache. */
    void changed(String key) {
        entries.remove(key);
        generation.incrementAndGet();
    }

    private void forgetAll() {
        generation.incrementAndGet();
        entries.clear();
    }

    private volatile redis.clients.jedis.Jedis connection;

    private void subscribe() {
        long backoff = 50;
        while (!closed) {
            try (redis.clients.jedis.Jedis jedis = connect.get()) {
                connection = jedis;
                if (!closed) {
                    jedis.subscribe(listener, channel, messages, heartbeat); // returns when unsubscribed
                }
            } catch (RuntimeException e) {
                // the connection is gone: reads go to Redis (and fail there, visibly) until it is back
            } finally {
                connection = null;
            }
            subscribed = false;
            forgetAll();
            if (closed) {
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = listener.everSubscribed ? 50 : Math.min(backoff * 2, 2_000);
            listener.everSubscribed = false;
        }
    }

    /** Publishes the heartbeat, through the pool; the subscription's receiving it says it is alive. */
    private void sendHeartbeat() {
        if (subscribed) {
            try {
                redis.publish(heartbeat, "1");
            } catch (RuntimeException e) {
                // Redis unreachable: the heartbeat will be missed, and the cache stop answering
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        heartbeats.shutdownNow();
        redis.clients.jedis.Jedis jedis = connection;
        if (jedis != null) {
            try {
                jedis.disconnect(); // the subscriber's read fails, and its loop ends
            } catch (RuntimeException e) {
                // already gone
            }
        }
        subscriber.interrupt();
        try {
            subscriber.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forgetAll();
    }

    private final class Listener extends JedisPubSub {

        volatile boolean everSubscribed;

        @Override
        public void onSubscribe(String name, int count) {
            if (count < 3) {
                return; // the subscription is complete with its third channel
            }
            // Whatever changed while unsubscribed was not heard: start from an empty cache.
            forgetAll();
            lastHeartbeatNanos = System.nanoTime();
            subscribed = true;
            everSubscribed = true;
        }

        @Override
        public void onMessage(String name, String message) {
            if (name.equals(heartbeat)) {
                lastHeartbeatNanos = System.nanoTime();
                return;
            }
            if (name.equals(messages)) {
                try {
                    onMessage.accept(message);
                } catch (RuntimeException e) {
                    // one receiver's failure must not end the subscription
                }
                return;
            }
            generation.incrementAndGet();
            entries.remove(message);
        }

    }
}
