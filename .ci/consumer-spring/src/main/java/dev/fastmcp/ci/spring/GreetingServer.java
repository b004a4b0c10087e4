package dev.fastmcp.ci.spring;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fastmcp.Description;
import dev.fastmcp.FastMCP;
import dev.fastmcp.annotations.McpTool;

/** A server with one tool that takes a record, in a project whose Jackson 2 versions are Spring Boot's. */
public final class GreetingServer {

    /** Who to greet. */
    public record Person(@Description("Their name") String name, @JsonProperty("first_visit") boolean firstVisit) {
    }

    /** The greeting. */
    public record Greeting(String text) {
    }

    @McpTool(description = "Greets a person")
    public Greeting greet(Person person) {
        return new Greeting((person.firstVisit() ? "Welcome, " : "Welcome back, ") + person.name());
    }

    /** The server, not started. */
    public static FastMCP create() {
        return FastMCP.builder("greeting", "1.0.0").addTools(new GreetingServer()).build();
    }

    public static void main(String[] args) {
        create().start();
    }
}
