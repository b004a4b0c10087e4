package dev.fastmcp.examples;

import dev.fastmcp.FastMCP;
import dev.fastmcp.RequestStateOptions;
import dev.fastmcp.SessionOptions;
import dev.fastmcp.TaskOptions;
import dev.fastmcp.auth.proxy.Clients;
import dev.fastmcp.auth.proxy.KeysAndStorage;
import dev.fastmcp.auth.storage.DiskStore;
import dev.fastmcp.redis.RedisSessionStore;
import dev.fastmcp.redis.RedisTaskStore;
import dev.fastmcp.redis.RedisTokenStorage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/** Reading the configuration of examples from the environment, with a clear message when it is missing. */
final class Env {

    private Env() {
    }

    /**
     * Checks that every one of {@code names} is set (and not blank); exits with a message naming all those that are
     * not. The examples call it before reading the variables with {@link System#getenv(String)}, so that the code the
     * documentation quotes needs nothing of this class.
     */
    static void requireAll(String... names) {
        List<String> missing = Arrays.stream(names).filter(name -> {
            String value = System.getenv(name);
            return value == null || value.isBlank();
        }).toList();
        if (!missing.isEmpty()) {
            System.err.println("Set the environment variable" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + " to run this example.");
            System.exit(2);
        }
    }

    /** The space- or comma-separated values of {@code name}, empty when unset. */
    static List<String> list(String name) {
        return split(System.getenv(name));
    }

    private static List<String> split(String value) {
        return value == null || value.isBlank() ? List.of()
                : Arrays.stream(value.trim().split("[\\s,]+")).toList();
    }

