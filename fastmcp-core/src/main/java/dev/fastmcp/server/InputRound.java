package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers one request of MCP 2026-07-28 brings to the questions of its call: those of earlier rounds, sealed
 * in its {@code requestState}, and this round's {@code inputResponses}. A question neither holds ends the call with
 * an "input required" result whose new state seals every answer given so far, so that each round sees all earlier
 * ones. Earlier answers are the sealed ones: a client cannot change them by sending the key again.
 */
final class InputRound {

    private final RequestStateCodec codec;
    private final Binding binding;
    private final Map<String, Object> earlier;
    private final Map<String, Object> responses;
    private final Map<String, Object> given = new LinkedHashMap<>();

    /** What a state is bound to; the digest of the params is computed only when a state is opened or sealed. */
    private record Binding(RequestStateCodec.Principal principal, String method, String name,
            Map<String, Object> params) {

        byte[] digest() {
            return RequestStateCodec.paramsDigest(params);
        }
    }

    private InputRound(RequestStateCodec codec, Binding binding, Map<String, Object> earlier,
            Map<String, Object> responses) {
        this.codec = codec;
        this.binding = binding;
        this.earlier = earlier;
        this.responses = responses;
    }

    /**
     * The round of {@code request}, by {@code principal}.
     *
     * @throws ClientRequestError -32602 for {@code inputResponses} that are not an object, or a
     *                            {@code requestState} this server did not issue for this principal and request,
     *                            altered or expired (never quoting it)
     */
    static InputRound open(RequestStateCodec codec, ModernRequest request, RequestStateCodec.Principal principal) {
        Map<String, Object> params = request.params();
        Object name = McpSchema.METHOD_RESOURCES_READ.equals(request.method()) ? params.get("uri")
                : params.get("name");
        Binding binding = new Binding(principal, request.method(), name instanceof String s ? s : null, params);
        Object responses = params.get("inputResponses");
        if (responses != null && !(responses instanceof Map)) {
            throw invalid("inputResponses must be an object keyed by the input requests' keys");
        }
        Map<String, Object> earlier = Map.of();
        Object state = params.get("requestState");
        if (state != null) {
            if (!(state instanceof String sealed)) {
                throw invalid("requestState must be the string the server sent");
            }
            RequestStateCodec.Opened opened = codec.open(sealed, principal, binding.method(), binding.name(),
                    binding.digest());
            if (opened instanceof RequestStateCodec.Refused refused) {
                throw invalid("requestState is refused: " + refused.reason());
            }
            earlier = answers(((RequestStateCodec.Accepted) opened).payload());
        }
        return new InputRound(codec, binding, earlier, responses == null ? Map.of() : stringKeys((Map<?, ?>) responses));
    }

    /**
     * The answers to {@code questions}, by key, each as its type.
     *
     * @throws InputRequired      when the request does not answer them all: the questions it does not answer
     * @throws ClientRequestError -32602 for an answer of the wrong shape
     */
    Map<String, Object> answer(List<InputRequest> questions) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> missing = new LinkedHashMap<>();
        for (InputRequest question : questions) {
            boolean sealed = earlier.containsKey(question.key());
            Object raw = sealed ? earlier.get(question.key()) : responses.get(question.key());
            if (raw == null) {
                missing.put(question.key(), question.wire());
                continue;
            }
            try {
                out.put(question.key(), question.decode(raw));
            } catch (IllegalArgumentException e) {
                throw invalid("inputResponses." + LogValues.safe(question.key()) + " does not answer "
                        + question.method() + ": " + e.getMessage());
            }
            given.put(question.key(), raw);
        }
        if (!missing.isEmpty()) {
            Map<String, Object> all = answered();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("resultType", "input_required");
            result.put("inputRequests", missing);
            result.put("requestState", codec.seal(binding.principal(), binding.method(), binding.name(),
                    binding.digest(), Json.bytes(all)));
            throw new InputRequired(result);
        }
        return out;
    }

    /** Every answer the call has used so far, earlier rounds' and this one's, by key, as sent. */
    Map<String, Object> answered() {
        Map<String, Object> all = new LinkedHashMap<>(earlier);
        all.putAll(given);
        return all;
    }

    private static Map<String, Object> answers(byte[] payload) {
        try {
            return Json.MAPPER.readValue(payload, Json.MAP);
        } catch (java.io.IOException | RuntimeException e) {
            throw invalid("requestState is refused: its content is unreadable");
        }
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static ClientRequestError invalid(String message) {
        return new ClientRequestError(McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: " + message, null);
    }
}
