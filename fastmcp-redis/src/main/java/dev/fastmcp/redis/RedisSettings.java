package dev.fastmcp.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * The checked settings of a {@link RedisTokenStorage}: where Redis is (from its URL), how to reach it, and what is
 * kept on the instance. Every error names the setting, the value (never a password) and what is allowed.
 */
record RedisSettings(String host, int port, boolean tls, String user, String password, int database,
        String keyPrefix, Duration connectTimeout, Duration timeout, int maxConnections, int localCacheSize,
        Duration retryAfter) {

    static RedisSettings of(String url, String keyPrefix, Duration connectTimeout, Duration timeout,
            int maxConnections, int localCacheSize, Duration retryAfter) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Redis URL '" + shown(url) + "' is not a URL; write "
                    + "redis://host:6379/0, or rediss://user:password@host:6380 for TLS with ACL credentials");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss") || uri.getHost() == null) {
            throw new IllegalArgumentException("Redis URL '" + shown(url) + "' must be redis://host[:port][/db] or "
                    + "rediss://host[:port][/db] (TLS)");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
            if (colon < 0) { // redis://password@host is how some providers write the default user's password
                password = user;
                user = null;
            }
            if (user != null && user.isEmpty()) {
                user = null;
            }
        }
        int database = 0;
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0) {
                throw new IllegalArgumentException("Redis URL '" + shown(url) + "': the path must be a database "
                        + "number, like /0");
            }
        }
        if (keyPrefix.isEmpty() || keyPrefix.length() > 100) {
            throw new IllegalArgumentException("keyPrefix must have 1 to 100 characters, like 'notes-mcp:'; was '"
                    + keyPrefix + "'");
        }
        checkDuration("connectTimeout", connectTimeout);
        checkDuration("timeout", timeout);
        checkDuration("retryAfter", retryAfter);
        if (maxConnections < 2 || maxConnections > 1024) {
            throw new IllegalArgumentException("maxConnections must be between 2 and 1024, was " + maxConnections);
        }
        if (localCacheSize < 0 || localCacheSize > 1_000_000) {
            throw new IllegalArgumentException("localCacheSize must be between 0 (off) and 1,000,000, was "
                    + localCacheSize);
        }
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        return new RedisSettings(uri.getHost(), port, scheme.equals("rediss"), user, password, database, keyPrefix,
                connectTimeout, timeout, maxConnections, localCacheSize, retryAfter);
    }

    /** The server, for logs: scheme, host and port, no credentials. */
    String endpoint() {
        return (tls ? "rediss://" : "redis://") + host + ":" + port + (database == 0 ? "" : "/" + database);
    }

    /** A pooled client; it connects when first used. */
    RedisClient client() {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(maxConnections);
        pool.setMaxIdle(maxConnections);
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(timeout);
        pool.setTestWhileIdle(true);
        pool.setJmxEnabled(false);
        return RedisClient.builder().hostAndPort(host, port).clientConfig(config()).poolConfig(pool).build();
    }

    /**
     * A connection of its own, outside the pool, for a subscription: one that was subscribed must never serve a
     * command again, so it is closed, never returned, when the subscription ends.
     */
    redis.clients.jedis.Jedis subscriber() {
        return new redis.clients.jedis.Jedis(new redis.clients.jedis.HostAndPort(host, port), config());
    }

    private DefaultJedisClientConfig config() {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(connectTimeout))
                .socketTimeoutMillis(millis(timeout))
                .database(database)
                .ssl(tls)
                .clientName("fastmcp");
        if (user != null) {
            config.user(user);
        }
        if (password != null) {
            config.password(password);
        }
        return config.build();
    }

    @Override
    public String toString() {
        return "RedisSettings[" + endpoint() + ", prefix=" + keyPrefix + "]";
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    private static void checkDuration(String name, Duration d) {
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException(name + " must be between 1 ms and 5 minutes, was " + d);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL for an error message, its credentials replaced. */
    private static String shown(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }
}
