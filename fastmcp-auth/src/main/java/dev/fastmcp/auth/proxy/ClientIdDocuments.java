package dev.fastmcp.auth.proxy;

import dev.fastmcp.internal.GuardedFetch;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;
import tools.jackson.databind.JsonNode;

/**
 * Clients identified by a Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document): the
 * {@code client_id} is an https URL, and the JSON document served there says who the client is. Nothing is stored
 * per client; each use resolves the document through the {@link DocumentCache}, after {@link ClientIdUrls} accepted
 * the URL, fetched with a {@link GuardedFetch} of at most {@value #MAX_DOCUMENT_BYTES} bytes.
 *
 * <p>A document is valid when it is a JSON object whose {@code client_id} is exactly the URL it was fetched from,
 * with a {@code client_name} and {@code redirect_uris} (checked as registered ones are, allowed patterns
 * included), no {@code client_secret}, and a {@code token_endpoint_auth_method} of {@code none} (the default: a
 * public client proving itself with PKCE) or {@code private_key_jwt} with its public keys in {@code jwks} or at
 * {@code jwks_uri}. A document is shared by every server its client talks to, so grant types, response types and
 * scopes this server does not offer are ignored rather than refused.
 */
final class ClientIdDocuments {

    /** The largest document read (the draft recommends 5 kilobytes). */
    static final int MAX_DOCUMENT_BYTES = 5 * 1024;
    /** The largest key set read from a {@code jwks_uri}. */
    static final int MAX_KEY_SET_BYTES = 16 * 1024;
    /** The most documents, and key sets, kept by one instance. */
    static final int MAX_KEPT = 1000;

    private static final Set<String> METHODS = Set.of("none", "private_key_jwt");
    private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token");
    /** Members of a JWK that hold private or secret key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037). */
    private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    /**
     * How documents are reached: the host name resolver and the TLS context.
     *
     * @param resolver the resolver of host names
     * @param tls      the TLS context, or null for the JVM's default (its usual trust store settings)
     */
    record Transport(GuardedFetch.Resolver resolver, SSLContext tls) {

        /** The system's resolver and the JVM's default TLS context. */
        static final Transport SYSTEM = new Transport(GuardedFetch.SYSTEM_RESOLVER, null);

        SSLContext context() {
            try {
                return tls != null ? tls : SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JVM has no default TLS context to fetch metadata documents", e);
            }
        }
    }

    /**
     * A resolved client.
     *
     * @param client  the client as the endpoints see it
     * @param keys    its public keys, when its document holds them ({@code jwks}); else null
     * @param keysUrl where its public keys are ({@code jwks_uri}); else null
     */
    record Document(ProxyStore.ClientRecord client, List<JsonWebKey> keys, URI keysUrl) {
    }

    private final ClientIdUrls urls;
    private final ProxyOptions options;
    private final DocumentCache<Document> documents;
    private final DocumentCache<List<JsonWebKey>> keySets;
    private final ClientAssertions assertions;
    /** Documents fetched per client address, with the registrations' limit; null when it is off. */
    private final AddressLimit fetchesPerAddress;

    ClientIdDocuments(ProxyContext ctx) {
        Clients clients = ctx.settings.clients();
        Transport transport = ctx.settings.documentTransport();
        SSLContext tls = transport.context();
        Clock clock = Clock.systemUTC();
        this.urls = new ClientIdUrls(clients, ctx.baseUrl);
        this.options = ctx.settings.options();
        boolean shared = ctx.store.storage().sharedAcrossInstances();
        this.documents = new DocumentCache<>(new GuardedFetch(clients.metadataDocumentTimeout(), MAX_DOCUMENT_BYTES,
                tls, transport.resolver()), "metadata document", MAX_KEPT, clock,
                shared ? new DocumentCache.Shared(ctx.store, "cimd-document") : null);
        this.keySets = new DocumentCache<>(new GuardedFetch(clients.metadataDocumentTimeout(), MAX_KEY_SET_BYTES,
                tls, transport.resolver()), "key set (jwks_uri)", MAX_KEPT, clock,
                shared ? new DocumentCache.Shared(ctx.store, "cimd-keys") : null);
        this.assertions = new ClientAssertions(ctx.store, List.of(ctx.endpoint("/oauth/token"), ctx.baseUrl), clock);
        int perMinute = ctx.settings.limits().registrationRateLimit();
        this.fetchesPerAddress = AddressLimit.perMinute(ctx, "document-fetch", perMinute, clock);
    }

