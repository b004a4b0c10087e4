package dev.fastmcp.ci.consumer;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fastmcp.AuthSession;
import dev.fastmcp.Context;
import dev.fastmcp.Description;
import dev.fastmcp.FastMCP;
import dev.fastmcp.UserError;
import dev.fastmcp.annotations.McpTool;
import dev.fastmcp.annotations.RequireRole;
import dev.fastmcp.annotations.RequireScopes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A to-do server as a user writes it from the docs: annotated tools, records in and out, and callers known by an API
 * key. Anyone with the key reads the list; changing it needs the scope {@code todos:write}, and emptying it the role
 * {@code admin}.
 */
public final class TodoServer {

    /** A to-do item; optional fields are left out of results when empty. */
    public record Todo(String id, String title, @JsonProperty("due_date") Optional<String> dueDate, Priority priority) {
    }

    /** Priorities, as the wire names them. */
    public enum Priority {
        @JsonProperty("low") LOW,
        @JsonProperty("high") HIGH
    }

    /** What an import added: the ids of the new items, in order. */
    public record Imported(List<String> ids) {
    }

    private final Map<String, Todo> todos = new ConcurrentHashMap<>();
    private final AtomicInteger lastId = new AtomicInteger();

    @McpTool(description = "Adds a to-do item")
    @RequireScopes("todos:write")
    public Todo addTodo(@Description("What to do") String title, @Description("When, as a date") Optional<String> due,
            Priority priority, Context ctx) {
        Todo todo = add(title, due, priority);
        ctx.log().info("Added " + todo.id());
        return todo;
    }

    @McpTool(description = "Adds several to-do items of a priority, reporting each")
    @RequireScopes("todos:write")
    public Imported importTodos(@Description("The titles, one item each") List<String> titles, Priority priority,
            Context ctx) {
        List<String> ids = new ArrayList<>();
        for (String title : titles) {
            Todo todo = add(title, Optional.empty(), priority);
            ids.add(todo.id());
            ctx.log().info("Imported " + todo.id() + ": " + title);
            ctx.reportProgress(ids.size(), titles.size(), title);
        }
        return new Imported(ids);
    }

    @McpTool(description = "Lists the to-do items of a priority")
    public List<String> listTodos(Priority priority) {
        return todos.values().stream().filter(t -> t.priority() == priority).map(Todo::title).sorted().toList();
    }

    @McpTool(description = "Marks an item done")
    @RequireScopes("todos:write")
    public String done(String id) {
        if (todos.remove(id) == null) {
            throw new UserError("No to-do item " + id);
        }
        return "done " + id;
    }

    @McpTool(description = "Removes every to-do item")
    @RequireRole("admin")
    public String clearTodos() {
        int count = todos.size();
        todos.clear();
        return "cleared " + count;
    }

    private Todo add(String title, Optional<String> due, Priority priority) {
        Todo todo = new Todo("t" + lastId.incrementAndGet(), title, due, priority);
        todos.put(todo.id(), todo);
        return todo;
    }

    /** The server, not started: the holder of {@code apiKey} (header {@code x-api-key}) may do everything. */
    public static FastMCP create(String apiKey) {
        return FastMCP.builder("todo", "1.0.0")
                .authenticate(request -> apiKey.equals(request.header("x-api-key"))
                        ? AuthSession.of("owner", null, List.of("todos:write"), Map.of("role", "admin"), null)
                        : null)
                .addTools(new TodoServer())
                .build();
    }

    public static void main(String[] args) {
        String apiKey = System.getenv("TODO_API_KEY");
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalStateException("Set TODO_API_KEY to the key callers send in the x-api-key header");
        }
        create(apiKey).start();
    }
}
