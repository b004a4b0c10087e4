package dev.fastmcp.transport;

import dev.fastmcp.AuthSession;
import dev.fastmcp.StartOptions;
import dev.fastmcp.TokenVerifier;

/**
 * How a server is started: its {@link StartOptions} after the environment and the defaults.
 *
 * @param baseUrl       the public base URL the environment gives ({@code FASTMCP_BASE_URL}), or null
 * @param stdioIdentity the caller of the stdio session given in code, or null
 * @param stdioToken    the credential the environment gives for the stdio session ({@code FASTMCP_STDIO_TOKEN}),
 *                      to verify; null when none, and always over HTTP
 * @param testIdentities  the verifier of test identities, checked before the server's own authentication; null when
 *                        none ({@link StartOptions#trustTestIdentities})
 */
public record ResolvedOptions(StartOptions.Transport transport, String host, int port, String endpoint,
        boolean stateless, String baseUrl, AuthSession stdioIdentity, String stdioToken, TokenVerifier testIdentities) {

    /** Options without a stdio identity or credential. */
    public ResolvedOptions(StartOptions.Transport transport, String host, int port, String endpoint,
            boolean stateless, String baseUrl) {
        this(transport, host, port, endpoint, stateless, baseUrl, null, null, null);
    }

    /** Never shows the credential. */
    @Override
    public String toString() {
        return "ResolvedOptions[transport=" + transport + ", host=" + host + ", port=" + port + ", endpoint="
                + endpoint + ", stateless=" + stateless + ", baseUrl=" + baseUrl + ", stdioIdentity="
                + (stdioIdentity == null ? null : stdioIdentity.subject()) + ", stdioToken="
                + (stdioToken == null ? "none" : "set") + ", testIdentities=" + (testIdentities != null) + "]";
    }
}
