package dev.fastmcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A prompt template the user can pick in the client. The renderer returns a {@code String} (one user
 * message), one content item (one user message), a list of {@code PromptMessage}s, or a
 * {@code GetPromptResult}.
 *
 * <pre>{@code
 * Prompt review = Prompt.builder("review")
 *     .description("Review a piece of code")
 *     .argument("code", "The code to review", true)
 *     .render((args, ctx) -> "Please review:\n" + args.get("code"))
 *     .build();
 * }</pre>
 */
public final class Prompt {

    private final McpSchema.Prompt definition;
    private final AccessCheck canAccess;
    private final Renderer renderer;
    private final Map<String, Completer> completers;

    private Prompt(Builder b) {
        this.definition = new McpSchema.Prompt(b.name, b.title(), b.description(), List.copyOf(b.arguments), null);
        this.canAccess = b.canAccess();
        this.renderer = b.renderer;
        this.completers = Map.copyOf(b.completers);
    }

    /** Starts a prompt named {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The prompt's name. */
    public String name() {
        return definition.name();
    }

    /** The prompt as MCP lists it. */
    public McpSchema.Prompt definition() {
        return definition;
    }

    /** Who may see and get it; {@code null} means everyone. */
    public AccessCheck canAccess() {
        return canAccess;
    }

    /** The code that renders the prompt. */
    public Renderer renderer() {
        return renderer;
    }

    /** The completers of the prompt's arguments, by argument name; empty when none. */
    public Map<String, Completer> completers() {
        return completers;
    }

    /** Renders the prompt's messages from its arguments. */
    @FunctionalInterface
    public interface Renderer {

        /** Returns the messages (see {@link Prompt} for the accepted types). */
        Object render(Map<String, String> arguments, Context ctx) throws Exception;
    }

    /** Builds a {@link Prompt}; {@code render} is required. */
    public static final class Builder extends ComponentBuilder<Builder> {
        private final String name;
        private final List<McpSchema.PromptArgument> arguments = new ArrayList<>();
        private final Map<String, Completer> completers = new LinkedHashMap<>();
        private Renderer renderer;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name == null");
        }

        /** Declares an argument; a required one must be given by the client. */
        public Builder argument(String name, String description, boolean required) {
            Objects.requireNonNull(name, "name == null");
            if (arguments.stream().anyMatch(a -> a.name().equals(name))) {
                throw new IllegalArgumentException("Prompt '" + this.name + "' already has an argument '" + name + "'");
            }
            arguments.add(new McpSchema.PromptArgument(name, null, description, required));
            return this;
        }

        /** Suggests values for the argument {@code argument}. */
        public Builder complete(String argument, Completer completer) {
            completers.put(Objects.requireNonNull(argument, "argument == null"),
                    Objects.requireNonNull(completer, "completer == null"));
            return this;
        }

        /** The code that renders the prompt. */
        public Builder render(Renderer renderer) {
            this.renderer = Objects.requireNonNull(renderer, "renderer == null");
            return this;
        }

        /** Validates and builds the prompt. */
        public Prompt build() {
            if (name.isBlank()) {
                throw new IllegalArgumentException("Prompt name must not be blank");
            }
            if (renderer == null) {
                throw new IllegalStateException("Prompt '" + name + "' has no renderer; call render(...)");
            }
            for (String argument : completers.keySet()) {
                if (arguments.stream().noneMatch(a -> a.name().equals(argument))) {
                    throw new IllegalArgumentException("Prompt '" + name + "' has no argument '" + argument
                            + "' to complete; declare it with argument(...) first");
                }
            }
            return new Prompt(this);
        }
    }
}
