package dev.fastmcp.redis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server for a test, on a free loopback port, without persistence: the binary shipped in the
 * embedded-redis jar (Redis 6.2), or the one named by {@code FASTMCP_TEST_REDIS_SERVER} (CI runs the tests once more
 * against Debian's {@code /usr/bin/redis-server}). Tests stop and start it again to see an outage.
 */
final class TestRedis implements AutoCloseable {

    private final int port;
    private final String[] settings;
    private RedisServer server;

    /** @param settings more redis.conf lines, such as {@code requirepass ...} */
    TestRedis(String... settings) {
        this.port = freePort();
        this.settings = settings;
        start();
    }

    /** The URL clients connect with. */
    String url() {
        return "redis://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Starts the server again on its port, empty. */
    void start() {
        try {
            String binary = System.getenv("FASTMCP_TEST_REDIS_SERVER");
            var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").setting("protected-mode yes");
            for (String setting : settings) {
                builder.setting(setting);
            }
            if (binary != null && !binary.isBlank()) {
                File file = new File(binary);
                builder.executableProvider(() -> file);
            } else {
                builder.executableProvider(ExecutableProvider.newJarResourceProvider());
            }
            server = builder.build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server did not start on port " + port, e);
        }
    }

    /** Stops the server (an outage, as the storage sees it). */
    void stop() {
        try {
            if (server != null && server.isActive()) {
                server.stop();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
