package dev.fastmcp.server;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * A typed result of MCP 2026-07-28 as it is sent: {@code resultType}, the fields of the SDK's result record written
 * straight from it (its own {@code _meta} replaced by {@code meta}), then the caching fields when set, {@code _meta}
 * last. Converting the record to a map first, to add these, made a {@code tools/call} reply take about 1.6 times as
 * long to produce.
 *
 * @param ttlMs      how long the result may be cached, or null when it may not
 * @param cacheScope who may reuse it ({@code private} or {@code public}), or null when it may not be cached
 * @param meta       the result's {@code _meta} with the server's name added
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"resultType", "result", "ttlMs", "cacheScope", "_meta"})
record CompletedResult(@JsonProperty("resultType") String resultType,
        @JsonUnwrapped @JsonIgnoreProperties({"resultType", "_meta"}) McpSchema.Result result, Long ttlMs,
        String cacheScope, @JsonProperty("_meta") Map<String, Object> meta) {

    /** Whether {@code result} can be written this way: an SDK record, which Jackson writes field by field. */
    static boolean fits(Object result) {
        return result instanceof McpSchema.Result && result.getClass().isRecord();
    }
}
