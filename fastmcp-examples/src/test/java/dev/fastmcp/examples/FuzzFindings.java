package dev.fastmcp.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broken invariants of a campaign, grouped by kind (the invariant, and the JSON-RPC method or the path and
 * status): each group keeps the first case that broke it, as a reproducer, and how many did.
 */
final class FuzzFindings {

    private record Group(String violation, FuzzCase example, FuzzCase before, String response, String log,
            int[] count) {
    }

    private final String campaign;
    private final long seed;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private int cases;
    private int failedCases;
    private final List<String> warnings = new ArrayList<>();
    private boolean warnBoundReported;
    private FuzzCase previous;

    FuzzFindings(String campaign, long seed) {
        this.campaign = campaign;
        this.seed = seed;
    }

    /** Records the outcome of one case: the violations of its answer and of what it made the server log. */
    void record(FuzzCase c, FuzzHttp.Response r, List<String> violations, String log) {
        cases++;
        String request = c.rpcMethod() != null ? "method " + c.rpcMethod()
                : c.method() + " " + (c.path().startsWith("/.well-known/") ? "/.well-known/*" : c.path());
        String answer = r.outcome() == FuzzHttp.Outcome.ANSWERED ? String.valueOf(r.status()) : r.outcome().name();
        Map<String, String> found = new LinkedHashMap<>();
        for (String v : violations) {
            found.putIfAbsent(kind(v) + " | " + request + " | " + answer, v);
        }
        for (Map.Entry<String, String> v : FuzzLog.lineViolations(log)) {
            found.putIfAbsent(kind(v.getValue()) + " | " + v.getKey(), v.getValue());
        }
        List<String> warns = FuzzLog.warnings(log);
        warnings.addAll(warns);
        if (warnings.size() > FuzzCampaignTest.MAX_WARN_LINES && !warnBoundReported && !warns.isEmpty()) {
            warnBoundReported = true;
            found.put("log: WARN/ERROR lines | the whole campaign", "log: more than "
                    + FuzzCampaignTest.MAX_WARN_LINES + " WARN/ERROR lines in one campaign (clients choose what the "
                    + "server logs); the first ones:\n      " + String.join("\n      ", warnings.stream().limit(8)
                            .map(w -> FuzzCase.literal(w, 240)).toList()));
        }
        FuzzCase before = previous;
        previous = c;
        if (found.isEmpty()) {
            return;
        }
        failedCases++;
        for (Map.Entry<String, String> v : found.entrySet()) {
            Group g = groups.get(v.getKey());
            if (g == null) {
                groups.put(v.getKey(), new Group(v.getValue(), c, before, r.toString(), log, new int[] {1}));
            } else {
                g.count()[0]++;
            }
        }
    }

    private static String kind(String violation) {
        int colon = violation.indexOf(':');
        String kind = colon < 0 ? violation : violation.substring(0, colon);
        if (kind.equals("log")) {
            int second = violation.indexOf(':', colon + 1);
            kind = second < 0 ? violation : violation.substring(0, second);
        }
        return kind;
    }

    boolean isEmpty() {
        return groups.isEmpty();
    }

    int cases() {
        return cases;
    }

    int warningLines() {
        return warnings.size();
    }

    /** The assertion message: what broke, how often, and a reproducer for each kind. */
    String report() {
        StringBuilder s = new StringBuilder();
        s.append("Fuzz campaign '").append(campaign).append("' (seed ").append(seed).append("): ").append(failedCases)
                .append(" of ").append(cases).append(" cases broke invariants, in ").append(groups.size())
                .append(" kinds; WARN/ERROR lines logged: ").append(warnings.size()).append('\n');
        int shown = 0;
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            if (++shown > 40) {
                s.append("... and ").append(groups.size() - 40).append(" more kinds\n");
                break;
            }
            Group g = e.getValue();
            s.append("\n[").append(e.getKey()).append("] in ").append(g.count()[0]).append(" case(s)\n");
            s.append("  violated: ").append(g.violation()).append('\n');
            s.append(g.example().reproducer());
            s.append("  answer: ").append(g.response().replace("\n", "\n    ")).append('\n');
            if (!g.log().isBlank()) {
                s.append("  logged meanwhile: ").append(FuzzCase.literal(g.log(), 1200)).append('\n');
            }
            if (g.violation().startsWith("log:") && g.before() != null) {
                // Servers log asynchronously too: a line may come from the case just before.
                s.append("  (a log line may come from the case just before it: -Dfuzz.case=")
                        .append(g.before().number()).append(", ").append(g.before().method()).append(' ')
                        .append(FuzzCase.literal(g.before().target(), 80))
                        .append(g.before().rpcMethod() == null ? "" : " " + g.before().rpcMethod()).append(")\n");
            }
        }
        return s.toString();
    }
}
