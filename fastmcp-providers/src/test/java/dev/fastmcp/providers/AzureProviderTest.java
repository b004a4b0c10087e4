package dev.fastmcp.providers;

import static dev.fastmcp.Auth.requireAuth;
import static dev.fastmcp.Auth.requireRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Auth;
import dev.fastmcp.Tool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AzureProvider} against mock-oauth2-server. An issuer id of {@code <tid>/v2.0} makes the mock issue tokens
 * whose {@code iss} is {@code <authority>/<tid>/v2.0}, exactly as Entra's v2.0 endpoints do.
 */
@Timeout(120)
class AzureProviderTest {

    private static final String CONTOSO = "11111111-2222-3333-4444-555555555555";
    private static final String FABRIKAM = "99999999-8888-7777-6666-555555555555";
    private final MockOAuth2Server idp = new MockOAuth2Server();

    @BeforeEach
    void start() {
        idp.start();
    }

    @AfterEach
    void stop() {
        idp.shutdown();
    }

    private String authority() {
        String base = idp.baseUrl().toString();
        return base.substring(0, base.length() - 1);
    }

    /** A provider for {@code tenant} whose endpoints are those of the user's tenant {@code tid} at the mock. */
    private AzureProvider.Builder azure(String tenant, String tid) {
        String issuerId = tid + "/v2.0";
        return AzureProvider.builder("azure-client", "azure-secret")
                .tenant(tenant)
                .authorityBaseUrl(authority())
                .upstream(u -> u.upstreamAuthorizationEndpoint(idp.authorizationEndpointUrl(issuerId).toString())
                        .upstreamTokenEndpoint(idp.tokenEndpointUrl(issuerId).toString()))
                .jwksUri(idp.jwksUrl(issuerId).toString())
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=");
    }

