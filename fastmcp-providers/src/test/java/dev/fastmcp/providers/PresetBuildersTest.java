package dev.fastmcp.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A preset's builder shows its own settings only; the proxy's others are behind one {@code proxyOptions}. */
class PresetBuildersTest {

    /** What every preset's builder has, from {@code PresetBuilder}. */
    private static final Set<String> SHARED = Set.of("scopes", "secret", "extraAuthorizationParams",
            "extraTokenParams", "proxyOptions", "build");

    private static Set<String> publicSetters(Class<?> builder) {
        return Arrays.stream(builder.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Object.class)
                .map(Method::getName)
                .filter(n -> !SHARED.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void aPresetBuilderHasNoUpstreamEndpointOrProxyWideSetter() {
        assertEquals(Set.of("userInfoEndpoint"), publicSetters(GoogleProvider.Builder.class));
        assertEquals(Set.of("apiBaseUrl", "webBaseUrl"), publicSetters(GitHubProvider.Builder.class));
        assertEquals(Set.of("additionalAuthorizeScopes", "authorityBaseUrl", "graphBaseUrl", "identifierUri", "tenant"),
                publicSetters(AzureProvider.Builder.class));
        assertEquals(Set.of("discoveryCache"), publicSetters(OIDCProvider.Builder.class));
        assertEquals(Set.of("offlineAccess"), publicSetters(KeycloakProvider.Builder.class));
        assertEquals(Set.of("authorizationServer", "offlineAccess"), publicSetters(OktaProvider.Builder.class));
        assertEquals(Set.of("upstream", "userInfoEndpoint", "userInfoSubjectClaim"),
                publicSetters(OAuthProvider.Builder.class));
        assertEquals(Set.of(), publicSetters(WorkOSProvider.Builder.class));
        assertEquals(Set.of(), publicSetters(DiscordProvider.Builder.class));
    }

    @Test
    void theAuth0AndCognitoBuildersShowTheirOwnSettingsOnly() {
        assertEquals(Set.of("audience", "rolesClaim"), publicSetters(Auth0Provider.Builder.class));
        assertEquals(Set.of("userPool"), publicSetters(CognitoProvider.Builder.class));
    }
}
