package dev.fastmcp;

import dev.fastmcp.server.Json;
import dev.fastmcp.server.ParamHeaders;
import dev.fastmcp.server.RecordSchemas;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tool the model can call: a name, a description, its parameters and the code that runs.
 *
 * <pre>{@code
 * record AddArgs(double a, double b) {}
 *
 * Tool add = Tool.builder("add")
 *     .description("Adds two numbers")
 *     .parameters(AddArgs.class)
 *     .execute((args, ctx) -> String.valueOf(args.a() + args.b()))
 *     .build();
 * }</pre>
 */
public final class Tool {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");
    private static final Map<String, Object> NO_PARAMETERS = Map.of("type", "object", "properties", Map.of());

    /** How long a task of a tool is kept, result included, unless the tool says otherwise: an hour. */
    public static final Duration DEFAULT_TASK_TTL = Duration.ofHours(1);

    private final McpSchema.Tool definition;
    private final AccessCheck canAccess;
    private final Duration timeout;
    private final Class<?> argumentType;
    private final ToolHandler<?> handler;
    private final boolean hiddenWhenScopesMissing;
    private final Set<String> requiredClientCapabilities;
    private final TaskSupport taskSupport;
    private final Duration taskTtl;
    private final boolean taskStartsInHandler;

    private Tool(Builder<?> b, Map<String, Object> inputSchema) {
        this.definition = McpSchema.Tool.builder(b.name, inputSchema)
                .title(b.title())
                .description(b.description())
                .outputSchema(b.outputSchema)
                .annotations(b.annotations)
                .meta(b.meta)
                .build();
        this.canAccess = b.canAccess();
        this.timeout = b.timeout;
        this.argumentType = b.argumentType;
        this.handler = b.handler;
        this.hiddenWhenScopesMissing = b.hiddenWhenScopesMissing;
        this.requiredClientCapabilities = Set.copyOf(b.requiredClientCapabilities);
        this.taskSupport = b.taskSupport;
        this.taskTtl = b.taskTtl == null ? DEFAULT_TASK_TTL : b.taskTtl;
        this.taskStartsInHandler = b.taskStartsInHandler;
    }

    /** Starts a tool named {@code name}: letters, digits, {@code _ - .}, at most 128 characters. */
    public static Builder<Map<String, Object>> builder(String name) {
        return new Builder<>(name);
    }

    /** The tool's name. */
    public String name() {
        return definition.name();
    }

    /** The tool as MCP lists it. */
    public McpSchema.Tool definition() {
        return definition;
    }

    /** Who may see and call the tool; {@code null} means everyone. */
    public AccessCheck canAccess() {
        return canAccess;
    }

    /** The time the tool may run before the call fails, or {@code null} for no limit. */
    public Duration timeout() {
        return timeout;
    }

    /** Whether the tool is left out of the list for callers who lack its scopes (see {@link Builder#hideWhenScopesMissing}). */
    public boolean hiddenWhenScopesMissing() {
        return hiddenWhenScopesMissing;
    }

    /** The client capabilities the tool cannot run without (see {@link Builder#requireClientCapabilities}). */
    public Set<String> requiredClientCapabilities() {
        return requiredClientCapabilities;
    }

    /** Whether a call may run as a task of the tasks extension (see {@link Builder#taskSupport}). */
    public TaskSupport taskSupport() {
        return taskSupport;
    }

    /** How long a task of this tool is kept from its creation, result included (see {@link Builder#taskTtl}). */
    public Duration taskTtl() {
        return taskTtl;
    }

    /** Whether a task starts where the handler says so (see {@link Builder#startTaskInHandler}). */
    public boolean taskStartsInHandler() {
        return taskStartsInHandler;
    }

    /** The parameter record the arguments are bound to; {@code null} when the code receives a {@code Map}. */
    public Class<?> argumentType() {
        return argumentType;
    }

    /** The code of the tool: it receives the arguments bound to {@link #argumentType()}, or as a {@code Map}. */
    public ToolHandler<?> handler() {
        return handler;
    }

