package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The builder's option groups: immutable values, checked as they are set, with errors naming group and value. */
class OptionGroupsTest {

    private static final String SECRET = "q3Vx9Lr2Tz8Kd5Wm1Hb7Pn4Jf6Cs0Ya2Ge9Ru";

    @Test
    void eachChangeReturnsANewValueAndLeavesTheOldOneAsItWas() {
        SessionOptions defaults = SessionOptions.defaults();
        SessionOptions changed = defaults.max(50).perSubject(5).idleTimeout(Duration.ofMinutes(1));
        assertEquals(10_000, defaults.max());
        assertEquals(0, defaults.perSubject());
        assertEquals(50, changed.max());
        assertEquals(5, changed.perSubject());
        assertEquals(Duration.ofMinutes(1), changed.idleTimeout());
        assertSame(defaults, SessionOptions.defaults());

        HttpOptions http = HttpOptions.defaults().allowedOrigins("https://a.example").allowedOrigins("https://b.example");
        assertEquals(Set.of("https://b.example"), http.allowedOrigins(), "a second call replaces the first");
        assertTrue(HttpOptions.defaults().dnsRebindingProtection());
        assertFalse(http.disableDnsRebindingProtection().dnsRebindingProtection());
        assertNull(ExecutionOptions.defaults().toolExecutor());
        assertEquals(64, ExecutionOptions.defaults().toolThreads());
    }

    @Test
    void aWrongValueIsRefusedWhereItIsSetNamingTheGroupAndTheValue() {
        assertEquals("sessions: max must be at least 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> SessionOptions.defaults().max(0)).getMessage());
        assertEquals("sessions: perSubject must be at least 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> SessionOptions.defaults().perSubject(0))
                        .getMessage());
        assertEquals("http: maxRequestBytes must be at least 1024, was 10",
                assertThrows(IllegalArgumentException.class, () -> HttpOptions.defaults().maxRequestBytes(10))
                        .getMessage());
        assertEquals("execution: clientRequestTimeout must be positive, was PT0S",
                assertThrows(IllegalArgumentException.class,
                        () -> ExecutionOptions.defaults().clientRequestTimeout(Duration.ZERO)).getMessage());
        assertEquals("requestState: ttl must be positive, was PT-1S",
                assertThrows(IllegalArgumentException.class,
                        () -> RequestStateOptions.defaults().ttl(Duration.ofSeconds(-1))).getMessage());
        IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
                () -> FastMCP.builder("s", "1").sessions(s -> s.max(-3)));
        assertEquals("sessions: max must be at least 1, was -3", early.getMessage(), "refused at the call, not later");
    }

    @Test
    void aChangeThatReturnsNullIsRefusedWithTheFix() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> FastMCP.builder("s", "1").http(h -> null));
        assertTrue(e.getMessage().contains("http(o -> o...)"), e.getMessage());
    }

    @Test
    void requestStateOptionsNeverShowTheSecret() {
        RequestStateOptions options = RequestStateOptions.defaults().secret(SECRET);
        assertEquals(SECRET, options.secret());
        assertFalse(options.toString().contains(SECRET), options.toString());
        assertTrue(options.toString().contains("secret=(set)"), options.toString());
    }

    @Test
    void previousSecretsWithoutACurrentOneAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RequestStateOptions(null, java.util.List.of(SECRET), Duration.ofMinutes(1)));
        assertTrue(e.getMessage().contains("secret(current, previous...)"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }
}
