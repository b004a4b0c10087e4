package dev.fastmcp.redis;

import dev.fastmcp.auth.storage.StorageJson;
import dev.fastmcp.auth.storage.StorageUnavailableException;
import dev.fastmcp.auth.storage.TokenStorage;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A {@link TokenStorage} on Redis, for several server instances sharing the OAuth proxy's state: sign-ins, codes,
 * tokens, refresh families, clients and replay caches, whichever instance a request lands on.
 *
 * <pre>{@code
 * TokenStorage storage = RedisTokenStorage.builder(System.getenv("REDIS_URL"))   // rediss://user:pw@host:6380/0
 *         .keyPrefix("notes-mcp:")
 *         .build();
 * OAuthProxy.builder(upstream).keysAndStorage(k -> k.tokenStorage(storage))...
 * }</pre>
 *
 * <p>The contract's atomic steps are atomic in Redis: {@code saveIfAbsent} is {@code SET NX PX}, {@code take} is
 * {@code GETDEL} (Redis 6.2 or later), {@code replace} compares the canonical JSON it holds
 * ({@link StorageJson#canonical}) before it writes, and entries expire by Redis's own TTLs. Each write runs as one
 * script with the {@code PUBLISH} of its key: one round trip. Values are stored as
 * given: the proxy encrypts its state before it gets here ({@code EncryptedTokenStorage}, on by default).
 *
 * <p>The reads repeated on every request ({@link #getCached}: the check of an access token) are answered from a
 * cache on the instance while Redis confirms, through a subscription, that nothing changed: every write, delete or
 * take on any instance publishes the key, and every instance drops it from its cache at once, so a revoked token
 * stops everywhere. The cache is used only while the subscription is known to be alive (a heartbeat every 2 seconds);
 * without it, those reads go to Redis too. {@link #get} always reads Redis.
 *
 * <p>When Redis cannot be reached, operations throw {@link StorageUnavailableException}: requests are answered 503
 * with {@code Retry-After}, no token is accepted, and one line is logged per outage. The storage reconnects by
 * itself.
 */
public final class RedisTokenStorage implements TokenStorage {

    /** Longer lifetimes are stored as this one (100 years), which Redis accepts. */
    private static final long MAX_TTL_MILLIS = 100L * 365 * 24 * 3600 * 1000;

    // Each write publishes its key in the same script: one round trip, and no write without its invalidation.
    private static final String SAVE = "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) "
            + "redis.call('PUBLISH', ARGV[3], ARGV[4]) return 1";
    private static final String SAVE_IF_ABSENT = "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then "
            + "redis.call('PUBLISH', ARGV[3], ARGV[4]) return 1 end return 0";
    private static final String REPLACE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) redis.call('PUBLISH', ARGV[4], ARGV[5]) "
            + "return 1 end return 0";
    private static final String DELETE = "local n = redis.call('DEL', KEYS[1]) "
            + "redis.call('PUBLISH', ARGV[1], ARGV[2]) return n";
    private static final String TAKE = "local v = redis.call('GETDEL', KEYS[1]) "
            + "if v then redis.call('PUBLISH', ARGV[1], ARGV[2]) end return v";
    private static final String GET_WITH_TTL = "return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}";

    private final RedisClient redis;
    private final RedisSettings settings;
    private final Outage outage;
    private final Invalidations invalidations;
    private final String saveSha;
    private final String saveIfAbsentSha;
    private final String replaceSha;
    private final String deleteSha;
    private final String takeSha;
    private final String getWithTtlSha;
    private final java.util.Map<String, java.util.function.Consumer<String>> receivers =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder reads = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean closed;

    private RedisTokenStorage(RedisSettings settings) {
        this.settings = settings;
        this.redis = settings.client();
        // Connections pooled before an outage are all broken: dropped at once, so that none fails a request after it.
        this.outage = new Outage(settings.endpoint(), settings.retryAfter(), () -> redis.getPool().clear());
        this.saveSha = sha1(SAVE);
        this.saveIfAbsentSha = sha1(SAVE_IF_ABSENT);
        this.replaceSha = sha1(REPLACE);
        this.deleteSha = sha1(DELETE);
        this.takeSha = sha1(TAKE);
        this.getWithTtlSha = sha1(GET_WITH_TTL);
        this.invalidations = new Invalidations(redis, settings::subscriber, settings.keyPrefix() + "invalidate",
                settings.keyPrefix() + "messages", settings.localCacheSize());
        invalidations.onMessage(this::received);
    }

    /**
     * Starts a configuration for the Redis server at {@code url}: {@code redis://host:port/db}, or
     * {@code rediss://} for TLS, with ACL credentials as {@code user:password@} (or {@code :password@} for the
     * default user), percent-encoded.
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    @Override
    public void save(String key, Object value, long ttlSeconds) {
        StorageJson.checkWrite(key, value, ttlSeconds);
        String json = StorageJson.canonical(value);
        call(() -> script(saveSha, SAVE, k(key), json, Long.toString(ttlMillis(ttlSeconds)),
                invalidations.channel(), key));
        changedHere(key);
    }

    @Override
    public boolean saveIfAbsent(String key, Object value, long ttlSeconds) {
        StorageJson.checkWrite(key, value, ttlSeconds);
        String json = StorageJson.canonical(value);
        Object reply = call(() -> script(saveIfAbsentSha, SAVE_IF_ABSENT, k(key), json,
                Long.toString(ttlMillis(ttlSeconds)), invalidations.channel(), key));
        boolean written = reply instanceof Long n && n == 1;
        if (written) {
            changedHere(key);
        }
        return written;
    }

    @Override
    public boolean replace(String key, Object expected, Object value, long ttlSeconds) {
        StorageJson.checkReplace(key, expected, value, ttlSeconds);
        String was = StorageJson.canonical(expected);
        String json = StorageJson.canonical(value);
        Object written = call(() -> script(replaceSha, REPLACE, k(key), was, json,
                Long.toString(ttlMillis(ttlSeconds)), invalidations.channel(), key));
        boolean replaced = written instanceof Long n && n == 1;
        if (replaced) {
            changedHere(key);
        }
        return replaced;
    }

    /** Always from Redis: what an atomic step or a decision on it may depend on. */
    @Override
    public <T> T get(String key, Class<T> type) {
        StorageJson.checkKey(key);
        Objects.requireNonNull(type, "type");
        String json = call(() -> redisGet(key));
        return json == null ? null : StorageJson.read(json, type);
    }

    /**
     * From this instance's cache while its invalidation subscription is alive, else from Redis (and then kept):
     * the check of an access token on every request costs no round trip, and a change made at any instance drops
     * the copy within milliseconds.
     */
    @Override
    public <T> T getCached(String key, Class<T> type) {
        if (settings.localCacheSize() == 0) {
            return get(key, type);
        }
        StorageJson.checkKey(key);
        Objects.requireNonNull(type, "type");
        return invalidations.read(key, () -> call(() -> getWithTtl(key)), type);
    }

    private String redisGet(String key) {
        reads.increment();
        return redis.get(k(key));
    }

    /** How many reads went to Redis (not answered by the cache): for tests. */
    long redisReads() {
        return reads.sum();
    }

    @Override
    public boolean delete(String key) {
        StorageJson.checkKey(key);
        Object removed = call(() -> script(deleteSha, DELETE, k(key), invalidations.channel(), key));
        changedHere(key);
        return removed instanceof Long n && n > 0;
    }

    @Override
    public <T> T take(String key, Class<T> type) {
        StorageJson.checkKey(key);
        Objects.requireNonNull(type, "type");
        Object taken = call(() -> script(takeSha, TAKE, k(key), invalidations.channel(), key));
        if (!(taken instanceof String json)) {
            return null;
        }
        changedHere(key);
        return StorageJson.read(json, type);
    }

    /** True: every instance of a deployment uses the same Redis. */
    @Override
    public boolean sharedAcrossInstances() {
        return true;
    }

    /** Redis expires entries itself: nothing to remove. */
    @Override
    public int cleanup() {
        checkOpen();
        return 0;
    }

    /** The live entries under this storage's key prefix, counted with {@code SCAN}: for monitoring only. */
    @Override
    public int size() {
        return call(() -> {
            ScanParams params = new ScanParams().match(glob(settings.keyPrefix()) + "*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            long count = 0;
            do {
                ScanResult<String> page = redis.scan(cursor, params);
                count += page.getResult().size();
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            return (int) Math.min(Integer.MAX_VALUE, count);
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        invalidations.close();
        redis.close();
    }

    /** Whether reads are being answered from this instance's cache (the invalidation subscription is alive). */
    boolean localCacheLive() {
        return invalidations.live();
    }

    @Override
    public String toString() {
        return "RedisTokenStorage[" + settings.endpoint() + ", prefix=" + settings.keyPrefix() + "]";
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private String k(String key) {
        return settings.keyPrefix() + key;
    }

    /** The value and remaining lifetime of a key, read in one step, for the local cache. */
    private Invalidations.Read getWithTtl(String key) {
        reads.increment();
        Object reply = script(getWithTtlSha, GET_WITH_TTL, k(key));
        List<?> parts = (List<?>) reply;
        Object value = parts.get(0);
        long ttl = parts.size() > 1 && parts.get(1) instanceof Long n ? n : -2;
        return new Invalidations.Read(value instanceof String s ? s : null, ttl);
    }

    /** {@code key} changed (its script has told the other instances): dropped from this instance's cache. */
    private void changedHere(String key) {
        invalidations.changed(key);
    }

    /**
     * Sends {@code message} on {@code topic} to every instance of the deployment (this one too), through Redis.
     *
     * @param topic a name without a newline, such as {@code "sessions"}
     */
    void broadcast(String topic, String message) {
        call(() -> redis.publish(invalidations.messages(), topic + "\n" + message));
    }

    /** What {@link #broadcast} sends on {@code topic} arrives at {@code receiver}, on the subscription's thread. */
    void onBroadcast(String topic, java.util.function.Consumer<String> receiver) {
        receivers.put(topic, receiver);
    }

    /** A message of {@link #broadcast}: to the receiver of its topic; one of no known topic is dropped. */
    private void received(String message) {
        int newline = message.indexOf('\n');
        java.util.function.Consumer<String> receiver = newline > 0 ? receivers.get(message.substring(0, newline))
                : null;
        if (receiver != null) {
            receiver.accept(message.substring(newline + 1));
        }
    }

    private Object script(String sha, String script, String key, String... args) {
        try {
            return redis.evalsha(sha, List.of(key), List.of(args));
        } catch (JedisNoScriptException e) {
            return redis.eval(script, List.of(key), List.of(args));
        }
    }

    /** Runs a Redis operation: an unreachable Redis is a {@link StorageUnavailableException}, logged once. */
    private <T> T call(Supplier<T> operation) {
        checkOpen();
        try {
            T result = operation.get();
            outage.reached();
            return result;
        } catch (JedisConnectionException e) {
            throw outage.unreachable(e);
        } catch (JedisException e) {
            if (closed) {
                throw new IllegalStateException("RedisTokenStorage is closed");
            }
            // A pool that cannot lend a connection within the timeout is the same outage, seen from here.
            if (e.getCause() instanceof JedisConnectionException || String.valueOf(e.getMessage())
                    .startsWith("Could not get a resource")) {
                throw outage.unreachable(e);
            }
            throw new IllegalStateException("Redis refused an operation of the token storage: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("RedisTokenStorage is closed");
        }
    }

    private static long ttlMillis(long ttlSeconds) {
        return ttlSeconds >= MAX_TTL_MILLIS / 1000 ? MAX_TTL_MILLIS : ttlSeconds * 1000;
    }

    /** {@code text} with Redis glob characters escaped, to match it literally in {@code SCAN MATCH}. */
    static String glob(String text) {
        return text.replaceAll("([\\\\*?\\[\\]^-])", "\\\\$1");
    }

    private static String sha1(String script) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Configures a {@link RedisTokenStorage}: the server's URL given to {@link #builder(String)}, the rest with
     * defaults.
     */
    public static final class Builder {

        private final String url;
        private String keyPrefix = "fastmcp:";
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration timeout = Duration.ofSeconds(2);
        private int maxConnections = 32;
        private int localCacheSize = 10_000;
        private Duration retryAfter = Duration.ofSeconds(5);

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url == null; pass redis://host:6379 (or rediss:// for TLS), "
                    + "for example from REDIS_URL");
        }

        /**
         * The prefix of every key (and of the invalidation channel), so that several deployments can share one
         * Redis; default {@code fastmcp:}. Instances of one deployment must use the same prefix.
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix == null");
            return this;
        }

        /** How long connecting may take; default 2 seconds. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout == null");
            return this;
        }

        /** How long one command may wait for its answer, or for a free connection; default 2 seconds. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout == null");
            return this;
        }

        /** The most connections open at once (one more holds the invalidation subscription); default 32. */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * The most entries this instance keeps in its read cache; default 10,000. 0 turns the cache off: every
         * read then goes to Redis.
         */
        public Builder localCacheSize(int localCacheSize) {
            this.localCacheSize = localCacheSize;
            return this;
        }

        /** The {@code Retry-After} of requests answered 503 while Redis is unreachable; default 5 seconds. */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter == null");
            return this;
        }

        /**
         * Checks the settings and connects the pool (lazily: a Redis that is down at start is reported by the first
         * request, and the server still starts).
         */
        public RedisTokenStorage build() {
            return new RedisTokenStorage(RedisSettings.of(url, keyPrefix, connectTimeout, timeout, maxConnections,
                    localCacheSize, retryAfter));
        }
    }
}