    /**
     * Builds a {@link Tool}. {@code execute} is required; the parameters default to an empty object.
     *
     * @param <A> the argument type passed to {@code execute}
     */
    public static final class Builder<A> extends ComponentBuilder<Builder<A>> {
        private final String name;
        private Map<String, Object> inputSchema = NO_PARAMETERS;
        private Class<?> argumentType;
        private Map<String, Object> outputSchema;
        private McpSchema.ToolAnnotations annotations;
        private Map<String, Object> meta;
        private Duration timeout;
        private ToolHandler<?> handler;
        private boolean hiddenWhenScopesMissing;
        private final Map<String, String> paramHeaders = new LinkedHashMap<>();
        private final Set<String> requiredClientCapabilities = new LinkedHashSet<>();
        private TaskSupport taskSupport = TaskSupport.FORBIDDEN;
        private Duration taskTtl;
        private boolean taskStartsInHandler;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name == null");
        }

        /** The parameters as a JSON Schema object; {@code execute} receives the arguments as a {@code Map}. */
        @SuppressWarnings("unchecked")
        public Builder<Map<String, Object>> parameters(Map<String, Object> jsonSchema) {
            this.inputSchema = Map.copyOf(Objects.requireNonNull(jsonSchema, "jsonSchema == null"));
            this.argumentType = null;
            this.handler = null;
            return (Builder<Map<String, Object>>) this;
        }

        /** The parameters as JSON Schema text; {@code execute} receives the arguments as a {@code Map}. */
        public Builder<Map<String, Object>> parameters(String jsonSchema) {
            return parameters(Json.parseObject(Objects.requireNonNull(jsonSchema, "jsonSchema == null"),
                    "parameters of tool '" + name + "'"));
        }

        /**
         * The parameters as a record: the JSON Schema is derived from its components (required unless
         * {@code Optional} or {@code @Nullable}), and {@code execute} receives the bound record.
         */
        @SuppressWarnings("unchecked")
        public <T extends Record> Builder<T> parameters(Class<T> recordType) {
            this.inputSchema = RecordSchemas.schemaFor(Objects.requireNonNull(recordType, "recordType == null"));
            this.argumentType = recordType;
            this.handler = null;
            return (Builder<T>) this;
        }

        /** The JSON Schema of the structured result; results are validated against it. */
        public Builder<A> outputSchema(Map<String, Object> jsonSchema) {
            this.outputSchema = Map.copyOf(Objects.requireNonNull(jsonSchema, "jsonSchema == null"));
            return this;
        }

        /** The structured result as a record: the output schema is derived from it. */
        public Builder<A> outputType(Class<? extends Record> recordType) {
            this.outputSchema = RecordSchemas.schemaFor(Objects.requireNonNull(recordType, "recordType == null"));
            return this;
        }

        /** Hints for clients: read-only, destructive, idempotent, open-world. */
        public Builder<A> annotations(McpSchema.ToolAnnotations annotations) {
            this.annotations = annotations;
            return this;
        }

        /** Free-form {@code _meta} for the tool's listing. */
        public Builder<A> meta(Map<String, Object> meta) {
            this.meta = meta == null ? null : Map.copyOf(meta);
            return this;
        }

        /**
         * Hides the tool from callers whose token lacks its scopes. By default such a tool stays listed, and
         * calling it answers HTTP 403 {@code insufficient_scope} so the client can ask the user for more scopes.
         */
        public Builder<A> hideWhenScopesMissing() {
            this.hiddenWhenScopesMissing = true;
            return this;
        }

        /**
         * Asks clients of MCP 2026-07-28 to send the top-level {@code parameter} also in the HTTP header
         * {@code Mcp-Param-{header}}, so that gateways and load balancers can route on it without reading the
         * body; the input schema marks the parameter with {@code x-mcp-header}. The server refuses a request whose
         * header is missing or differs from the argument. Only for string, integer and boolean parameters, with
         * header names unique ignoring case; leave sensitive values out of headers. Applies to the parameters as
         * set when the tool is built, whether given as a record or as a schema.
         */
        public Builder<A> paramHeader(String parameter, String header) {
            paramHeaders.put(Objects.requireNonNull(parameter, "parameter == null"),
                    Objects.requireNonNull(header, "header == null"));
            return this;
        }

        /**
         * Client capabilities the tool cannot run without, such as {@code "sampling"} or {@code "elicitation"}. A
         * request of MCP 2026-07-28 that does not declare them is refused before the tool runs (HTTP 400, error
         * -32021 naming them). Clients of earlier revisions declare their capabilities once per session; there the
         * tool runs and can check {@link Context#clientCapabilities()}.
         */
        public Builder<A> requireClientCapabilities(String... capabilities) {
            for (String c : capabilities) {
                if (c == null || c.isBlank()) {
                    throw new IllegalArgumentException("Tool '" + name + "': a required client capability must be "
                            + "a name such as \"sampling\", was " + (c == null ? "null" : "blank"));
                }
                requiredClientCapabilities.add(c);
            }
            return this;
        }

