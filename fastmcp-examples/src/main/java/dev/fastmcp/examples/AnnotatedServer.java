package dev.fastmcp.examples;

import dev.fastmcp.Context;
import dev.fastmcp.Description;
import dev.fastmcp.FastMCP;
import dev.fastmcp.UserError;
import dev.fastmcp.annotations.McpTool;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Tools written as annotated methods of a plain object, for developers used to Spring AI or Quarkus. */
public final class AnnotatedServer {

    private AnnotatedServer() {
    }

    /** A note as the tools return it. */
    public record Note(String id, String text, List<String> tags) {
    }

    /** The notes service: each annotated public method is a tool. */
    public static final class Notes {

        private final Map<String, Note> notes = new ConcurrentHashMap<>();

        @McpTool(description = "Adds a note and returns it")
        public Note addNote(@Description("The text of the note") String text,
                @Description("Tags to find it by") Optional<List<String>> tags, Context ctx) {
            Note note = new Note("n" + (notes.size() + 1), text, tags.orElse(List.of()));
            notes.put(note.id(), note);
            ctx.log().info("Added note " + note.id());
            return note;
        }

        @McpTool(description = "Finds the notes carrying a tag")
        public List<Note> findNotes(@Description("The tag") String tag) {
            return notes.values().stream().filter(n -> n.tags().contains(tag)).toList();
        }

        @McpTool(description = "Deletes a note")
        public String deleteNote(@Description("The note's id") String id) {
            if (notes.remove(id) == null) {
                throw new UserError("No note " + id);
            }
            return "deleted " + id;
        }
    }

    /** The server, not started. */
    static FastMCP create() {
        return FastMCP.builder("notes", "1.0.0")
                .addTools(new Notes())
                .build();
    }

    public static void main(String[] args) {
        create().start(); // http://127.0.0.1:8080/mcp
    }
}
