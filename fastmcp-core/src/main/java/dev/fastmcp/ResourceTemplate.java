package dev.fastmcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A family of resources addressed by an RFC 6570 URI template such as {@code users://{id}/profile}. The
 * reader receives the URI asked for and the values of its variables.
 *
 * <pre>{@code
 * ResourceTemplate profile = ResourceTemplate.builder("users://{id}/profile", "profile")
 *     .mimeType("application/json")
 *     .complete("id", (value, ctx) -> List.of("alice", "bob"))
 *     .read((uri, args, ctx) -> "{\"id\":\"" + args.get("id") + "\"}")
 *     .build();
 * }</pre>
 */
public final class ResourceTemplate {

    private final McpSchema.ResourceTemplate definition;
    private final AccessCheck canAccess;
    private final Reader reader;
    private final Map<String, Completer> completers;

    private ResourceTemplate(Builder b) {
        this.definition = McpSchema.ResourceTemplate.builder(b.uriTemplate, b.name)
                .title(b.title())
                .description(b.description())
                .mimeType(b.mimeType)
                .build();
        this.canAccess = b.canAccess();
        this.reader = b.reader;
        this.completers = Map.copyOf(b.completers);
    }

    /** Starts a template for {@code uriTemplate} named {@code name}. */
    public static Builder builder(String uriTemplate, String name) {
        return new Builder(uriTemplate, name);
    }

    /** The URI template. */
    public String uriTemplate() {
        return definition.uriTemplate();
    }

    /** The template as MCP lists it. */
    public McpSchema.ResourceTemplate definition() {
        return definition;
    }

    /** Who may see and read it; {@code null} means everyone. */
    public AccessCheck canAccess() {
        return canAccess;
    }

    /** The code that produces the content. */
    public Reader reader() {
        return reader;
    }

    /** The completers of the template's variables, by variable name; empty when none. */
    public Map<String, Completer> completers() {
        return completers;
    }

    /** Reads one resource of the template. */
    @FunctionalInterface
    public interface Reader {

        /** Returns the content for {@code uri}, whose template variables are in {@code arguments}. */
        Object read(String uri, Map<String, String> arguments, Context ctx) throws Exception;
    }

    /** Builds a {@link ResourceTemplate}; {@code read} is required. */
    public static final class Builder extends ComponentBuilder<Builder> {
        private final String uriTemplate;
        private final String name;
        private String mimeType;
        private Reader reader;
        private final Map<String, Completer> completers = new LinkedHashMap<>();

        private Builder(String uriTemplate, String name) {
            this.uriTemplate = Objects.requireNonNull(uriTemplate, "uriTemplate == null");
            this.name = Objects.requireNonNull(name, "name == null");
        }

        /** The MIME type of the content. */
        public Builder mimeType(String mimeType) {
            this.mimeType = mimeType;
            return this;
        }

        /** Suggests values for the template variable {@code variable}. */
        public Builder complete(String variable, Completer completer) {
            completers.put(Objects.requireNonNull(variable, "variable == null"),
                    Objects.requireNonNull(completer, "completer == null"));
            return this;
        }

        /** The code that produces the content. */
        public Builder read(Reader reader) {
            this.reader = Objects.requireNonNull(reader, "reader == null");
            return this;
        }

        /** Validates and builds the template. */
        public ResourceTemplate build() {
            if (!uriTemplate.contains("{") || !uriTemplate.contains("}")) {
                throw new IllegalArgumentException("Resource template '" + uriTemplate + "' has no {variable}; "
                        + "use Resource.builder for a fixed URI");
            }
            if (reader == null) {
                throw new IllegalStateException("Resource template '" + uriTemplate + "' has no reader; call read(...)");
            }
            for (String variable : completers.keySet()) {
                if (!uriTemplate.matches(".*\\{[+#./;?&]?" + java.util.regex.Pattern.quote(variable) + "[*]?}.*")) {
                    throw new IllegalArgumentException("Resource template '" + uriTemplate + "' has no variable '"
                            + variable + "' to complete");
                }
            }
            return new ResourceTemplate(this);
        }
    }
}