    /**
     * The client of a client id URL, from its (cached) document.
     *
     * @throws OAuthError {@code invalid_client} (400): refused by policy or form before any fetch, or the
     *                    document could not be had or is invalid; the description says which
     */
    ProxyStore.ClientRecord resolve(String clientId, String remoteAddress) throws OAuthError {
        return document(clientId, remoteAddress).client();
    }

    /**
     * Authenticates a {@code private_key_jwt} client by its assertion, signed with a key of its document.
     *
     * @throws OAuthError {@code invalid_client} saying what is wrong
     */
    ProxyStore.ClientRecord authenticate(String clientId, String assertion, String remoteAddress)
            throws OAuthError {
        Document d = document(clientId, remoteAddress);
        if (!"private_key_jwt".equals(d.client().authMethod())) {
            throw OAuthError.invalidClient("This client's metadata document declares token_endpoint_auth_method "
                    + d.client().authMethod() + ", so it authenticates with PKCE alone: send no client_assertion");
        }
        List<JsonWebKey> keys = d.keys() != null ? d.keys() : keySets.get(d.keysUrl(),
                urls.addressRule(d.keysUrl()), body -> keySet(new String(body, StandardCharsets.UTF_8),
                        "key set (jwks_uri) at " + ClientIdUrls.shown(d.keysUrl().toString())), gate(remoteAddress));
        assertions.verify(clientId, assertion, keys);
        return d.client();
    }

    private Document document(String clientId, String remoteAddress) throws OAuthError {
        URI uri = urls.check(clientId);
        return documents.get(uri, urls.addressRule(uri), body -> parse(clientId, body), gate(remoteAddress));
    }

    /**
     * Each fetch a client address causes counts against the registrations' limit per address
     * ({@code registrationRateLimit}): a document fetch is what a registration is to registered clients, and
     * without a bound one address could make this server fetch a new URL with every request.
     */
    private DocumentCache.Gate gate(String remoteAddress) {
        return () -> {
            if (fetchesPerAddress != null && !fetchesPerAddress.tryAcquire(remoteAddress)) {
                throw new OAuthError("temporarily_unavailable", "Too many client metadata documents were fetched "
                        + "for requests from this address; wait a minute and try again", 429);
            }
        };
    }

    private Document parse(String clientId, byte[] body) throws OAuthError {
        JsonNode doc;
        try {
            doc = ProxyHttp.JSON.readTree(body);
        } catch (RuntimeException e) {
            throw invalid(clientId, "it is not JSON");
        }
        if (doc == null || !doc.isObject()) {
            throw invalid(clientId, "it must be a JSON object");
        }
        JsonNode id = doc.get("client_id");
        if (id == null || !id.isString() || !id.asString().equals(clientId)) {
            throw invalid(clientId, "its client_id must be exactly the URL it is served at"
                    + (id != null && id.isString() ? ", not " + ClientIdUrls.shown(id.asString()) : ""));
        }
        if (doc.has("client_secret") || doc.has("client_secret_expires_at")) {
            throw invalid(clientId, "it holds a client_secret, which a public document cannot keep secret");
        }
        try {
            return fields(clientId, doc);
        } catch (OAuthError e) {
            throw e.error.equals("invalid_client") ? e : invalid(clientId, e.description);
        }
    }

