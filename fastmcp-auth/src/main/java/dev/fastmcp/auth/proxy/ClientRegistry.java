package dev.fastmcp.auth.proxy;

import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients: dynamic client registration (RFC 7591), clients identified by a metadata document URL
 * ({@link ClientIdDocuments}), and client authentication at the token and revocation endpoints.
 * Public clients register with {@code none} and prove possession with PKCE; confidential clients get a secret,
 * shown once and stored only as its keyed hash, and verified in constant time; clients of a metadata document
 * declaring {@code private_key_jwt} sign an assertion with one of their published keys. The operator's
 * {@link MachineClient}s authenticate with their secret or an assertion, at the token and revocation endpoints only.
 *
 * <p>Registration is open (MCP clients register themselves), so what it can cost is bounded three ways: the
 * metadata of one registration ({@link ClientMetadata}), the registrations per client address
 * ({@link RegistrationLimiter}), and the registrations that never obtained a token, whatever the number of
 * addresses: they expire after {@code registrationTtl} (one hour by default), and beyond
 * {@code maxUnusedRegistrations} the least recently used is deleted ({@link UnusedRegistrations}). A client that
 * obtained a token is kept for as long as its refresh tokens live and is never evicted.
 *
 * <p>{@code POST /oauth/register} answers CORS requests from any origin: browser-based clients (MCP Inspector,
 * web apps) register from a page of their own origin, and the request carries no cookie or other ambient
 * authority, so another origin gains nothing by it that a plain HTTP client does not have. That also lets any web
 * page make its visitors' browsers register clients; the bounds above are what make such a flood harmless.
 */
