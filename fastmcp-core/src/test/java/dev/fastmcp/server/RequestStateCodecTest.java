package dev.fastmcp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.FastMCP;
import dev.fastmcp.LogCapture;
import dev.fastmcp.internal.Hkdf;
import dev.fastmcp.server.RequestStateCodec.Principal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code requestState} of a multi-round-trip request comes back from the client, who may have changed it: the
 * server accepts only its own state, for the same user, method, component and arguments, before it expires.
 */
class RequestStateCodecTest {

    // Printed by `openssl rand -base64 32`.
    private static final String SECRET = "lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=";
    private static final String OTHER_SECRET = "vauuu49prhTLL1p7jqdl13taLmPH81WS0Fm0xZzBfJs=";
    private static final Principal ALICE = Principal.of(AuthSession.of("alice", "cli", List.of(), Map.of(), null));
    private static final Principal BOB = Principal.of(AuthSession.of("bob", "cli", List.of(), Map.of(), null));
    private static final String CALL = "tools/call";
    private static final Map<String, Object> PARAMS = Map.of("name", "book", "arguments",
            Map.of("city", "Paris", "nights", 2));
    private static final byte[] DIGEST = RequestStateCodec.paramsDigest(PARAMS);
    private static final byte[] PAYLOAD = "step-two-of-the-booking".getBytes(StandardCharsets.UTF_8);

    private static RequestStateCodec server(String secret, String... previous) {
        Blueprint blueprint = new Blueprint("state", "1");
        blueprint.requestState(r -> r.secret(secret, previous));
        return blueprint.settings().requestState();
    }

    private static RequestStateCodec at(Instant now, Duration ttl) {
        return new RequestStateCodec(RequestStateKeys.derived(SECRET, List.of()), ttl,
                Clock.fixed(now, ZoneOffset.UTC));
    }

    private static String sealForAlice(RequestStateCodec codec) {
        return codec.seal(ALICE, CALL, "book", DIGEST, PAYLOAD);
    }

    private static RequestStateCodec.Refused refused(RequestStateCodec.Opened opened, String state) {
        RequestStateCodec.Refused refused = assertInstanceOf(RequestStateCodec.Refused.class, opened);
        for (int i = 0; state != null && i + 8 <= state.length(); i++) {
            assertFalse(refused.reason().contains(state.substring(i, i + 8)), "the reason quotes the state: "
                    + refused.reason());
        }
        return refused;
    }

    private static void accepted(RequestStateCodec.Opened opened) {
        assertArrayEquals(PAYLOAD, assertInstanceOf(RequestStateCodec.Accepted.class, opened).payload());
    }

    @Test
    void aStateOpensForTheRetryOfItsRequestAndHidesItsPayload() {
        RequestStateCodec codec = server(SECRET);
        String state = sealForAlice(codec);
        accepted(codec.open(state, ALICE, CALL, "book", DIGEST));
        assertNotEquals(state, sealForAlice(codec), "each seal has a fresh nonce");
        String decoded = new String(Base64.getUrlDecoder().decode(state), StandardCharsets.ISO_8859_1);
        assertFalse(decoded.contains("step-two") || decoded.contains("alice") || decoded.contains("book"), decoded);

        String anonymous = codec.seal(Principal.ANONYMOUS, CALL, "book", DIGEST, PAYLOAD);
        accepted(codec.open(anonymous, Principal.ANONYMOUS, CALL, "book", DIGEST));
    }

    @Test
    void foreignRequestStateIsRefused() {
        RequestStateCodec codec = server(SECRET);
        String alices = sealForAlice(codec);
        refused(codec.open(alices, BOB, CALL, "book", DIGEST), alices);
        refused(codec.open(alices, new Principal("alice", "another-client"), CALL, "book", DIGEST), alices);
        refused(codec.open(alices, new Principal("alice", null), CALL, "book", DIGEST), alices);
        refused(codec.open(alices, Principal.ANONYMOUS, CALL, "book", DIGEST), alices);
        String anonymous = codec.seal(Principal.ANONYMOUS, CALL, "book", DIGEST, PAYLOAD);
        refused(codec.open(anonymous, ALICE, CALL, "book", DIGEST), anonymous);
        assertThrows(IllegalArgumentException.class, () -> new Principal(null, "cli"));
    }

