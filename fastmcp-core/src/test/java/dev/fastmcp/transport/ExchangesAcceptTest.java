package dev.fastmcp.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExchangesAcceptTest {

    private static final String JSON = "application/json";
    private static final String SSE = "text/event-stream";

    @Test
    void rangesAreMatchedWithoutParametersBlanksOrCase() {
        assertTrue(Exchanges.accepts(null, JSON));
        assertTrue(Exchanges.accepts("  ", JSON));
        assertTrue(Exchanges.accepts("application/json, text/event-stream", JSON));
        assertTrue(Exchanges.accepts("application/json, text/event-stream", SSE));
        assertTrue(Exchanges.accepts("Application/JSON;q=0.9", JSON));
        assertTrue(Exchanges.accepts("text/html ,\tapplication/json ; charset=utf-8", JSON));
        assertTrue(Exchanges.accepts("*/*", SSE));
        assertTrue(Exchanges.accepts("text/*;q=0.5", SSE));
        assertTrue(Exchanges.accepts("TEXT/*", SSE));
        assertTrue(Exchanges.accepts(",,application/json,", JSON));
    }

    @Test
    void otherRangesAreRefused() {
        assertFalse(Exchanges.accepts("application/json", SSE));
        assertFalse(Exchanges.accepts("text/event-stream", JSON));
        assertFalse(Exchanges.accepts("application/jsonx", JSON));
        assertFalse(Exchanges.accepts("application/*x", JSON));
        assertFalse(Exchanges.accepts("application/js", JSON));
        assertFalse(Exchanges.accepts("text/*", JSON));
        assertFalse(Exchanges.accepts("*/json", JSON));
        assertFalse(Exchanges.accepts("appl\u0131cation/json", JSON)); // dotless i is not an ASCII i
        assertFalse(Exchanges.accepts(",", JSON));
    }
}
