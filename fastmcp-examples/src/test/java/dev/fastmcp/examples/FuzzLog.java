package dev.fastmcp.examples;

import dev.fastmcp.LogCapture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The server log while a campaign runs, at the level a deployment logs by default (info) for the server's own
 * loggers and the libraries under it, and the invariants a client must not be able to break in it: no stack trace,
 * no line a client forged with CR/LF, no raw control character, and only a bounded number of WARN and ERROR lines.
 */
final class FuzzLog {

    private static final String[] PREFIXES = {"dev.fastmcp", "io.modelcontextprotocol", "io.undertow", "org.xnio",
            "reactor", "org.jboss"};
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at [\\w$.<>/]+\\(.*\\)\\s*$"
            + "|^\\s*Caused by: |^\\s*Suppressed: |^\\s*\\.\\.\\. \\d+ more\\s*$"
            + "|^[a-z][\\w$]*(\\.[\\w$]+)+(Exception|Error)(: .*)?$");
    private static final Pattern HEADER = Pattern.compile("^\\[[^\\]]*\\] (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)");
    private static final Pattern WARN_OR_ERROR = Pattern.compile("^\\[[^\\]]*\\] (WARN|ERROR) ");

    private FuzzLog() {
    }

    /** Captures the server log at info until closed. */
    static LogCapture capture() {
        return LogCapture.atInfo(PREFIXES);
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
}
