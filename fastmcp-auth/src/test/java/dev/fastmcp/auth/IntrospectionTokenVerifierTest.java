package dev.fastmcp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.LogCapture;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.Tool;
import dev.fastmcp.testing.ConnectionRefusedException;
import dev.fastmcp.testing.McpTestClient;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link IntrospectionTokenVerifier} against mock-oauth2-server's RFC 7662 introspection endpoint. */
@Timeout(60)
class IntrospectionTokenVerifierTest {

    private static final String ISSUER = "opaque";
    private final MockOAuth2Server idp = new MockOAuth2Server();

    @BeforeEach
    void start() {
        idp.start();
    }

    @AfterEach
    void stop() {
        idp.shutdown();
    }

    private String introspection() {
        return idp.url(ISSUER + "/introspect").toString();
    }

    private String token(String subject, List<String> audience, long seconds) {
        return idp.issueToken(ISSUER, "client", new DefaultOAuth2TokenCallback(ISSUER, subject, "JWT", audience,
                Map.of("scope", "notes:read notes:write"), seconds)).serialize();
    }

    private IntrospectionTokenVerifier.Builder verifier() {
        return IntrospectionTokenVerifier.builder(introspection(), "mcp-server", "introspection-secret");
    }

    private int seen;

    /** How many introspections the identity provider received so far. */
    private int introspections() {
        while (true) {
            okhttp3.mockwebserver.RecordedRequest r;
            try {
                r = idp.takeRequest(300, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                return seen; // none within the wait
            }
            if (r == null) {
                return seen;
            }
            if (r.getPath() != null && r.getPath().endsWith("/introspect")) {
                seen++;
            }
        }
    }

    @Test
    void anActiveTokenBecomesASessionFromTheAnswer() {
        TokenVerification v = verifier().audience("https://mcp.example.com").build()
                .verify(token("ada", List.of("https://mcp.example.com"), 3600));
        assertTrue(v.isValid(), v.error());
        assertEquals("ada", v.session().subject());
        assertEquals(java.util.Set.of("notes:read", "notes:write"), v.session().scopes());
        assertTrue(v.session().expiresAt().isAfter(Instant.now()));
    }

    @Test
    void inactiveAndForeignTokensAreRefused() {
        IntrospectionTokenVerifier verifier = verifier().audience("https://mcp.example.com").build();
        assertEquals("the token is not active", verifier.verify("not-a-token-at-all").error());
        TokenVerification other = verifier.verify(token("ada", List.of("https://other-api.example.com"), 3600));
        assertFalse(other.isValid());
        assertTrue(other.error().contains("another audience"), other.error());
    }

    @Test
    void answersAreCachedButNeverPastTheTokensExpiry() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        IntrospectionTokenVerifier verifier = verifier().cacheTtl(Duration.ofMinutes(10)).clock(clock).build();
        String token = token("ada", List.of("api"), 120);
        now.set(Instant.now());
        int before = introspections();
        assertTrue(verifier.verify(token).isValid());
        assertTrue(verifier.verify(token).isValid());
        assertEquals(before + 1, introspections(), "the second check came from the cache");
        now.set(now.get().plusSeconds(121));
        TokenVerification later = verifier.verify(token);
        assertEquals(before + 2, introspections(), "the cache entry ended with the token");
        assertEquals("the token has expired", later.error());
        TokenVerification uncached = verifier().cacheTtl(Duration.ZERO).build().verify(token);
        assertTrue(uncached.isValid(), uncached.error());
    }

    @Test
    void anUnreachableEndpointRefusesTheTokenAndSaysSoOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        IntrospectionTokenVerifier verifier = IntrospectionTokenVerifier.builder(
                "http://127.0.0.1:" + port + "/introspect", "mcp-server", "secret").timeout(Duration.ofSeconds(2))
                .build();
        try (LogCapture log = LogCapture.atInfo("dev.fastmcp.auth")) {
            TokenVerification first = verifier.verify("some-token");
            TokenVerification second = verifier.verify("other-token");
            assertTrue(first.error().startsWith("the token could not be checked: the introspection endpoint could "
                    + "not be reached"), first.error());
            assertFalse(second.isValid());
            String logged = log.text();
            assertEquals(1, logged.split("tokens are refused until it answers", -1).length - 1, logged);
            assertFalse(logged.contains("some-token"), "tokens are never logged");
        }
    }

    @Test
    void aServerBehindTheVerifierAnswers401WhileTheEndpointIsDownAndServesOtherwise() {
        MockOAuth2Server failing = new MockOAuth2Server();
        failing.start();
        String introspectionEndpoint = failing.url(ISSUER + "/introspect").toString();
        String issuer = failing.issuerUrl(ISSUER).toString();
        String clientSecret = "introspection-secret";
        TokenVerifier verifier = IntrospectionTokenVerifier.builder(introspectionEndpoint, "mcp-server", clientSecret)
                .audience("https://mcp.example.com/mcp")
                .cacheTtl(Duration.ofSeconds(30))
                .build();
        FastMCP server = FastMCP.builder("opaque", "1.0.0")
                .auth(RemoteAuthProvider.builder(verifier).authorizationServers(issuer).build())
                .addTool(Tool.builder("whoami").description("Who calls")
                        .execute((args, ctx) -> ctx.auth().subject()).build())
                .build();
        String grace = failing.issueToken(ISSUER, "client", new DefaultOAuth2TokenCallback(ISSUER, "grace", "JWT",
                List.of("https://mcp.example.com/mcp"), Map.of(), 3600)).serialize();
        String hopper = failing.issueToken(ISSUER, "client", new DefaultOAuth2TokenCallback(ISSUER, "hopper", "JWT",
                List.of("https://mcp.example.com/mcp"), Map.of(), 3600)).serialize();
        try (McpTestClient client = McpTestClient.overHttp(server, o -> o.bearerToken(grace))) {
            client.callTool("whoami").assertText("grace");
            failing.shutdown();
            ConnectionRefusedException refused = assertThrows(ConnectionRefusedException.class,
                    () -> client.with(o -> o.bearerToken(hopper)));
            assertEquals(401, refused.refusal().status());
            assertTrue(refused.refusal().wwwAuthenticate().contains("invalid_token"), refused.getMessage());
        }
    }

    @Test
    void badConfigurationIsRefusedWithTheFix() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IntrospectionTokenVerifier.builder(
                "http://auth.example.com/introspect", "id", "secret").build()).getMessage().contains("https"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IntrospectionTokenVerifier.builder(
                introspection(), "id", " ").build()).getMessage().contains("client secret is missing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> verifier().clientAuthMethod("jwt").build())
                .getMessage().contains("'basic'"));
        assertFalse(verifier().build().toString().contains("introspection-secret"));
    }
}
