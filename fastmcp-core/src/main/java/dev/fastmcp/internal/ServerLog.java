package dev.fastmcp.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Where the server's own log goes. Undertow and XNIO log through JBoss Logging, which picks its backend once, when
 * the first of their classes is initialized, and picks {@code java.util.logging} over SLF4J unless Logback is
 * present: so it is told to use SLF4J before any of them is initialized (unless the developer chose otherwise with
 * {@code org.jboss.logging.provider}), and the whole log has one format. Without an SLF4J backend on the class path
 * SLF4J drops every line; the line saying where the server listens is then printed on standard error, so that a
 * server never starts in silence. Core's HTTP server and the development identity provider, which runs an Undertow of
 * its own, both start through here.
 */
public final class ServerLog {

    private static final String JBOSS_LOGGING_PROVIDER = "org.jboss.logging.provider";

    private ServerLog() {
    }

    /**
     * Sends the log of Undertow and XNIO to SLF4J, unless {@code org.jboss.logging.provider} is set. Called before
     * anything loads their classes; later calls change nothing.
     */
    public static void undertowThroughSlf4j() {
        if (System.getProperty(JBOSS_LOGGING_PROVIDER) == null) {
            System.setProperty(JBOSS_LOGGING_PROVIDER, "slf4j");
        }
    }

    /** Whether SLF4J drops every line: no backend on the class path (or {@code slf4j-nop}). */
    public static boolean slf4jDropsEverything() {
        return LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory;
    }

    /**
     * Logs {@code message} (an SLF4J pattern) at info, and prints it on standard error as well when SLF4J has no
     * backend, with how to get the rest of the log.
     */
    public static void announce(Logger log, String message, Object... args) {
        log.info(message, args);
        if (slf4jDropsEverything()) {
            System.err.println(org.slf4j.helpers.MessageFormatter.arrayFormat(message, args).getMessage()
                    + " (no SLF4J backend on the class path, so this is all the server logs: add slf4j-simple or "
                    + "logback-classic to see its warnings)");
        }
    }
}