    @Test
    void tamperedRequestStateIsRefused() {
        RequestStateCodec codec = server(SECRET);
        String state = sealForAlice(codec);
        byte[] bytes = Base64.getUrlDecoder().decode(state);
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);
            refused(codec.open(tampered, ALICE, CALL, "book", DIGEST), tampered);
        }
        List<String> broken = new ArrayList<>(List.of(state + "-TAMPERED", state.substring(0, state.length() - 1),
                state.substring(0, state.length() - 4), state.substring(0, state.length() / 2), state.substring(0, 10),
                state + state, "not a state!", "%%%%"));
        for (String b : broken) {
            refused(codec.open(b, ALICE, CALL, "book", DIGEST), b);
        }
        assertTrue(refused(codec.open("", ALICE, CALL, "book", DIGEST), "").reason().contains("no request state"));
        refused(codec.open(null, ALICE, CALL, "book", DIGEST), null);
        accepted(codec.open(state, ALICE, CALL, "book", DIGEST));
    }

    @Test
    void expiredRequestStateIsRefused() {
        Instant sealedAt = Instant.parse("2026-07-28T12:00:00Z");
        Duration ttl = RequestStateCodec.DEFAULT_TTL;
        assertEquals(Duration.ofMinutes(5), ttl);
        String state = sealForAlice(at(sealedAt, ttl));
        accepted(at(sealedAt.plus(ttl).minusMillis(1), ttl).open(state, ALICE, CALL, "book", DIGEST));
        RequestStateCodec.Refused refused = refused(at(sealedAt.plus(ttl), ttl).open(state, ALICE, CALL, "book",
                DIGEST), state);
        assertTrue(refused.reason().contains("expired"), refused.reason());
        refused(at(sealedAt.plus(Duration.ofDays(400)), ttl).open(state, ALICE, CALL, "book", DIGEST), state);

        Blueprint blueprint = new Blueprint("state", "1");
        blueprint.requestState(r -> r.secret(SECRET));
        blueprint.requestState(r -> r.ttl(Duration.ofSeconds(30)));
        assertEquals(Duration.ofSeconds(30), blueprint.settings().requestState().ttl());
        assertThrows(IllegalArgumentException.class, () -> blueprint.requestState(r -> r.ttl(Duration.ZERO)));
    }

    @Test
    void requestStateForAnotherToolIsRefused() {
        RequestStateCodec codec = server(SECRET);
        String state = sealForAlice(codec);
        byte[] otherToolsDigest = RequestStateCodec.paramsDigest(Map.of("name", "cancel", "arguments",
                Map.of("city", "Paris", "nights", 2)));
        refused(codec.open(state, ALICE, CALL, "cancel", otherToolsDigest), state);
        refused(codec.open(state, ALICE, CALL, "cancel", DIGEST), state);
        refused(codec.open(state, ALICE, "prompts/get", "book", DIGEST), state);
        refused(codec.open(state, ALICE, "resources/read", "book", DIGEST), state);
    }

    @Test
    void requestStateWithOtherArgumentsIsRefused() {
        RequestStateCodec codec = server(SECRET);
        String state = sealForAlice(codec);
        for (Map<String, Object> other : List.of(
                Map.<String, Object>of("name", "book", "arguments", Map.of("city", "Paris", "nights", 3)),
                Map.<String, Object>of("name", "book", "arguments", Map.of("city", "Paris")),
                Map.<String, Object>of("name", "book", "arguments", Map.of("city", "Paris", "nights", 2,
                        "guests", 4)),
                Map.<String, Object>of("name", "book"))) {
            refused(codec.open(state, ALICE, CALL, "book", RequestStateCodec.paramsDigest(other)), state);
        }

        // The retry carries the answers, the state and its own _meta, with keys in any order: the digest is the same.
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("nights", 2);
        arguments.put("city", "Paris");
        Map<String, Object> retry = new LinkedHashMap<>();
        retry.put("_meta", Map.of("progressToken", "round-2"));
        retry.put("arguments", arguments);
        retry.put("requestState", state);
        retry.put("inputResponses", Map.of("confirm", Map.of("action", "accept")));
        retry.put("name", "book");
        accepted(codec.open(state, ALICE, CALL, "book", RequestStateCodec.paramsDigest(retry)));
    }

    @Test
    void stateFromAnotherInstanceWithTheSameSecretIsAccepted() {
        String state = sealForAlice(server(SECRET));
        accepted(server(SECRET).open(state, ALICE, CALL, "book", DIGEST));
    }

    @Test
    void stateFromAnInstanceWithAnotherSecretIsRefused() {
        String state = sealForAlice(server(SECRET));
        refused(server(OTHER_SECRET).open(state, ALICE, CALL, "book", DIGEST), state);
        refused(new Blueprint("no secret", "1").settings().requestState().open(state, ALICE, CALL, "book", DIGEST),
                state);
    }

    @Test
    void aRotatedSecretStillOpensTheStateItSealedButNoLongerSeals() {
        String beforeRotation = sealForAlice(server(SECRET));
        RequestStateCodec rotated = server(OTHER_SECRET, SECRET);
        accepted(rotated.open(beforeRotation, ALICE, CALL, "book", DIGEST));

        String afterRotation = sealForAlice(rotated);
        accepted(server(OTHER_SECRET).open(afterRotation, ALICE, CALL, "book", DIGEST));
        refused(server(SECRET).open(afterRotation, ALICE, CALL, "book", DIGEST), afterRotation);
        refused(server(OTHER_SECRET).open(beforeRotation, ALICE, CALL, "book", DIGEST), beforeRotation);
    }

    @Test
    void theKeyIsHkdfSha256OfTheSecretUnderFixedLabels() {
        // Instances of different versions behind one load balancer must agree on the key: the labels are a contract.
        byte[] expected = Hkdf.derive("fastmcp-request-state".getBytes(StandardCharsets.UTF_8),
                SECRET.getBytes(StandardCharsets.UTF_8),
                "fastmcp request-state v1 aes-256-gcm".getBytes(StandardCharsets.UTF_8), 32);
        assertArrayEquals(expected, RequestStateKeys.derived(SECRET, List.of()).get(0).getEncoded());
    }

    @Test
    void aWeakRequestStateSecretIsRefusedSayingWhatIsWrongAndTheFix() {
        String passphrase = "correct horse battery staple correct horse";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FastMCP.builder("state", "1").requestState(r -> r.secret(passphrase)));
        assertTrue(e.getMessage().startsWith("requestState: secret is too weak to derive keys from"), e.getMessage());
        assertTrue(e.getMessage().contains("42 characters") && e.getMessage().contains("openssl rand -base64 32"),
                e.getMessage());
        assertFalse(e.getMessage().contains("horse"), e.getMessage());

        IllegalArgumentException previous = assertThrows(IllegalArgumentException.class,
                () -> FastMCP.builder("state", "1")
                        .requestState(r -> r.secret(SECRET, "a-test-secret-of-at-least-32-chars!")));
        assertTrue(previous.getMessage().startsWith("requestState: a previous secret is too weak"),
                previous.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> FastMCP.builder("state", "1").requestState(r -> r.secret(null)));
        assertTrue(none.getMessage().contains("openssl rand"), none.getMessage());
    }

    @Test
    void withoutASecretEachProcessSealsWithItsOwnKeyAndTheServerWarnsThatMultipleInstancesNeedOne() {
        RequestStateCodec first;
        String state;
        try (LogCapture logs = new LogCapture("dev.fastmcp.server")) {
            first = new Blueprint("no secret", "1").settings().requestState();
            assertFalse(logs.text().contains("requestState secret"), "no warning before a state is sealed: "
                    + logs.text());
            state = sealForAlice(first);
            sealForAlice(first);
            assertTrue(logs.text().contains("WARN") && logs.text().contains("Multi-instance deployments need "
                    + "FastMCP.Builder.requestState(r -> r.secret(...))"), logs.text());
            assertEquals(logs.text().indexOf("No requestState secret"), logs.text().lastIndexOf("No requestState secret"),
                    "warned once: " + logs.text());
        }
        RequestStateCodec second = new Blueprint("no secret either", "1").settings().requestState();
        accepted(second.open(state, ALICE, CALL, "book", DIGEST));

        try (LogCapture logs = new LogCapture("dev.fastmcp.server")) {
            server(SECRET);
            assertFalse(logs.text().contains("requestState secret"), logs.text());
        }
    }
}