    private void enqueueUser(String issuedByTid, String claimedTid) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(issuedByTid + "/v2.0", "pairwise-sub", "JWT",
                List.of("azure-client"), Map.of("tid", claimedTid, "oid", "oid-ada", "upn", "ada@contoso.example",
                        "name", "Ada Lovelace", "email", "ada@contoso.example", "roles", List.of("Notes.Admin"),
                        "groups", List.of("g-1", "g-2")), 3600));
    }

    private static Tool[] tools() {
        return new Tool[] {
            Tool.builder("me").description("The caller in Entra").canAccess(requireAuth()).execute((args, ctx) -> {
                AzureSession a = Auth.getAuthSession(ctx, AzureSession.class);
                return a.subject() + "|" + a.upn() + "|" + a.oid() + "|" + a.tid() + "|" + a.name() + "|" + a.email()
                        + "|" + a.roles() + "|" + a.groups();
            }).build(),
            Tool.builder("admin").description("For Notes.Admin").canAccess(requireRole("Notes.Admin"))
                    .execute((args, ctx) -> "admin ok").build()
        };
    }

    @Test
    void multiTenantFullFlowPrefixesApiScopesSendsNoResourceAndFillsTheAzureSession() throws Exception {
        AzureProvider provider = azure("organizations", CONTOSO).scopes("openid", "profile", "email", "notes.read")
                .build();
        try (SignInHarness h = new SignInHarness(provider, tools())) {
            enqueueUser(CONTOSO, CONTOSO);
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email notes.read");

            Map<String, String> up = s.upstreamQuery();
            assertEquals("openid profile email api://azure-client/notes.read offline_access", up.get("scope"));
            assertFalse(up.containsKey("resource"), "the client's resource parameter never goes upstream");
            RecordedRequest tokenCall = takeRequestTo("/token");
            assertFalse(tokenCall.getBody().readUtf8().contains("resource="), "nor in the token request");
            assertEquals("openid profile email notes.read", s.tokens().get("scope"), "clients see the plain names");

            assertEquals("oid-ada|ada@contoso.example|oid-ada|" + CONTOSO + "|Ada Lovelace|ada@contoso.example|"
                    + "[Notes.Admin]|[g-1, g-2]", h.callTool(s.accessToken(), "me"));
            assertEquals("admin ok", h.callTool(s.accessToken(), "admin"), "Entra app roles work with requireRole");
        }
    }

    @Test
    void aSingleTenantProviderRefusesUsersOfAnotherTenant() throws Exception {
        try (SignInHarness h = new SignInHarness(azure(CONTOSO, FABRIKAM).build(), tools())) {
            enqueueUser(FABRIKAM, FABRIKAM);
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile");
            assertTrue(s.tokens().isEmpty());
            assertEquals("access_denied", s.clientRedirect().get("error"), s.clientRedirect().toString());
        }
    }

    @Test
    void anIssuerThatIsNotTheTokensOwnTenantIsRefused() throws Exception {
        try (SignInHarness h = new SignInHarness(azure("common", FABRIKAM).build(), tools())) {
            enqueueUser(FABRIKAM, CONTOSO); // issued under Fabrikam's issuer, claiming to be Contoso's user
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile");
            assertEquals("access_denied", s.clientRedirect().get("error"), s.clientRedirect().toString());
        }
    }

    @Test
    void aTenantWithATypoFailsAtBuildListingTheAcceptedForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AzureProvider.builder("id", "secret").tenant("comon").build());
        assertTrue(e.getMessage().contains("tenant 'comon' is not valid"), e.getMessage());
        assertTrue(e.getMessage().contains("Did you mean 'common'?"), e.getMessage());
        assertTrue(e.getMessage().contains("'organizations'") && e.getMessage().contains("'consumers'")
                && e.getMessage().contains("contoso.onmicrosoft.com"), e.getMessage());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> AzureProvider.builder("id", "secret").build());
        assertTrue(missing.getMessage().contains("tenant is required"), missing.getMessage());
        IllegalArgumentException guid = assertThrows(IllegalArgumentException.class,
                () -> AzureProvider.builder("id", "secret").tenant("11111111-2222-3333-4444").build());
        assertTrue(guid.getMessage().contains("directory (tenant) ID"), guid.getMessage());

        AzureProvider.builder("id", "secret").tenant("contoso.onmicrosoft.com").build();
        AzureProvider.builder("id", "secret").tenant("Organizations").build();
        AzureProvider.builder("id", "secret").tenant(CONTOSO).build();
    }

    @Test
    void configurationThatAzureWouldRefuseFailsAtBuild() {
        // 'resource' (refused by the v2.0 endpoints, AADSTS901002) cannot be configured at all: the builder has no
        // extraAuthorizationParams, extraTokenParams or forwardResource (PresetBuildersTest checks it).
        IllegalArgumentException issuer = assertThrows(IllegalArgumentException.class,
                () -> AzureProvider.builder("id", "secret").tenant("common")
                        .upstream(u -> u.upstreamIssuer("https://x.example")).build());
        assertTrue(issuer.getMessage().contains("remove upstreamIssuer"), issuer.getMessage());
        IllegalArgumentException noId = assertThrows(IllegalArgumentException.class,
                () -> AzureProvider.builder("", "secret").tenant("common").build());
        assertTrue(noId.getMessage().contains("Entra admin center"), noId.getMessage());
    }

    @Test
    void upstreamScopesKeepOpenIdScopesAndFullUrisAndAddOfflineAccess() {
        assertEquals(List.of("openid", "api://app/notes.read", "https://graph.microsoft.com/User.Read",
                "offline_access", "User.Read"), AzureProvider.azureScopes(List.of("openid", "notes.read",
                        "https://graph.microsoft.com/User.Read"), "api://app", List.of("User.Read")));
    }

    private RecordedRequest takeRequestTo(String pathEnd) throws InterruptedException {
        for (RecordedRequest r = idp.takeRequest(5, TimeUnit.SECONDS); r != null; r = idp.takeRequest(5,
                TimeUnit.SECONDS)) {
            if (r.getPath() != null && r.getPath().endsWith(pathEnd)) {
                return r;
            }
        }
        throw new AssertionError("no request to " + pathEnd);
    }
}
