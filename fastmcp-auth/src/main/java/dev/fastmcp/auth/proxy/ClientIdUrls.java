package dev.fastmcp.auth.proxy;

import dev.fastmcp.internal.GuardedFetch;
import dev.fastmcp.internal.Loopback;
import dev.fastmcp.internal.NetworkAddresses;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Which client ids are metadata document URLs, which of them the operator's {@link Clients} policy accepts, and
 * which addresses their documents (and the keys they name) may be fetched from. Everything here is decided before
 * any fetch: a client id refused by policy or by its form causes no network traffic at all.
 *
 * <p>A Client Identifier URL (draft-ietf-oauth-client-id-metadata-document §3) is {@code https}, has a host and a
 * path, and has no userinfo, fragment or dot segment; it is compared as a string, so it is also kept to printable
 * ASCII here. Plain {@code http}, and any host that is loopback by its text, are refused unless
 * {@link Clients#insecureLoopbackMetadataDocuments(boolean)} is on, which then accepts loopback hosts only.
 */
final class ClientIdUrls {

    /** The longest client id URL accepted; it is stored in every token and code of the client. */
    static final int MAX_LENGTH = 512;

    private final Clients options;
    private final List<NetworkAddresses.Network> networks;

    /**
     * @param serverBaseUrl this server's base URL: the insecure loopback mode is refused unless it is loopback too
     * @throws IllegalStateException when the insecure loopback mode is on for a server others can reach
     */
    ClientIdUrls(Clients options, String serverBaseUrl) {
        this.options = options;
        this.networks = options.allowedInternalNetworks().stream().map(NetworkAddresses.Network::new).toList();
        if (options.clientIdMetadataDocuments() && options.insecureLoopbackMetadataDocuments()
                && !Loopback.isLoopbackHost(URI.create(serverBaseUrl).getHost())) {
            throw new IllegalStateException("insecureLoopbackMetadataDocuments (FASTMCP_DEV_INSECURE_CIMD in the "
                    + "examples) is for a server on the developer's machine, but this server's base URL is "
                    + serverBaseUrl + ". Turn it off, or run the server on localhost");
        }
    }

    /**
     * Whether {@code clientId} names a metadata document rather than a registration: it has a scheme. Registered
     * client ids are random base64url, which never holds {@code ':'}.
     */
    static boolean isUrl(String clientId) {
        return clientId != null && clientId.contains("://");
    }

    /**
     * The client id as the URL to fetch, once its form and the operator's policy accept it; nothing is fetched.
     *
     * @throws OAuthError {@code invalid_client} saying what is wrong and, for the policy, that the operator decided
     */
    URI check(String clientId) throws OAuthError {
        if (!options.clientIdMetadataDocuments()) {
            throw refused("This server does not accept client metadata documents (a client_id that is a URL)"
                    + (options.dynamicClientRegistration() ? "; the application must register first" : ""));
        }
        URI uri = form(clientId, "client_id");
        if (!allowedByPolicy(uri, clientId)) {
            throw refused("This server does not accept the application " + shown(clientId) + ": its operator "
                    + "allows only some client metadata documents (by host or URL), and this is not one of them");
        }
        return uri;
    }

    /** The {@code jwks_uri} of a document, under the same rules of form (not the policy's list of hosts). */
    URI checkKeysUrl(String url) throws OAuthError {
        return form(url, "jwks_uri");
    }

    /** The rule for the addresses of {@code uri}'s host. */
    GuardedFetch.AddressRule addressRule(URI uri) {
        boolean loopbackHost = options.insecureLoopbackMetadataDocuments() && Loopback.isLoopbackHost(uri.getHost());
        return address -> {
            for (NetworkAddresses.Network n : networks) {
                if (n.contains(address)) {
                    return null;
                }
            }
            if (loopbackHost) {
                return Loopback.isLoopbackAddress(address) ? null : "not a loopback address, as its host name says";
            }
            return NetworkAddresses.whyInternal(address);
        };
    }

    private URI form(String url, String field) throws OAuthError {
        if (url.length() > MAX_LENGTH || !url.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw refused("The " + field + " URL must be printable ASCII without spaces, at most " + MAX_LENGTH
                    + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused("The " + field + " " + shown(url) + " is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        String host = uri.getHost();
        if (host == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw refused("The " + field + " " + shown(url) + " must be an https URL with a host, and no user "
                    + "information or fragment");
        }
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty()
                || RedirectUris.hasDotSegmentOrEncodedControl(uri.getRawPath())) {
            throw refused("The " + field + " " + shown(url) + " must have a path (such as /client.json) without "
                    + "'.' or '..' segments");
        }
        boolean loopback = Loopback.isLoopbackHost(host);
        if (loopback && !options.insecureLoopbackMetadataDocuments()) {
            throw refused("The " + field + " " + shown(url) + " is on a loopback host, which this server never "
                    + "fetches from; publish the document at a public https URL");
        }
        if (scheme.equals("http") && loopback) {
            return uri; // the insecure development mode, checked above
        }
        if (!scheme.equals("https")) {
            throw refused("The " + field + " " + shown(url) + " must use https");
        }
        return uri;
    }

    private boolean allowedByPolicy(URI uri, String url) {
        List<String> allowed = options.allowedMetadataDocuments();
        if (allowed == null) {
            return true;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        for (String entry : allowed) {
            if (entry.contains("://")) {
                if (RedirectUris.matchesPattern(url, List.of(entry))) {
                    return true;
                }
            } else if (entry.startsWith("*.") ? host.endsWith(entry.substring(1).toLowerCase(Locale.ROOT))
                    : host.equals(entry.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** A URL as quoted in an error: already printable ASCII here, and bounded. */
    static String shown(String url) {
        String printable = url.chars().allMatch(c -> c > 0x20 && c < 0x7F) ? url : "(a URL with unusual characters)";
        return printable.length() > 120 ? printable.substring(0, 120) + "..." : printable;
    }

    private static OAuthError refused(String description) {
        return new OAuthError("invalid_client", description, 400);
    }
}