    /**
     * The server's public URL from {@code FASTMCP_BASE_URL} (behind a reverse proxy, the proxy's), or null: the
     * server then uses its own loopback address.
     */
    static String baseUrl() {
        String value = System.getenv("FASTMCP_BASE_URL");
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * The production settings of an OAuth proxy or preset from the environment: {@code OAUTH_PROXY_SECRET} (keys
     * that survive a restart and agree across instances; random key material from {@code openssl rand -base64 32},
     * a passphrase is refused), and where the state lives: {@code REDIS_URL} (one Redis shared by every instance,
     * {@code redis://host:6379} or {@code rediss://user:password@host:6380} for TLS, keys under
     * {@code REDIS_KEY_PREFIX}, default {@code fastmcp:}) or {@code OAUTH_STORAGE_DIR} (a directory). Without either,
     * in memory. {@code REDIS_URL} needs {@code OAUTH_PROXY_SECRET}: instances must agree on their keys.
     */
    static KeysAndStorage configure(KeysAndStorage keys) {
        String secret = System.getenv("OAUTH_PROXY_SECRET");
        String storageDir = System.getenv("OAUTH_STORAGE_DIR");
        String redisUrl = System.getenv("REDIS_URL");
        boolean hasSecret = secret != null && !secret.isBlank();
        if (hasSecret) {
            // One secret for the signing, storage and consent keys: restarts and other instances agree.
            keys = keys.secret(secret);
        }
        if (redisUrl != null && !redisUrl.isBlank()) {
            if (!hasSecret || storageDir != null && !storageDir.isBlank()) {
                System.err.println(hasSecret ? "Set REDIS_URL or OAUTH_STORAGE_DIR, not both."
                        : "REDIS_URL needs OAUTH_PROXY_SECRET (openssl rand -base64 32), the same on every "
                                + "instance: they sign, encrypt and check each other's state with keys derived "
                                + "from it.");
                System.exit(2);
            }
            keys = keys.tokenStorage(redis(redisUrl));
        } else if (storageDir != null && !storageDir.isBlank()) {
            // Clients, codes and token mappings on disk, encrypted with the key derived from the secret.
            keys = keys.tokenStorage(new DiskStore(Path.of(storageDir)));
        }
        return keys;
    }

    /** The state of every instance in one Redis, encrypted by the proxy before it is stored. */
    private static RedisTokenStorage redisStorage(String url) {
        String prefix = System.getenv("REDIS_KEY_PREFIX");
        return RedisTokenStorage.builder(url)
                .keyPrefix(prefix == null || prefix.isBlank() ? "fastmcp:" : prefix)
                .build();
    }

    private static RedisTokenStorage redis;

    /** One storage (one connection pool) per process, for the proxy's state and the sessions alike. */
    private static synchronized RedisTokenStorage redis(String url) {
        if (redis == null) {
            redis = redisStorage(url);
        }
        return redis;
    }

    /**
     * How {@code requestState} (MCP 2026-07-28) is sealed, from the environment: with {@code OAUTH_PROXY_SECRET}
     * set, with a key derived from it (HKDF, apart from the proxy's keys), so that a client's next round may reach any
     * instance, or this one after a restart. Unset, a random key per process.
     */
    static RequestStateOptions requestState(RequestStateOptions options) {
        String secret = System.getenv("OAUTH_PROXY_SECRET");
        return secret == null || secret.isBlank() ? options : options.secret(secret);
    }

    /**
     * The sessions' settings from the environment: with {@code REDIS_URL} set, MCP sessions of the 2025 revisions
     * are known to every instance (a request may reach any of them, no sticky routing).
     */
    static SessionOptions sessions(SessionOptions sessions) {
        String url = System.getenv("REDIS_URL");
        return url == null || url.isBlank() ? sessions : sessions.store(RedisSessionStore.on(redis(url)));
    }

    /**
     * Where tasks (MCP 2026-07-28) are kept, from the environment: with {@code REDIS_URL} set, in Redis, so that
     * any instance answers about any task.
     */
    static TaskOptions tasks(TaskOptions tasks) {
        String url = System.getenv("REDIS_URL");
        return url == null || url.isBlank() ? tasks : tasks.store(RedisTaskStore.on(redis(url)));
    }

    /**
     * How an OAuth proxy's clients identify themselves, from the environment:
     * <ul>
     *   <li>{@code FASTMCP_CIMD_ALLOWED}: accept client metadata documents only from these hosts or https URL
     *       patterns, comma- or space-separated ({@code claude.ai,*.example.com,https://tools.example.org/mcp/*}),
     *       see {@link Clients#allowedMetadataDocuments(String...)}; unset, any document is accepted. A client id
     *       outside the list gets an error page, and nothing is fetched for it;</li>
     *   <li>{@code FASTMCP_DEV_INSECURE_CIMD=1} accepts client metadata documents served from this machine
     *       ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}, over plain http too), for trying a client under
     *       development. Insecure, off by default, and refused by the proxy unless the server itself is on a
     *       loopback address.</li>
     * </ul>
     * An entry of {@code FASTMCP_CIMD_ALLOWED} that is neither a host nor an https URL pattern stops the example
     * with a message naming it.
     */
    static Clients clients(Clients clients) {
        try {
            return clients(clients, System::getenv);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return clients;
        }
    }

    /**
     * {@link #clients(Clients)} with the environment read through {@code env}.
     *
     * @throws IllegalArgumentException naming {@code FASTMCP_CIMD_ALLOWED} when one of its entries is invalid
     */
    static Clients clients(Clients clients, UnaryOperator<String> env) {
        List<String> allowed = split(env.apply("FASTMCP_CIMD_ALLOWED"));
        if (!allowed.isEmpty()) {
            try {
                clients = clients.allowedMetadataDocuments(allowed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("FASTMCP_CIMD_ALLOWED: " + e.getMessage(), e);
            }
            System.err.println("FASTMCP_CIMD_ALLOWED: client metadata documents are accepted only from "
                    + String.join(", ", allowed));
        }
        if (!"1".equals(env.apply("FASTMCP_DEV_INSECURE_CIMD"))) {
            return clients;
        }
        System.err.println("WARNING: FASTMCP_DEV_INSECURE_CIMD=1: client metadata documents are fetched from this "
                + "machine (localhost, over plain http too). For development only: never set it on a server others "
                + "can reach");
        return clients.insecureLoopbackMetadataDocuments(true);
    }

    /** Prints where an OAuth-protected example listens and the callback URL to register at the identity provider. */
    static void printCallback(String example, FastMCP server) {
        String mcpUrl = server.url();
        System.err.println(example + ": MCP server at " + mcpUrl + "; register "
                + mcpUrl.substring(0, mcpUrl.lastIndexOf('/')) + "/oauth/callback as the redirect URI at your "
                + "identity provider (set FASTMCP_BASE_URL to the public URL behind a reverse proxy)");
    }
}
