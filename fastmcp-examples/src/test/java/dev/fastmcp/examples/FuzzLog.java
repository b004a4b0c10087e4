package dev.fastmcp.examples;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LocationAwareLogger;

/**
 * The server log while a campaign runs, at the level a deployment logs by default (info) for the server's own
 * loggers and the libraries under it, and the invariants a client must not be able to break in it: no stack trace,
 * no line a client forged with CR/LF, no raw control character, and only a bounded number of WARN and ERROR lines.
 *
 * <p>slf4j-simple (the test backend) writes to {@code System.err}, looked up at each write, so replacing it
 * captures the output; it fixes a logger's level when the logger is created, so existing loggers get theirs
 * through reflection and new ones from the {@code org.slf4j.simpleLogger.log.<name>} properties. All is put back
 * on close.
 */
final class FuzzLog extends OutputStream implements AutoCloseable {

    private static final List<String> PREFIXES = List.of("dev.fastmcp", "io.modelcontextprotocol", "io.undertow",
            "org.xnio", "reactor", "org.jboss");
    private static final String PROPERTY = "org.slf4j.simpleLogger.log.";
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at [\\w$.<>/]+\\(.*\\)\\s*$"
            + "|^\\s*Caused by: |^\\s*Suppressed: |^\\s*\\.\\.\\. \\d+ more\\s*$"
            + "|^[a-z][\\w$]*(\\.[\\w$]+)+(Exception|Error)(: .*)?$");
    private static final Pattern HEADER = Pattern.compile("^\\[[^\\]]*\\] (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)");
    private static final Pattern WARN_OR_ERROR = Pattern.compile("^\\[[^\\]]*\\] (WARN|ERROR) ");

    private final Map<String, String> previousProperties = new HashMap<>();
    private final Map<Logger, Integer> previousLevels = new HashMap<>();
    private final PrintStream originalErr;
    private byte[] buffer = new byte[64 * 1024];
    private int size;

    FuzzLog() {
        for (String prefix : PREFIXES) {
            previousProperties.put(prefix, System.getProperty(PROPERTY + prefix));
            System.setProperty(PROPERTY + prefix, "info");
        }
        for (Map.Entry<String, Logger> e : loggers().entrySet()) {
            if (PREFIXES.stream().anyMatch(p -> e.getKey().equals(p) || e.getKey().startsWith(p + "."))) {
                previousLevels.put(e.getValue(), level(e.getValue()));
                setLevel(e.getValue(), LocationAwareLogger.INFO_INT);
            }
        }
        originalErr = System.err;
        System.setErr(new PrintStream(this, true, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        if (size + len > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + len));
        }
        System.arraycopy(b, off, buffer, size, len);
        size += len;
    }

    /** Where the log ends now. */
    synchronized int mark() {
        return size;
    }

    /** What was logged since {@code mark}. */
    synchronized String since(int mark) {
        return new String(buffer, mark, size - mark, StandardCharsets.UTF_8);
    }

    /**
     * The lines of {@code text} that break the per-line invariants: each violation with the log statement it comes
     * from (level, logger and the start of its message), so that one statement counts as one finding.
     */
    static List<Map.Entry<String, String>> lineViolations(String text) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        String statement = "(no log statement)";
        for (String line : text.split("\n", -1)) {
            var header = HEADER.matcher(line);
            if (header.find() && !line.startsWith(FuzzValues.FORGED_LINE)) {
                statement = header.group(1) + " " + header.group(2) + " - " + words(header.group(3));
            }
            if (line.startsWith(FuzzValues.FORGED_LINE) || line.contains("\r" + FuzzValues.FORGED_LINE)) {
                out.add(Map.entry(statement, "log: a line forged by the client through a raw CR/LF: "
                        + FuzzCase.literal(line, 300)));
            } else if (STACK_FRAME.matcher(line).find()) {
                out.add(Map.entry(statement, "log: a stack trace from request input: " + FuzzCase.literal(line, 300)));
            } else if (hasControl(line)) {
                out.add(Map.entry(statement, "log: a raw control character from the request: "
                        + FuzzCase.literal(line, 300)));
            }
        }
        return out;
    }

    /** The first words of a log message, without the numbers and ids that vary from one request to the next. */
    private static String words(String message) {
        String[] w = message.split(" ", 4);
        return String.join(" ", Arrays.copyOf(w, Math.min(w.length, 3))).replaceAll("[0-9a-f-]{8,}|\\d+", "#")
                .replaceAll("[\\p{Cntrl}\u0085\u2028\u2029].*", "...");
    }

    /** The WARN and ERROR lines of {@code text}. */
    static List<String> warnings(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (WARN_OR_ERROR.matcher(line).find()) {
                out.add(line);
            }
        }
        return out;
    }

    private static boolean hasControl(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(originalErr);
        previousProperties.forEach((prefix, value) -> {
            if (value == null) {
                System.clearProperty(PROPERTY + prefix);
            } else {
                System.setProperty(PROPERTY + prefix, value);
            }
        });
        previousLevels.forEach(FuzzLog::setLevel);
        // Loggers created meanwhile took info: give them the tests' default (warn), as if created now.
        for (Map.Entry<String, Logger> e : loggers().entrySet()) {
            if (!previousLevels.containsKey(e.getValue())
                    && PREFIXES.stream().anyMatch(p -> e.getKey().equals(p) || e.getKey().startsWith(p + "."))) {
                setLevel(e.getValue(), LocationAwareLogger.WARN_INT);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Logger> loggers() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        try {
            Field map = factory.getClass().getDeclaredField("loggerMap");
            map.setAccessible(true);
            return Map.copyOf((Map<String, Logger>) map.get(factory));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("FuzzLog needs slf4j-simple as the test backend, found "
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
}