        /**
         * Lets a call run as a task of the MCP tasks extension: a client of MCP 2026-07-28 that declares
         * {@code io.modelcontextprotocol/tasks} gets a task handle at once, before the handler runs, and polls for
         * the result ({@code tasks/get}); the handler then runs on the tool executor as for any call. Questions it
         * asks ({@link Context#elicit}, {@link Context#sample}, {@link Context#listRoots}, {@link Context#inputs})
         * reach the client through the task, and the handler runs again from the start once they are answered, as
         * with input-required results. {@code tasks/cancel} interrupts it. Each task belongs to the caller that
         * created it; only that caller, still allowed by {@code canAccess}, can see or change it. Log messages and
         * progress notifications do not go out from a task; a progress message becomes the task's status message.
         */
        public Builder<A> taskSupport(TaskSupport support) {
            this.taskSupport = Objects.requireNonNull(support, "support == null");
            return this;
        }

        /**
         * How long a task of this tool is kept from its creation, its result included ({@link #DEFAULT_TASK_TTL}
         * by default): afterwards it is gone (a task still running is interrupted), and asking for it answers as
         * for an unknown task.
         */
        public Builder<A> taskTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl == null; leave it unset for the default of an hour");
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("The task TTL of tool '" + name + "' must be positive, was " + ttl);
            }
            this.taskTtl = ttl;
            return this;
        }

        /**
         * Starts the task where the handler calls {@link Context#runAsTask()} instead of before it runs: what the
         * handler asks before is answered on the request itself (with input-required results), so a client can be
         * asked to confirm before the task exists. A handler that never calls it answers with its result.
         */
        public Builder<A> startTaskInHandler() {
            this.taskStartsInHandler = true;
            return this;
        }

        /**
         * Fails the call with a clear message when the tool runs longer than {@code timeout}, and interrupts it.
         * By default a tool may run as long as it likes.
         */
        public Builder<A> timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout == null; leave it unset for no limit");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("The timeout of tool '" + name + "' must be positive, was "
                        + timeout + "; leave it unset for no limit");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * The timeout in milliseconds.
         *
         * @deprecated use {@link #timeout(Duration)}, for example {@code timeout(Duration.ofSeconds(30))}
         */
        @Deprecated
        public Builder<A> timeoutMs(long millis) {
            return timeout(Duration.ofMillis(millis));
        }

        /** The code of the tool. */
        public Builder<A> execute(ToolHandler<A> handler) {
            this.handler = Objects.requireNonNull(handler, "handler == null");
            return this;
        }

        /** Validates and builds the tool. */
        public Tool build() {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Tool name '" + name
                        + "' is invalid: use 1 to 128 letters, digits, '_', '-' or '.'");
            }
            if (handler == null) {
                throw new IllegalStateException("Tool '" + name + "' has no execute handler; call execute(...) "
                        + "after parameters(...)");
            }
            if (!"object".equals(inputSchema.get("type"))) {
                throw new IllegalArgumentException("Tool '" + name + "' parameters must be a JSON Schema of "
                        + "type \"object\", was: " + inputSchema.get("type"));
            }
            // The SDK checks schemas against the JSON Schema 2020-12 meta-schema only when it registers the
            // tool; checking here fails at build time and keeps a running server from half-registering it.
            Json.SCHEMAS.assertConforms("Tool '" + name + "' parameters", inputSchema);
            if (outputSchema != null) {
                Json.SCHEMAS.assertConforms("Tool '" + name + "' output schema", outputSchema);
            }
            if (taskSupport == TaskSupport.FORBIDDEN && (taskTtl != null || taskStartsInHandler)) {
                throw new IllegalStateException("Tool '" + name + "' sets " + (taskTtl != null ? "taskTtl"
                        : "startTaskInHandler") + " but cannot run as a task; add taskSupport(TaskSupport.OPTIONAL) "
                        + "or taskSupport(TaskSupport.REQUIRED)");
            }
            Map<String, Object> schema = ParamHeaders.annotate(name, inputSchema, paramHeaders);
            ParamHeaders.validate(name, schema);
            return new Tool(this, schema);
        }
    }
}
