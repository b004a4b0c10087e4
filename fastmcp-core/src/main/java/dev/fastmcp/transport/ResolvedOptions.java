package dev.fastmcp.transport;

import dev.fastmcp.StartOptions;

/**
 * How a server is started: its {@link StartOptions} after the environment and the defaults.
 *
 * @param baseUrl the public base URL the environment gives ({@code FASTMCP_BASE_URL}), or null
 */
public record ResolvedOptions(StartOptions.Transport transport, String host, int port, String endpoint,
        boolean stateless, String baseUrl) {
}
