package dev.fastmcp.auth.proxy;

import dev.fastmcp.internal.NetworkAddresses;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How MCP clients identify themselves to the OAuth proxy: one group of the proxy's options, immutable, each value
 * checked when it is set. Two ways are offered, both on by default:
 * <ul>
 *   <li><b>Client ID Metadata Documents</b> (CIMD, the way MCP recommends): the client's {@code client_id} is an
 *       https URL, and the proxy fetches the JSON document there for its name, redirect URIs and keys. Nothing is
 *       stored per client; the document is fetched under strict rules against server-side request forgery (https
 *       only, never an internal address, no redirects, a 5 KiB cap, a short timeout) and cached as its
 *       {@code Cache-Control} says;</li>
 *   <li><b>Dynamic client registration</b> (RFC 7591, deprecated by MCP but still what most clients do):
 *       {@code POST /oauth/register}.</li>
 * </ul>
 * A third kind, off by default, acts for itself rather than for a user: the {@linkplain MachineClient machine
 * clients} of the client-credentials grant, which the operator lists with {@link #clientCredentials}.
 *
 * <pre>{@code
 * OAuthProxy.builder(upstream)
 *         .clients(c -> c.allowedMetadataDocuments("claude.ai", "https://*.example.com/mcp/*")
 *                 .dynamicClientRegistration(false))
 * }</pre>
 *
 * @param dynamicClientRegistration whether clients may register at {@code POST /oauth/register}; default true
 * @param clientIdMetadataDocuments whether a {@code client_id} that is an https URL is resolved by fetching its
 *        metadata document; default true
 * @param allowedMetadataDocuments the hosts or URL patterns whose documents are accepted; null (the default) for
 *        any, see {@link #allowedMetadataDocuments(String...)}
 * @param allowedInternalNetworks internal networks (CIDR) that documents and their keys may be fetched from;
 *        default none
 * @param metadataDocumentTimeout the deadline of one fetch of a document or its keys; default 5 seconds
 * @param insecureLoopbackMetadataDocuments development only: documents at a loopback host, over plain http too;
 *        default false
 * @param machineClients the clients of the client-credentials grant; default none, the grant off
 */
public record Clients(boolean dynamicClientRegistration, boolean clientIdMetadataDocuments,
        List<String> allowedMetadataDocuments, List<String> allowedInternalNetworks, Duration metadataDocumentTimeout,
        boolean insecureLoopbackMetadataDocuments, List<MachineClient> machineClients) {

    private static final Clients DEFAULTS = new Clients(true, true, null, List.of(), Duration.ofSeconds(5), false,
            List.of());

    /** Checks every value; each error names the option, the value and what is allowed. */
    public Clients {
        if (allowedMetadataDocuments != null) {
            for (String entry : allowedMetadataDocuments) {
                if (!isValidEntry(entry)) {
                    throw new IllegalArgumentException("allowedMetadataDocuments: '" + entry + "' is neither a host "
                            + "(claude.ai, or *.example.com for the hosts under example.com) nor an https URL pattern "
                            + "(https://*.example.com/clients/*, with '*' only as the first label of the host, as the "
                            + "port or as the last path segment)");
                }
            }
            allowedMetadataDocuments = List.copyOf(allowedMetadataDocuments);
        }
        Objects.requireNonNull(allowedInternalNetworks, "allowedInternalNetworks == null; pass no network for none");
        allowedInternalNetworks.forEach(NetworkAddresses.Network::new); // checks the notation
        allowedInternalNetworks = List.copyOf(allowedInternalNetworks);
        if (metadataDocumentTimeout == null || metadataDocumentTimeout.compareTo(Duration.ofMillis(100)) < 0
                || metadataDocumentTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("metadataDocumentTimeout must be between 100 ms and 30 s (a stranger "
                    + "chooses the server it waits for), was " + metadataDocumentTimeout);
        }
        Objects.requireNonNull(machineClients, "machineClients == null; pass no client to turn the grant off");
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (MachineClient client : machineClients) {
            Objects.requireNonNull(client, "a machine client is null");
            if (!ids.add(client.clientId())) {
                throw new IllegalArgumentException("clientCredentials: the client id '" + client.clientId()
                        + "' is given twice; give each machine client its own id");
            }
        }
        machineClients = List.copyOf(machineClients);
    }

    /** The defaults listed on the record's components. */
    public static Clients defaults() {
        return DEFAULTS;
    }

    /**
     * Whether clients may register at {@code POST /oauth/register} (RFC 7591); default true, as long as MCP clients
     * rely on it. Off, the route is not served and the metadata names no {@code registration_endpoint}; clients
     * registered earlier (in a persistent storage) keep working.
     */
    public Clients dynamicClientRegistration(boolean enabled) {
        return new Clients(enabled, clientIdMetadataDocuments, allowedMetadataDocuments, allowedInternalNetworks,
                metadataDocumentTimeout, insecureLoopbackMetadataDocuments, machineClients);
    }

    /**
     * Whether a {@code client_id} that is an https URL is resolved by fetching its metadata document; default true.
     * The metadata then says {@code client_id_metadata_document_supported: true}. Off, such a client id is refused
     * with an error page, and nothing is fetched.
     */
    public Clients clientIdMetadataDocuments(boolean enabled) {
        return new Clients(dynamicClientRegistration, enabled, allowedMetadataDocuments, allowedInternalNetworks,
                metadataDocumentTimeout, insecureLoopbackMetadataDocuments, machineClients);
    }

    /**
     * Accepts metadata documents only from these hosts or URL patterns; not called (the default), any https URL is
     * accepted, as the MCP specification intends. A client id outside the list gets an error page and causes no
     * fetch at all. Entries:
     * <ul>
     *   <li>a host, matched exactly ({@code claude.ai}), or {@code *.example.com} for any host under
     *       {@code example.com} (not {@code example.com} itself);</li>
     *   <li>an https URL pattern, matched component by component with the grammar of
     *       {@link Limits#allowedRedirectUriPatterns(String...)}: {@code https://*.example.com/clients/*}.</li>
     * </ul>
     * An empty list accepts no document.
     */
    public Clients allowedMetadataDocuments(String... entries) {
        return allowedMetadataDocuments(Arrays.asList(entries));
    }

    /** See {@link #allowedMetadataDocuments(String...)}; {@code null} accepts any document again. */
    public Clients allowedMetadataDocuments(List<String> entries) {
        return new Clients(dynamicClientRegistration, clientIdMetadataDocuments, entries, allowedInternalNetworks,
                metadataDocumentTimeout, insecureLoopbackMetadataDocuments, machineClients);
    }

    /**
     * Internal networks that documents and their keys may be fetched from, in CIDR notation
     * ({@code 10.20.0.0/16}, {@code fd00:1::/64}). By default no internal address is ever fetched from: loopback,
     * private, link-local, carrier-grade NAT, unique local, multicast and the other special ranges are refused
     * however the host name resolves, so that a stranger's client id cannot make the server reach into its own
     * network. Allow a network only when its documents are meant to be read by this server (an intranet
     * deployment); https is still required.
     */
    public Clients allowedInternalNetworks(String... cidrs) {
        return new Clients(dynamicClientRegistration, clientIdMetadataDocuments, allowedMetadataDocuments,
                Arrays.asList(cidrs), metadataDocumentTimeout, insecureLoopbackMetadataDocuments, machineClients);
    }

    /**
     * The deadline of one fetch of a metadata document or of the keys it names, from the host name lookup to the
     * last byte; default 5 seconds, between 100 ms and 30 s. A sign-in waits for it.
     */
    public Clients metadataDocumentTimeout(Duration timeout) {
        return new Clients(dynamicClientRegistration, clientIdMetadataDocuments, allowedMetadataDocuments,
                allowedInternalNetworks, timeout, insecureLoopbackMetadataDocuments, machineClients);
    }

    /**
     * <b>Development only; insecure.</b> Accepts metadata documents served from a loopback host ({@code localhost},
     * {@code 127.0.0.1}, {@code [::1]}), over plain http or over https trusted through the JVM's usual trust store
     * settings, so that a client under development can publish its document on the developer's machine. It is
     * refused at start unless the server itself is on a loopback address, and logged as a warning: anyone who can
     * start a sign-in could otherwise make the server fetch from its own machine. Default false; the examples turn
     * it on with {@code FASTMCP_DEV_INSECURE_CIMD=1}.
     */
    public Clients insecureLoopbackMetadataDocuments(boolean enabled) {
        return new Clients(dynamicClientRegistration, clientIdMetadataDocuments, allowedMetadataDocuments,
                allowedInternalNetworks, metadataDocumentTimeout, enabled, machineClients);
    }

    /**
     * Turns on the client-credentials grant (the MCP extension {@code io.modelcontextprotocol/oauth-client-credentials})
     * for these machine clients, registered here by the operator: services with no user behind them, authenticating
     * with a secret or a signed assertion (see {@link MachineClient}). Off by default. With clients given, the
     * authorization server metadata lists the {@code client_credentials} grant and {@code server/discover} the
     * extension; no other client (registered, or of a metadata document) may use the grant, and machine clients may
     * use no other grant. Calling it again replaces the list; no client turns the grant off.
     */
    public Clients clientCredentials(MachineClient... clients) {
        return clientCredentials(Arrays.asList(clients));
    }

    /** See {@link #clientCredentials(MachineClient...)}. */
    public Clients clientCredentials(List<MachineClient> clients) {
        return new Clients(dynamicClientRegistration, clientIdMetadataDocuments, allowedMetadataDocuments,
                allowedInternalNetworks, metadataDocumentTimeout, insecureLoopbackMetadataDocuments, clients);
    }

    private static boolean isValidEntry(String entry) {
        if (entry == null || entry.isEmpty()) {
            return false;
        }
        if (entry.contains("://")) {
            return entry.toLowerCase(Locale.ROOT).startsWith("https://") && RedirectUris.isValidPattern(entry);
        }
        String host = entry.startsWith("*.") ? entry.substring(2) : entry;
        return host.length() <= 253 && host.toLowerCase(Locale.ROOT)
                .matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    }
}
