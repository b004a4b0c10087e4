package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server whose OAuth state is shared with other instances, but not its tasks, says so at start: requests about a
 * task reaching another instance would find none.
 */
@Timeout(30)
class TasksAcrossInstancesWarningTest {

    private static final String WARNING = "the tasks of its tools live on the instance that created them";

    /** An auth provider whose state other instances share, as one on Redis or a shared directory. */
    private static final AuthProvider SHARED = new AuthProvider() {
        @Override
        public TokenVerifier tokenVerifier() {
            return token -> TokenVerification.invalid("no tokens here");
        }

        @Override
        public List<String> authorizationServers() {
            return List.of("https://as.example.com");
        }

        @Override
        public boolean sharedAcrossInstances() {
            return true;
        }
    };

    private static String startLog(FastMCP.Builder builder) {
        try (LogCapture log = LogCapture.atInfo("dev.fastmcp");
                FastMCP server = builder.build().start(StartOptions.http().port(0).stateless(true))) {
            return log.text();
        }
    }

    private static Tool reportTool(TaskSupport support) {
        return Tool.builder("report").taskSupport(support).execute((args, ctx) -> "done").build();
    }

    @Test
    void taskToolsWithoutASharedStoreAreNamedAtStart() {
        String log = startLog(FastMCP.builder("reports", "1.0.0").auth(SHARED)
                .addTool(reportTool(TaskSupport.OPTIONAL)));
        assertTrue(log.contains(WARNING), log);
        assertTrue(log.contains("tasks(t -> t.store(...))"), "the warning names the fix: " + log);
    }

    @Test
    void noWarningWithASharedStoreOrWithoutTaskTools() {
        TaskStore store = new TaskStore() {
            @Override
            public boolean add(StoredTask task, int ownerLimit) {
                return true;
            }

            @Override
            public StoredTask find(String id) {
                return null;
            }

            @Override
            public boolean replace(StoredTask expected, StoredTask next) {
                return false;
            }

            @Override
            public void delete(String id) {
            }

            @Override
            public void changed(String notice) {
            }

            @Override
            public void onChanged(java.util.function.Consumer<String> receiver) {
            }
        };
        assertFalse(startLog(FastMCP.builder("reports", "1.0.0").auth(SHARED).tasks(t -> t.store(store))
                .addTool(reportTool(TaskSupport.OPTIONAL))).contains(WARNING));
        assertFalse(startLog(FastMCP.builder("reports", "1.0.0").auth(SHARED)
                .addTool(reportTool(TaskSupport.FORBIDDEN))).contains(WARNING));
    }
}
