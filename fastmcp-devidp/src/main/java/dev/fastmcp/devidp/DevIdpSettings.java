package dev.fastmcp.devidp;

import java.time.Duration;
import java.util.List;

/** The checked, immutable configuration of a {@link DevIdentityProvider}. */
record DevIdpSettings(String host, int port, boolean allowNonLoopback, String issuer, String clientId,
        String clientSecret, List<String> redirectUris, List<String> scopes, List<String> roles,
        Duration accessTokenTtl) {

    DevIdpSettings {
        redirectUris = List.copyOf(redirectUris);
        scopes = List.copyOf(scopes);
        roles = List.copyOf(roles);
    }

    @Override
    public String toString() {
        return "DevIdpSettings[host=" + host + ", port=" + port + ", clientId=" + clientId + "]";
    }
}
