package dev.fastmcp;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what is logged while open, at the levels the test resources set: what slf4j-simple writes (it looks
 * {@code System.err} up at each write, so replacing it captures the output), and what reaches
 * {@code java.util.logging} (where Undertow may log, depending on which backend JBoss Logging picked first).
 */
final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
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

    LogCapture() {
        Logger.getLogger("").getHandlers(); // its console handler, if not yet made, takes the real System.err
        System.setErr(capture);
        Logger.getLogger("").addHandler(julHandler);
    }

    /** Everything written so far. */
    String text() {
        System.err.flush();
        synchronized (buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(julHandler);
        System.setErr(original);
    }
}