final class ClientRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);
    private static final long EVICTION_WARNING_INTERVAL_MILLIS = 10 * 60_000;

    private final ProxyContext ctx;
    /** Registrations per client address; null when the limit is off. */
    private final AddressLimit limiter;
    /** The bound on registrations that never obtained a token, whatever number of addresses they come from. */
    private final UnusedRegistrations unused;
    private final Clock clock;
    /** Clients of a metadata document; null when they are not accepted. */
    private final ClientIdDocuments documents;
    /** The machine clients of the client-credentials grant, by client id; empty when the grant is off. */
    private final Map<String, Machine> machines;
    private volatile long nextEvictionWarning;

    ClientRegistry(ProxyContext ctx) {
        this.ctx = ctx;
        this.clock = Clock.systemUTC();
        this.documents = ctx.settings.clients().clientIdMetadataDocuments() ? new ClientIdDocuments(ctx) : null;
        this.unused = new UnusedRegistrations(ctx.settings.limits().maxUnusedRegistrations());
        this.machines = Machine.index(ctx);
        int perMinute = ctx.settings.limits().registrationRateLimit();
        this.limiter = AddressLimit.perMinute(ctx, "register", perMinute, clock);
    }

    ServerResponse register(ServerRequest request) {
        if (limiter != null && !limiter.tryAcquire(request.remoteAddress())) {
            // The name of the TypeScript SDK's error for the same limit; RFC 7591 defines none.
            int perMinute = ctx.settings.limits().registrationRateLimit();
            long retryAfter = Math.max(1, (RegistrationLimiter.DEFAULT_WINDOW.getSeconds() + perMinute - 1)
                    / perMinute);
            return ProxyHttp.error(new OAuthError("too_many_requests", "Too many client registrations from this "
                    + "address; retry later", 429)).withHeader("Retry-After", Long.toString(retryAfter));
        }
        try {
            return ProxyHttp.noStoreJson(201, registerOrThrow(request));
        } catch (OAuthError e) {
            return ProxyHttp.error(e);
        }
    }

    private Map<String, Object> registerOrThrow(ServerRequest request) throws OAuthError {
        ClientMetadata metadata = ClientMetadata.read(request, ctx.settings.options());
        String clientId = ProxyStore.randomValue(16);
        String secret = metadata.authMethod().equals("none") ? null : ProxyStore.randomValue(32);
        long now = clock.millis();
        long issuedAt = now / 1000;
        ProxyStore.ClientRecord client = new ProxyStore.ClientRecord(clientId,
                secret == null ? null : ctx.store.hash(secret), metadata.authMethod(), metadata.redirectUris(),
                metadata.grantTypes(), metadata.scope(), metadata.clientName(), issuedAt, false,
                metadata.responseTypes());
        long ttl = unusedTtlSeconds();
        ctx.store.save(ProxyStore.CLIENT, clientId, client, ttl);
        for (String oldest : unused.add(clientId, now + ttl * 1000, now)) {
            evict(oldest, now);
        }
        return metadata.response(clientId, secret, issuedAt);
    }

    /**
     * How long a registration that obtained no token is stored: {@code registrationTtl}, plus the longest a
     * sign-in can take (consent page, identity provider, callback, code exchange), so that a sign-in started within
     * {@code registrationTtl} of registering still gets its token.
     */
    private long unusedTtlSeconds() {
        Lifetimes l = ctx.settings.lifetimes();
        return ProxyContext.seconds(l.registrationTtl()) + 2 * ProxyContext.seconds(l.transactionTtl())
                + ProxyContext.seconds(l.authorizationCodeTtl());
    }

    /**
     * Deletes an unused registration pushed out of the bound. It is taken, not just deleted, so that one which
     * obtained a token meanwhile (through another instance sharing the storage) is put back: used registrations
     * are never evicted. Should its first token be issued while it is out, that exchange saves it again.
     */
    private void evict(String clientId, long now) {
        ProxyStore.ClientRecord taken = ctx.store.take(ProxyStore.CLIENT, clientId, ProxyStore.ClientRecord.class);
        if (taken != null && taken.used()) {
            ctx.store.saveIfAbsent(ProxyStore.CLIENT, clientId, taken, usedTtlSeconds());
        }
        long next = nextEvictionWarning;
        if (now >= next) {
            nextEvictionWarning = now + EVICTION_WARNING_INTERVAL_MILLIS;
            LOG.warn("OAuthProxy: more than {} client registrations without a token; the least recently used are "
                    + "deleted (maxUnusedRegistrations). Many registrations are coming in: a flood, or many new "
                    + "clients at once", ctx.settings.limits().maxUnusedRegistrations());
        }
    }

    /**
     * The client of {@code clientId}: the one its metadata document describes when it is a URL, else the registered
     * client, or null.
     *
     * @param remoteAddress the client address the request came from: fetching a document counts against its limit
     * @throws OAuthError {@code invalid_client} (400) for a URL client id refused by policy, or whose document
     *                    could not be had or is invalid, the description saying which, for an error page; 429
     *                    {@code temporarily_unavailable} when the address fetched too many documents
     */
    ProxyStore.ClientRecord find(String clientId, String remoteAddress) throws OAuthError {
        if (clientId != null && machines.containsKey(clientId)) {
            throw new OAuthError("unauthorized_client", "This application is a machine client of the "
                    + "client-credentials grant: it gets its tokens at the token endpoint, and cannot sign users in",
                    400);
        }
        if (ClientIdUrls.isUrl(clientId)) {
            if (documents == null) {
                throw new OAuthError("invalid_client", "This server does not accept client metadata documents (a "
                        + "client_id that is a URL); the application must register first", 400);
            }
            return documents.resolve(clientId, remoteAddress);
        }
        if (clientId == null || clientId.isEmpty() || clientId.length() > 200) {
            return null;
        }
        return ctx.store.get(ProxyStore.CLIENT, clientId, ProxyStore.ClientRecord.class);
    }

    /**
     * A sign-in was started for {@code client} (past the per-address limit): a registration not yet used counts
     * as seen now, so a flood of new registrations evicts abandoned ones first (see {@link UnusedRegistrations}).
     */
    void signInStarted(ProxyStore.ClientRecord client) {
        if (!client.used()) {
            unused.touch(client.clientId());
        }
    }

    /** After a first token: the registration no longer expires with the unused-registration TTL. */
    void markUsed(ProxyStore.ClientRecord client) {
        ctx.store.save(ProxyStore.CLIENT, client.clientId(), client.markUsed(), usedTtlSeconds());
        unused.remove(client.clientId());
    }

    private long usedTtlSeconds() {
        return ProxyContext.seconds(ctx.settings.lifetimes().refreshTokenTtl()) + 86_400;
    }

    /**
     * Authenticates the client of a token or revocation request: a confidential client with the method it
     * registered ({@code client_secret_basic}: the {@code Authorization} header only; {@code client_secret_post}:
     * the form only), its secret compared in constant time; a public client by {@code client_id} alone. Malformed
     * credentials are {@code invalid_client} like wrong ones, and no part of them goes into the answer or a log.
     */
    ProxyStore.ClientRecord authenticate(ServerRequest request, Map<String, String> form) throws OAuthError {
        if (form.containsKey("client_assertion") || form.containsKey("client_assertion_type")) {
            return authenticateAssertion(request, form);
        }
        String id = form.get("client_id");
        String secret = form.get("client_secret");
        String method = secret != null ? "client_secret_post" : "none";
        String authorization = request.header("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            BasicCredentials basic = BasicCredentials.parse(authorization.substring(6));
            if (id != null && !id.equals(basic.clientId()) || secret != null) {
                throw OAuthError.invalidRequest("Use one client authentication method only");
            }
            id = basic.clientId();
            secret = basic.secret();
            method = "client_secret_basic";
        }
        Machine machine = id == null ? null : machines.get(id);
        if (machine != null) {
            return machine.authenticate(method, secret);
        }
        ProxyStore.ClientRecord client = knownClient(id, request.remoteAddress());
        if (client == null) {
            throw OAuthError.invalidClient("Client authentication failed");
        }
        if (client.authMethod().equals("private_key_jwt")) {
            throw OAuthError.invalidClient("This client's metadata document declares private_key_jwt: authenticate "
                    + "with a client_assertion (RFC 7523) signed by one of the keys it publishes");
        }
        if (client.isPublic()) {
            return client;
        }
        if (!method.equals(client.authMethod())) {
            throw OAuthError.invalidClient("Client authentication failed: this client registered "
                    + client.authMethod() + (client.authMethod().equals("client_secret_basic")
                    ? ", so its credentials go in the Authorization header (HTTP Basic)"
                    : ", so its client_id and client_secret go in the form body"));
        }
        if (secret == null || secret.isEmpty()) {
            throw OAuthError.invalidClient("Client authentication failed");
        }
        byte[] given = ctx.store.hash(secret).getBytes(StandardCharsets.US_ASCII);
        byte[] stored = client.secretHash().getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, stored)) {
            throw OAuthError.invalidClient("Client authentication failed");
        }
        return client;
    }

    /** {@link #find} for the token endpoint: a client that cannot be had is {@code invalid_client} at 401. */
    private ProxyStore.ClientRecord knownClient(String clientId, String remoteAddress) throws OAuthError {
        try {
            return find(clientId, remoteAddress);
        } catch (OAuthError e) {
            throw e.status == 429 ? e : OAuthError.invalidClient(e.description);
        }
    }

    /**
     * {@code private_key_jwt} (RFC 7523 §2.2): the client, named by the assertion's {@code iss} (and by
     * {@code client_id} when sent, which must agree), is one of a metadata document that publishes its keys.
     */
    private ProxyStore.ClientRecord authenticateAssertion(ServerRequest request, Map<String, String> form)
            throws OAuthError {
        if (!ClientAssertions.TYPE.equals(form.get("client_assertion_type"))) {
            throw OAuthError.invalidClient("client_assertion_type must be " + ClientAssertions.TYPE);
        }
        String assertion = form.get("client_assertion");
        if (assertion == null || assertion.isEmpty() || assertion.length() > 8192) {
            throw OAuthError.invalidClient("client_assertion is required: a JWT of at most 8192 characters");
        }
        String authorization = request.header("authorization");
        if (form.containsKey("client_secret") || authorization != null
                && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw OAuthError.invalidRequest("Use one client authentication method only");
        }
        String claimed = ClientAssertions.claimedClient(assertion);
        String id = form.get("client_id");
        if (id != null && !id.equals(claimed)) {
            throw OAuthError.invalidClient("The client_assertion was issued (iss) by another client than client_id");
        }
        Machine machine = machines.get(claimed);
        if (machine != null) {
            return machine.authenticate(assertion);
        }
        if (!ClientIdUrls.isUrl(claimed) || documents == null) {
            throw OAuthError.invalidClient("client_assertion is accepted only from clients identified by a metadata "
                    + "document URL that declares private_key_jwt");
        }
        try {
            return documents.authenticate(claimed, assertion, request.remoteAddress());
        } catch (OAuthError e) {
            throw e.status == 401 || e.status == 429 ? e : OAuthError.invalidClient(e.description);
        }
    }

    /** Whether {@code clientId} is a machine client of the client-credentials grant. */
    boolean isMachine(String clientId) {
        return machines.containsKey(clientId);
    }

    /** The machine client {@code client} authenticated as; null when it is another kind of client. */
    MachineClient machine(ProxyStore.ClientRecord client) {
        Machine m = machines.get(client.clientId());
        return m == null || m.record() != client ? null : m.client();
    }

    /**
     * A machine client as the token endpoint sees it: the operator's definition, the client record it
     * authenticates as (the {@code client_credentials} grant only, no redirect URI), and its assertions' checker.
     */
    private record Machine(MachineClient client, ProxyStore.ClientRecord record, ClientAssertions assertions) {

        static Map<String, Machine> index(ProxyContext ctx) {
            Map<String, Machine> out = new java.util.HashMap<>();
            ClientAssertions assertions = new ClientAssertions(ctx.store, List.of(ctx.endpoint("/oauth/token"),
                    ctx.baseUrl, ctx.baseUrl + "/"), Clock.systemUTC());
            for (MachineClient c : ctx.settings.clients().machineClients()) {
                ProxyStore.ClientRecord record = new ProxyStore.ClientRecord(c.clientId(), null,
                        c.usesKeys() ? "private_key_jwt" : "client_secret_basic", List.of(),
                        List.of("client_credentials"), String.join(" ", c.scopes()), c.clientId(), 0, true, List.of());
                out.put(c.clientId(), new Machine(c, record, assertions));
            }
            return Map.copyOf(out);
        }

        /** With a secret, in the header ({@code client_secret_basic}) or the form ({@code client_secret_post}). */
        ProxyStore.ClientRecord authenticate(String method, String secret) throws OAuthError {
            if (client.usesKeys()) {
                throw OAuthError.invalidClient("This machine client authenticates with private_key_jwt: send a "
                        + "client_assertion (RFC 7523) signed with its private key");
            }
            if (method.equals("none") || !client.secretMatches(secret)) {
                throw OAuthError.invalidClient("Client authentication failed");
            }
            return record;
        }

        /** With a signed assertion ({@code private_key_jwt}), its {@code jti} claimed once. */
        ProxyStore.ClientRecord authenticate(String assertion) throws OAuthError {
            if (!client.usesKeys()) {
                throw OAuthError.invalidClient("This machine client authenticates with its client secret, not with a "
                        + "client_assertion");
            }
            assertions.verify(client.clientId(), assertion, client.keys());
            return record;
        }
    }

    /** The client id and secret of an HTTP Basic {@code Authorization} header (RFC 6749 §2.3.1). */
    private record BasicCredentials(String clientId, String secret) {

        /**
         * Decodes the credentials: base64, then each part form-urlencoded. Whatever fails to decode is
         * {@code invalid_client}; the exception, which could quote the bytes, is dropped.
         */
        static BasicCredentials parse(String encoded) throws OAuthError {
            try {
                String decoded = new String(Base64.getDecoder().decode(encoded.trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon >= 0) {
                    return new BasicCredentials(URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                            URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
                }
            } catch (IllegalArgumentException e) {
                // below: the same answer as for a missing colon
            }
            throw OAuthError.invalidClient("Malformed Basic credentials: send base64(client_id:client_secret), each "
                    + "form-urlencoded first");
        }
    }
}
