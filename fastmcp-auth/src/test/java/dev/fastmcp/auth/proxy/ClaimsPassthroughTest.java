package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ClaimsPassthroughTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An unsigned JWT-shaped token; the signature part is junk because extract never verifies it. */
    private static String jwt(Map<String, ?> claims) {
        return jwtWithPayload(JSON.writeValueAsString(claims));
    }

    private static String jwtWithPayload(String payloadJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    private static Map<String, Object> claims(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void protectedClaimsAreNeverCopied() {
        String token = jwt(claims("iss", "https://idp", "aud", "api", "exp", 1, "iat", 1, "nbf", 1, "jti", "j",
                "client_id", "c", "scope", "admin", "token_use", "refresh", "azp", "x", "sub", "user-1",
                "email", "a@example.com"));
        assertEquals(Map.of("email", "a@example.com"), ClaimsPassthrough.defaults().extract(token, token));
    }

    @Test
    void prefixCannotForgeAProtectedClaim() {
        ClaimsPassthrough passthrough = ClaimsPassthrough.builder().claimPrefix("s").build();
        Map<String, Object> out = passthrough.extract(jwt(claims("ub", "admin", "cope", "everything",
                "role", "user")), null);
        assertEquals(Map.of("srole", "user"), out);
    }

    @Test
    void rolesArrayIsKeptForRoleChecks() {
        Map<String, Object> out = ClaimsPassthrough.defaults()
                .extract(jwt(claims("roles", List.of("admin", "reader"), "groups", List.of())), null);
        assertEquals(List.of("admin", "reader"), out.get("roles"));
        assertEquals(List.of(), out.get("groups"));
    }

    @Test
    void nestedObjectIsDroppedUnlessComplexClaimsAllowed() {
        String token = jwt(claims("realm_access", Map.of("roles", List.of("admin")), "mixed", List.of("a", 1),
                "nested", List.of(List.of("a")), "name", "Ada"));
        Map<String, Object> plain = ClaimsPassthrough.defaults().extract(token, null);
        assertEquals(Map.of("name", "Ada"), plain);

        Map<String, Object> complex = ClaimsPassthrough.builder().allowComplexClaims(true).build()
                .extract(token, null);
        assertEquals(Map.of("roles", List.of("admin")), complex.get("realm_access"));
        assertEquals(List.of("a", 1), complex.get("mixed"));
        assertEquals(List.of(List.of("a")), complex.get("nested"));
    }

    @Test
    void oversizeValuesAreDropped() {
        ClaimsPassthrough passthrough = ClaimsPassthrough.builder().maxClaimValueSize(10).allowComplexClaims(true)
                .build();
        Map<String, Object> out = passthrough.extract(jwt(claims("ok", "0123456789", "long", "01234567890",
                "roles", List.of("aaaa", "bbbb", "cccc"), "short", List.of("a"), "obj", Map.of("k", "vvvvvvvvv"))),
                null);
        assertEquals(Map.of("ok", "0123456789", "short", List.of("a")), out);
    }

    @Test
    void defaultMaxValueSizeIs2000Characters() {
        Map<String, Object> out = ClaimsPassthrough.defaults()
                .extract(jwt(claims("a", "x".repeat(2000), "b", "x".repeat(2001))), null);
        assertTrue(out.containsKey("a"));
        assertFalse(out.containsKey("b"));
    }

    @Test
    void nullValuesAreDroppedAndScalarsKept() {
        Map<String, Object> out = ClaimsPassthrough.defaults()
                .extract(jwtWithPayload("{\"gone\":null,\"n\":42,\"f\":1.5,\"b\":true,\"big\":12345678901234567890}"),
                        null);
        assertFalse(out.containsKey("gone"));
        assertEquals(42, ((Number) out.get("n")).intValue());
        assertEquals(1.5, ((Number) out.get("f")).doubleValue());
        assertEquals(Boolean.TRUE, out.get("b"));
        assertEquals("12345678901234567890", out.get("big").toString());
    }

    @Test
    void prefixIsAppliedAfterFiltering() {
        ClaimsPassthrough passthrough = ClaimsPassthrough.builder().claimPrefix("upstream_")
                .allowedClaims("roles").build();
        Map<String, Object> out = passthrough.extract(jwt(claims("roles", List.of("admin"), "email", "e",
                "iss", "x")), null);
        assertEquals(Map.of("upstream_roles", List.of("admin")), out);
    }

    @Test
    void allowListAndBlockList() {
        String token = jwt(claims("role", "admin", "email", "e", "internal_id", "42", "debug_info", "d"));
        assertEquals(Map.of("role", "admin", "email", "e"), ClaimsPassthrough.builder()
                .allowedClaims("role", "email", "internal_id").blockedClaims("internal_id").build()
                .extract(token, null));
        assertEquals(Map.of("role", "admin", "email", "e"), ClaimsPassthrough.builder()
                .blockedClaims("internal_id", "debug_info").build().extract(token, null));
        assertEquals(Map.of(), ClaimsPassthrough.builder().allowedClaims().build().extract(token, null));
    }

    @Test
    void allowListCannotReopenProtectedClaims() {
        ClaimsPassthrough passthrough = ClaimsPassthrough.builder().allowedClaims("sub", "iss", "scope").build();
        assertEquals(Map.of(), passthrough.extract(jwt(claims("sub", "u", "iss", "i", "scope", "s")), null));
    }

    @Test
    void accessTokenClaimsWinOverIdTokenClaims() {
        String access = jwt(claims("role", "from-access", "email", "bad".repeat(1000)));
        String id = jwt(claims("role", "from-id", "email", "a@example.com", "name", "Ada"));
        Map<String, Object> out = ClaimsPassthrough.defaults().extract(access, id);
        assertEquals(Map.of("role", "from-access", "email", "a@example.com", "name", "Ada"), out);
        assertEquals(List.of("role", "email", "name"), List.copyOf(out.keySet()));
    }

    @Test
    void eachTokenSourceCanBeSwitchedOff() {
        String access = jwt(claims("a", "1"));
        String id = jwt(claims("b", "2"));
        assertEquals(Map.of("b", "2"), ClaimsPassthrough.builder().fromAccessToken(false).build().extract(access, id));
        assertEquals(Map.of("a", "1"), ClaimsPassthrough.builder().fromIdToken(false).build().extract(access, id));
        ClaimsPassthrough neither = ClaimsPassthrough.builder().fromAccessToken(false).fromIdToken(false).build();
        assertFalse(neither.isEnabled());
        assertEquals(Map.of(), neither.extract(access, id));
    }

    @Test
    void disabledPassesNothing() {
        assertFalse(ClaimsPassthrough.disabled().isEnabled());
        assertTrue(ClaimsPassthrough.defaults().isEnabled());
        assertEquals(Map.of(), ClaimsPassthrough.disabled().extract(jwt(claims("roles", List.of("admin"))),
                jwt(claims("email", "e"))));
    }

    @Test
    void opaqueAndMissingTokensYieldNothing() {
        ClaimsPassthrough passthrough = ClaimsPassthrough.defaults();
        assertEquals(Map.of(), passthrough.extract(null, null));
        assertEquals(Map.of(), passthrough.extract("gho_16C7e42F292c6912E7710c838347Ae178B4a", null));
        assertEquals(Map.of(), passthrough.extract("ya29.a0AfH6SMBx", ""));
    }

    @Test
    void garbageTokensYieldNothingAndNeverThrow() {
        ClaimsPassthrough passthrough = ClaimsPassthrough.defaults();
        String header = "eyJhbGciOiJub25lIn0";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        List<String> garbage = List.of(
                "a.b.c",
                "..",
                header + ".!!!not-base64!!!.sig",
                header + "." + b64.encodeToString("not json".getBytes(StandardCharsets.UTF_8)) + ".sig",
                header + "." + b64.encodeToString("[\"array\"]".getBytes(StandardCharsets.UTF_8)) + ".sig",
                header + "." + b64.encodeToString("\"string\"".getBytes(StandardCharsets.UTF_8)) + ".sig",
                header + "." + b64.encodeToString("{\"a\":1".getBytes(StandardCharsets.UTF_8)) + ".sig",
                header + "." + b64.encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}) + ".sig",
                jwt(claims("role", "admin")) + ".extra.parts",
                "a.b.c.d.e");
        for (String token : garbage) {
            assertEquals(Map.of(), passthrough.extract(token, token), token);
        }
    }

    @Test
    void duplicateClaimNamesMakeThePayloadUnusable() {
        // Two parsers could disagree on which "role" counts; nothing is taken from such a payload.
        assertEquals(Map.of(), ClaimsPassthrough.defaults()
                .extract(jwtWithPayload("{\"role\":\"user\",\"role\":\"admin\"}"), null));
    }

    @Test
    void deepNestingYieldsNothing() {
        String deep = "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + ",\"role\":\"admin\"}";
        ClaimsPassthrough complex = ClaimsPassthrough.builder().allowComplexClaims(true)
                .maxClaimValueSize(100_000).build();
        assertEquals(Map.of(), complex.extract(jwtWithPayload(deep), null));
    }

    @Test
    void hugePayloadYieldsNothing() {
        String huge = "{\"role\":\"admin\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
        assertEquals(Map.of(), ClaimsPassthrough.defaults().extract(jwtWithPayload(huge), null));
        String fits = "{\"role\":\"admin\",\"pad\":\"" + "x".repeat(60 * 1024) + "\"}";
        assertEquals(Map.of("role", "admin"), ClaimsPassthrough.defaults().extract(jwtWithPayload(fits), null));
    }

    @Test
    void extractedMapIsUnmodifiable() {
        Map<String, Object> out = ClaimsPassthrough.defaults().extract(jwt(claims("role", "user")), null);
        assertThrows(UnsupportedOperationException.class, () -> out.put("role", "admin"));
    }

    @Test
    void invalidOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClaimsPassthrough.builder().maxClaimValueSize(0));
        assertThrows(IllegalArgumentException.class, () -> ClaimsPassthrough.builder().allowedClaims("a", null));
        assertThrows(IllegalArgumentException.class, () -> ClaimsPassthrough.builder().blockedClaims(""));
    }

    @Test
    void toStringDescribesOptionsWithoutValues() {
        String text = ClaimsPassthrough.builder().claimPrefix("up_").allowedClaims("roles").build().toString();
        assertTrue(text.contains("up_") && text.contains("roles"), text);
        assertEquals("ClaimsPassthrough[disabled]", ClaimsPassthrough.disabled().toString());
    }
}
