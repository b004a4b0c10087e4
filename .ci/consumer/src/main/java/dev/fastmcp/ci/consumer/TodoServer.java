package dev.fastmcp.ci.consumer;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fastmcp.Context;
import dev.fastmcp.Description;
import dev.fastmcp.FastMCP;
import dev.fastmcp.UserError;
import dev.fastmcp.annotations.McpTool;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A to-do server as a user writes it from the docs: annotated tools, records in and out. */
public final class TodoServer {

    /** A to-do item; optional fields are left out of results when empty. */
    public record Todo(String id, String title, @JsonProperty("due_date") Optional<String> dueDate, Priority priority) {
    }

    /** Priorities, as the wire names them. */
    public enum Priority {
        @JsonProperty("low") LOW,
        @JsonProperty("high") HIGH
    }

    private final Map<String, Todo> todos = new ConcurrentHashMap<>();

    @McpTool(description = "Adds a to-do item")
    public Todo addTodo(@Description("What to do") String title, @Description("When, as a date") Optional<String> due,
            Priority priority, Context ctx) {
        Todo todo = new Todo("t" + (todos.size() + 1), title, due, priority);
        todos.put(todo.id(), todo);
        return todo;
    }

    @McpTool(description = "Lists the to-do items of a priority")
    public List<String> listTodos(Priority priority) {
        return todos.values().stream().filter(t -> t.priority() == priority).map(Todo::title).sorted().toList();
    }

    @McpTool(description = "Marks an item done")
    public String done(String id) {
        if (todos.remove(id) == null) {
            throw new UserError("No to-do item " + id);
        }
        return "done " + id;
    }

    /** The server, not started. */
    public static FastMCP create() {
        return FastMCP.builder("todo", "1.0.0").addTools(new TodoServer()).build();
    }

    public static void main(String[] args) {
        create().start();
    }
}
