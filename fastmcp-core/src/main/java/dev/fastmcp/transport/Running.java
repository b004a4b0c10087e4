package dev.fastmcp.transport;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.internal.ServerLog;
import dev.fastmcp.server.Access;
import dev.fastmcp.server.Components;
import dev.fastmcp.server.ModernDispatcher;
import dev.fastmcp.server.SdkServer;
import dev.fastmcp.server.Settings;
import dev.fastmcp.server.Warmup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started server: the SDK server and the transport serving it (HTTP or stdio). */
public final class Running {

    private static final Logger LOG = LoggerFactory.getLogger(FastMCP.class);

    private final SdkServer sdk;
    private final HttpServer http;
    private final StdioTransport stdio;
    private final MemoryTransport memory;

    private Running(SdkServer sdk, HttpServer http, StdioTransport stdio, MemoryTransport memory) {
        this.sdk = sdk;
        this.http = http;
        this.stdio = stdio;
        this.memory = memory;
    }

    /** Serves {@code components} as {@code o} says; returns once the server listens (HTTP) or reads stdin. */
    public static Running start(Settings settings, Components components, ResolvedOptions o) {
        ServerLog.undertowThroughSlf4j(); // before the warm-up or anything else initializes Undertow's classes
        if (o.transport() == StartOptions.Transport.STDIO) {
            Access.Caller caller = StdioIdentity.of(settings, o, components);
            // stdout carries the protocol: anything else printed there (by user code or a library) would
            // corrupt it, so System.out is pointed at stderr for the life of the process.
            java.io.OutputStream protocol = new java.io.FileOutputStream(java.io.FileDescriptor.out);
            System.setOut(System.err);
            StdioTransport stdio = new StdioTransport(components, new ModernDispatcher(settings, components),
                    System.in, protocol, caller);
            SdkServer sdk = SdkServer.withSessions(settings, components, stdio);
            stdio.start();
            warnIfExposingExceptions(settings, components);
            ServerLog.announce(LOG, "MCP server '{}' serving on stdio", settings.name());
            return new Running(sdk, null, stdio, null);
        }
        if (o.transport() == StartOptions.Transport.IN_MEMORY) {
            MemoryTransport memory = new MemoryTransport(settings, components, o);
            SdkServer sdk = SdkServer.withSessions(settings, components, memory);
            warnIfExposingExceptions(settings, components);
            if (o.testIdentities() != null) {
                LOG.info("MCP server '{}' serving in memory, trusting test identities", settings.name());
            } else {
                LOG.info("MCP server '{}' serving in memory", settings.name());
            }
            return new Running(sdk, null, null, memory);
        }
        Warmup.start();
        Sessions sessions = null;
        SdkServer sdk;
        McpBackend backend;
        if (o.stateless()) {
            StatelessHttp transport = new StatelessHttp(components);
            sdk = SdkServer.stateless(settings, components, transport);
            backend = transport;
        } else {
            sessions = new Sessions(settings.maxSessions(), settings.maxSessionsPerSubject(),
                    settings.maxSessionsPerClient(), settings.sessionIdleTimeout());
            StreamableHttp transport = new StreamableHttp(sessions, components, settings.eventLogSize(),
                    settings.keepAliveInterval().toSeconds(), settings.sessionStore() == null ? null
                            : new SharedSessions(settings.sessionStore(), settings.sessionIdleTimeout(),
                            settings.maxSessionsPerSubject(), settings.maxSessionsPerClient()));
            sdk = SdkServer.withSessions(settings, components, transport);
            backend = transport;
        }
        HttpServer http;
        try {
            http = HttpServer.start(settings, o, backend, new ModernDispatcher(settings, components), !o.stateless(),
                    components.userCodeExecutor(), components::runsInline);
        } catch (RuntimeException e) {
            if (sessions != null) {
                sessions.closeAll();
            }
            throw e;
        }
        if (!o.stateless() && settings.sessionStore() == null && settings.provider() != null
                && settings.provider().sharedAcrossInstances()) {
            LOG.warn("MCP server '{}' shares its OAuth state with other instances, but its MCP sessions (protocol "
                    + "revisions of 2025, with Mcp-Session-Id) live on the instance that created them: route them "
                    + "by Mcp-Session-Id to one instance (sticky sessions), share them (sessions(s -> s.store(...))), "
                    + "or start it stateless. MCP 2026-07-28 has no sessions and needs none of this",
                    settings.name());
        }
        if (settings.taskStore() == null && settings.provider() != null
                && settings.provider().sharedAcrossInstances() && components.offersTasks()) {
            LOG.warn("MCP server '{}' shares its OAuth state with other instances, but the tasks of its tools live on "
                    + "the instance that created them: tasks/get, tasks/update and tasks/cancel reaching another "
                    + "instance find no task. Share them (tasks(t -> t.store(...)))", settings.name());
        }
        warnIfExposingExceptions(settings, components);
        if (o.testIdentities() != null) {
            LOG.warn("MCP server '{}' trusts test identities (trustTestIdentities): for tests only", settings.name());
        }
        if (!http.loopback()) {
            LOG.warn("MCP server '{}' listens on {}, beyond loopback: put authentication in front of it",
                    settings.name(), o.host());
        }
        ServerLog.announce(LOG, "MCP server '{}' listening at {}{}", settings.name(), http.urls().resource(),
                o.stateless() ? " (stateless)" : "");
        return new Running(sdk, http, null, null);
    }

    private static void warnIfExposingExceptions(Settings settings, Components components) {
        if (components.failures().exposesDetails()) {
            LOG.warn("MCP server '{}' sends the messages of unexpected exceptions to its clients "
                    + "(exposeExceptionDetailsInsecurely): they can reveal passwords, tokens, paths and other "
                    + "internals. Turn it off outside development", settings.name());
        }
    }

    /** The SDK server, told of every change to the components while the server runs. */
    public SdkServer sdk() {
        return sdk;
    }

    /** Whether the server runs over HTTP (and not stdio). */
    public boolean overHttp() {
        return http != null;
    }

    /** The HTTP port it listens on (the real one when started on port 0); only over HTTP. */
    public int port() {
        return http.port();
    }

    /** The public URL of the MCP endpoint; only over HTTP. */
    public String url() {
        return http.urls().resource();
    }

    /** Whether the server runs in memory. */
    public boolean inMemory() {
        return memory != null;
    }

    /** A new in-memory connection; only in memory. */
    public dev.fastmcp.InMemoryConnection connect(String bearerToken, java.util.function.Consumer<String> receiver) {
        return memory.connect(bearerToken, receiver);
    }

    /** Ends sessions and streams, then releases the port. */
    public void stop() {
        if (http != null) {
            http.stopping();
        }
        try {
            sdk.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the MCP sessions: {}", e.toString());
        }
        if (http != null) {
            http.stop();
        }
        if (stdio != null) {
            stdio.stop();
        }
        if (memory != null) {
            memory.stop();
        }
    }
}