    private Document fields(String clientId, JsonNode doc) throws OAuthError {
        String name = ClientMetadata.text(doc.get("client_name"), "client_name", ClientMetadata.MAX_CLIENT_NAME_CHARS);
        if (name == null || name.isBlank()) {
            throw invalid(clientId, "client_name is required");
        }
        List<String> redirectUris = ClientMetadata.strings(doc.get("redirect_uris"), "redirect_uris",
                ClientMetadata.MAX_REDIRECT_URIS);
        if (redirectUris.isEmpty()) {
            throw invalid(clientId, "redirect_uris is required: list the URIs that receive the authorization code");
        }
        for (String uri : redirectUris) {
            ClientMetadata.checkRedirectUri(uri, options.limits());
        }
        String method = ClientMetadata.text(doc.get("token_endpoint_auth_method"), "token_endpoint_auth_method", 50);
        method = method == null ? "none" : method;
        if (!METHODS.contains(method)) {
            throw invalid(clientId, "token_endpoint_auth_method must be none (a public client using PKCE) or "
                    + "private_key_jwt, not " + ProxyHttp.safe(method) + ": a method based on a shared secret "
                    + "cannot work with a public document");
        }
        List<String> grants = doc.has("grant_types")
                ? supported(ClientMetadata.strings(doc.get("grant_types"), "grant_types", 20), GRANT_TYPES)
                : List.of("authorization_code", "refresh_token");
        List<String> responseTypes = doc.has("response_types")
                ? supported(ClientMetadata.strings(doc.get("response_types"), "response_types", 20), Set.of("code"))
                : List.of("code");
        String scope = offered(ClientMetadata.text(doc.get("scope"), "scope", ClientMetadata.MAX_SCOPE_CHARS));
        List<JsonWebKey> keys = null;
        URI keysUrl = null;
        if (method.equals("private_key_jwt")) {
            JsonNode jwks = doc.get("jwks");
            String jwksUri = ClientMetadata.text(doc.get("jwks_uri"), "jwks_uri", ClientIdUrls.MAX_LENGTH);
            if ((jwks == null || jwks.isNull()) == (jwksUri == null)) {
                throw invalid(clientId, "private_key_jwt needs the client's public keys in exactly one of jwks and "
                        + "jwks_uri");
            }
            if (jwksUri != null) {
                keysUrl = urls.checkKeysUrl(jwksUri);
            } else {
                keys = keySet(jwks.toString(), "metadata document at " + ClientIdUrls.shown(clientId));
            }
        }
        ProxyStore.ClientRecord client = new ProxyStore.ClientRecord(clientId, null, method, redirectUris, grants,
                scope, name, 0, true, responseTypes);
        return new Document(client, keys, keysUrl);
    }

    /** The entries this server supports, in the document's order. */
    private static List<String> supported(List<String> values, Set<String> supported) {
        return values.stream().filter(supported::contains).distinct().toList();
    }

    /** The scopes of the document that this server offers (all of them when it names none); null for none. */
    private String offered(String scope) {
        if (scope == null || scope.isBlank()) {
            return null;
        }
        List<String> offered = options.scopes();
        List<String> kept = new ArrayList<>();
        for (String s : scope.trim().split("\\s+")) {
            if (offered.isEmpty() || offered.contains(s)) {
                kept.add(s);
            }
        }
        return kept.isEmpty() ? null : String.join(" ", kept);
    }

    /** A JWK set of public keys; {@code where} names it in errors. */
    static List<JsonWebKey> keySet(String json, String where) throws OAuthError {
        JsonNode set;
        try {
            set = ProxyHttp.JSON.readTree(json);
        } catch (RuntimeException e) {
            throw keys(where, "it is not JSON");
        }
        if (set == null || !set.isObject() || !set.has("keys") || !set.get("keys").isArray()
                || set.get("keys").isEmpty()) {
            throw keys(where, "it must be a JWK set: an object whose keys array holds at least one key");
        }
        for (JsonNode key : set.get("keys")) {
            if (!key.isObject() || PRIVATE_MEMBERS.stream().anyMatch(key::has)) {
                throw keys(where, "it holds private or secret key material (or a key that is not an object); "
                        + "publish public keys only");
            }
        }
        try {
            return List.copyOf(new JsonWebKeySet(json).getJsonWebKeys());
        } catch (JoseException | RuntimeException e) {
            throw keys(where, "a key could not be read (kty, and the members of its type, are required)");
        }
    }

    private static OAuthError keys(String where, String reason) {
        return new OAuthError("invalid_client", "The application's keys in its " + where + " are invalid: " + reason,
                400);
    }

    private static OAuthError invalid(String clientId, String reason) {
        return new OAuthError("invalid_client", "The application's metadata document at "
                + ClientIdUrls.shown(clientId) + " is invalid: " + reason, 400);
    }
}
