package dev.fastmcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Objects;

/**
 * A resource at a fixed URI. Its reader returns a {@code String} (text), a {@code byte[]} (binary), one of
 * the SDK's {@code ResourceContents}, a list of them, or a {@code ReadResourceResult}.
 *
 * <pre>{@code
 * Resource readme = Resource.builder("docs://readme", "readme")
 *     .mimeType("text/markdown")
 *     .read(ctx -> Files.readString(Path.of("README.md")))
 *     .build();
 * }</pre>
 */
public final class Resource {

    private final McpSchema.Resource definition;
    private final AccessCheck canAccess;
    private final Reader reader;

    private Resource(Builder b) {
        this.definition = McpSchema.Resource.builder(b.uri, b.name)
                .title(b.title())
                .description(b.description())
                .mimeType(b.mimeType)
                .build();
        this.canAccess = b.canAccess();
        this.reader = b.reader;
    }

    /** Starts a resource at {@code uri} named {@code name}. */
    public static Builder builder(String uri, String name) {
        return new Builder(uri, name);
    }

    /** The resource's URI. */
    public String uri() {
        return definition.uri();
    }

    /** The resource as MCP lists it. */
    public McpSchema.Resource definition() {
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

    /** Reads a fixed resource. */
    @FunctionalInterface
    public interface Reader {

        /** Returns the content (see {@link Resource} for the accepted types). */
        Object read(Context ctx) throws Exception;
    }

    /** Builds a {@link Resource}; {@code read} is required. */
    public static final class Builder extends ComponentBuilder<Builder> {
        private final String uri;
        private final String name;
        private String mimeType;
        private Reader reader;

        private Builder(String uri, String name) {
            this.uri = Objects.requireNonNull(uri, "uri == null");
            this.name = Objects.requireNonNull(name, "name == null");
        }

        /** The MIME type of the content. */
        public Builder mimeType(String mimeType) {
            this.mimeType = mimeType;
            return this;
        }

        /** The code that produces the content. */
        public Builder read(Reader reader) {
            this.reader = Objects.requireNonNull(reader, "reader == null");
            return this;
        }

        /** Validates and builds the resource. */
        public Resource build() {
            if (uri.isBlank() || !uri.contains(":")) {
                throw new IllegalArgumentException("Resource URI '" + uri + "' is not absolute; use a scheme, "
                        + "e.g. 'docs://readme'");
            }
            if (uri.contains("{")) {
                throw new IllegalArgumentException("Resource URI '" + uri + "' contains a template variable; "
                        + "use ResourceTemplate.builder for URI templates");
            }
            if (reader == null) {
                throw new IllegalStateException("Resource '" + uri + "' has no reader; call read(...)");
            }
            return new Resource(this);
        }
    }
}
