package dev.fastmcp;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LocationAwareLogger;

/**
 * Captures everything slf4j-simple (the test backend) writes while open, with the given logger name prefixes
 * turned up to debug, and puts everything back on close.
 *
 * <p>slf4j-simple fixes a logger's level when the logger is created and has no API to change it, and other tests
 * in the same JVM may have created the loggers already; so the levels of existing loggers are set through
 * reflection, and those created meanwhile get theirs from the {@code org.slf4j.simpleLogger.log.<name>} system
 * properties, which it reads at creation. Its default target, {@code System.err}, is looked up at each write,
 * so replacing {@code System.err} captures the output. Other tests' log levels are untouched. What reaches
 * {@code java.util.logging} (where Undertow may log, depending on which backend JBoss Logging picked first) is
 * captured too.
 *
 * <p>Shared with the other modules' tests through this module's test jar.
 */
public final class LogCapture implements AutoCloseable {

    private static final String PROPERTY = "org.slf4j.simpleLogger.log.";

    private final List<String> prefixes;
    private final Map<String, String> previousProperties = new HashMap<>();
    private final Map<Logger, Integer> previousLevels = new HashMap<>();
    private final Set<String> existing;
    private final PrintStream originalErr;
    private final Buffer buffer = new Buffer();
    private final PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    private final Handler julHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            capture.println(record.getLevel() + " " + record.getLoggerName() + " " + record.getMessage());
            if (record.getThrown() != null) {
                record.getThrown().printStackTrace(capture);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Starts capturing, with loggers under {@code prefixes} at debug. */
    public LogCapture(String... prefixes) {
        this("debug", LocationAwareLogger.DEBUG_INT, prefixes);
    }

    /** Starts capturing, with loggers under {@code prefixes} at info: what a deployment logs by default. */
    public static LogCapture atInfo(String... prefixes) {
        return new LogCapture("info", LocationAwareLogger.INFO_INT, prefixes);
    }

    private LogCapture(String levelName, int level, String... prefixes) {
        this.prefixes = List.of(prefixes);
        Map<String, Logger> loggers = loggers();
        this.existing = Set.copyOf(loggers.keySet());
        for (String prefix : this.prefixes) {
            previousProperties.put(prefix, System.getProperty(PROPERTY + prefix));
            System.setProperty(PROPERTY + prefix, levelName);
        }
        for (Map.Entry<String, Logger> e : loggers.entrySet()) {
            if (matches(e.getKey())) {
                previousLevels.put(e.getValue(), level(e.getValue()));
                setLevel(e.getValue(), level);
            }
        }
        java.util.logging.Logger.getLogger("").getHandlers(); // its console handler, if not yet made, takes the real System.err
        originalErr = System.err;
        System.setErr(capture);
        java.util.logging.Logger.getLogger("").addHandler(julHandler);
    }

    /** Everything written so far. */
    public String text() {
        return since(0);
    }

    /** Where the captured text ends now, for {@link #since}. */
    public int mark() {
        System.err.flush();
        synchronized (buffer) {
            return buffer.size();
        }
    }

    /** What was written since {@code mark}, without copying what came before. */
    public String since(int mark) {
        System.err.flush();
        synchronized (buffer) {
            return buffer.since(mark);
        }
    }

    @Override
    public void close() {
        java.util.logging.Logger.getLogger("").removeHandler(julHandler);
        System.setErr(originalErr);
        previousProperties.forEach((prefix, value) -> {
            if (value == null) {
                System.clearProperty(PROPERTY + prefix);
            } else {
                System.setProperty(PROPERTY + prefix, value);
            }
        });
        previousLevels.forEach(LogCapture::setLevel);
        // Loggers created while capturing took the capture's level: give them the one they would have had.
        for (Map.Entry<String, Logger> e : loggers().entrySet()) {
            if (!existing.contains(e.getKey()) && matches(e.getKey())) {
                setLevel(e.getValue(), level(fresh(e.getKey())));
            }
        }
    }

    private boolean matches(String name) {
        return prefixes.stream().anyMatch(p -> name.equals(p) || name.startsWith(p + "."));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Logger> loggers() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        try {
            Field map = factory.getClass().getDeclaredField("loggerMap");
            map.setAccessible(true);
            return Map.copyOf((Map<String, Logger>) map.get(factory));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("LogCapture needs slf4j-simple as the test backend, found "
                    + factory.getClass().getName(), e);
        }
    }

    private static Field levelField(Logger logger) throws NoSuchFieldException {
        for (Class<?> c = logger.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("currentLogLevel");
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        throw new NoSuchFieldException("currentLogLevel in " + logger.getClass().getName());
    }

    private static int level(Logger logger) {
        try {
            return levelField(logger).getInt(logger);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the level of " + logger.getName(), e);
        }
    }

    private static void setLevel(Logger logger, int level) {
        try {
            levelField(logger).setInt(logger, level);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set the level of " + logger.getName(), e);
        }
    }

    /** A new logger of the backend's class for {@code name}, configured as the backend would configure it now. */
    private static Logger fresh(String name) {
        try {
            Class<?> type = Class.forName("org.slf4j.simple.SimpleLogger");
            Constructor<?> c = type.getDeclaredConstructor(String.class);
            c.setAccessible(true);
            return (Logger) c.newInstance(name);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a slf4j-simple logger", e);
        }
    }

    /** The capture's bytes, readable from any offset. */
    private static final class Buffer extends ByteArrayOutputStream {

        String since(int mark) {
            return new String(buf, mark, count - mark, StandardCharsets.UTF_8);
        }
    }
}
