package dev.fastmcp.auth.proxy;

import static dev.fastmcp.Auth.requireAuth;
import static dev.fastmcp.testsupport.Browser.encodeForm;
import static dev.fastmcp.testsupport.Browser.hiddenFields;
import static dev.fastmcp.testsupport.Browser.json;
import static dev.fastmcp.testsupport.Browser.location;
import static dev.fastmcp.testsupport.Browser.query;
import static dev.fastmcp.testsupport.Browser.setCookie;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.testsupport.Browser;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * A FastMCP server protected by an {@link OAuthProxy} in front of mock-oauth2-server, and a browser-like HTTP
 * client that drives the sign-in by hand: redirects are followed one by one and cookies carried explicitly.
 */
final class ProxyHarness implements AutoCloseable {

    static final String ISSUER_ID = "idp";
    static final String USER = "alice-123";
    static final String CLIENT_REDIRECT = "http://127.0.0.1:47123/callback";
    /** The proxy's secret: random key material, as {@code openssl rand -base64 32} gives. */
    static final String SECRET = "lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=";

    final MockOAuth2Server idp = new MockOAuth2Server();
    final OAuthProxy proxy;
    final FastMCP server;
    final Browser browser = new Browser();

    ProxyHarness(UnaryOperator<OAuthProxy.Builder> customize) {
        this(null, (idp, b) -> customize.apply(b));
    }

    /**
     * A server whose public URL (the issuer of its tokens) is {@code serverBaseUrl}, as for instances behind one
     * load balancer or a restarted server; null for its own address.
     */
    ProxyHarness(String serverBaseUrl, UnaryOperator<OAuthProxy.Builder> customize) {
        this(serverBaseUrl, (idp, b) -> customize.apply(b));
    }

    /** With options that need the upstream's URLs (its issuer, its JWKS). */
    ProxyHarness(BiFunction<MockOAuth2Server, OAuthProxy.Builder, OAuthProxy.Builder> customize) {
        this(null, customize);
    }

    /** Both: a fixed public URL, and options that need the upstream's URLs. */
    ProxyHarness(String serverBaseUrl, BiFunction<MockOAuth2Server, OAuthProxy.Builder, OAuthProxy.Builder> customize) {
        this(serverBaseUrl, customize, app -> app);
    }

    /** All three: a fixed public URL, proxy options, and server options (e.g. trusting forwarded headers). */
    ProxyHarness(String serverBaseUrl, BiFunction<MockOAuth2Server, OAuthProxy.Builder, OAuthProxy.Builder> customize,
            UnaryOperator<FastMCP.Builder> serverOptions) {
        this(serverBaseUrl, customize, serverOptions, proxy -> proxy);
    }

    /** And the server's auth provider made from the proxy (the proxy among other ways in, say). */
    ProxyHarness(String serverBaseUrl, BiFunction<MockOAuth2Server, OAuthProxy.Builder, OAuthProxy.Builder> customize,
            UnaryOperator<FastMCP.Builder> serverOptions,
            java.util.function.Function<OAuthProxy, dev.fastmcp.AuthProvider> auth) {
        idp.start();
        OAuthProxy.Builder b = OAuthProxy.builder(Upstream.of(idp.authorizationEndpointUrl(ISSUER_ID).toString(),
                idp.tokenEndpointUrl(ISSUER_ID).toString(), "proxy-client", "proxy-client-secret"))
                .scopes("openid", "profile")
                .secret(SECRET);
        try {
            proxy = customize.apply(idp, b).build();
        } catch (RuntimeException e) {
            idp.shutdown();
            throw e;
        }
        FastMCP.Builder app = FastMCP.builder("proxied", "1.0.0");
        if (serverBaseUrl != null) {
            app.baseUrl(serverBaseUrl);
        }
        server = serverOptions.apply(app)
                .auth(auth.apply(proxy))
                .addTool(Tool.builder("upstream_token").description("The upstream access token of the caller")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> ctx.auth().accessToken() == null ? "none" : ctx.auth().accessToken())
                        .build())
                .addTool(Tool.builder("whoami").description("The caller").canAccess(requireAuth())
                        .execute((args, ctx) -> ctx.auth().subject() + "|" + ctx.auth().clientId() + "|"
                                + (ctx.auth() instanceof ProxySession p ? p.upstreamClaims().get("email") : null))
                        .build())
                .build()
                .start(StartOptions.http().port(0));
    }

    ProxyHarness() {
        this(b -> b);
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    String mcpUrl() {
        return base() + "/mcp";
    }

    @Override
    public void close() {
        server.close();
        idp.shutdown();
    }

    /** The next upstream token response carries this user, with an e-mail claim. */
    void enqueueUser(String subject) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of("proxy-client"),
                Map.of("email", subject + "@example.com"), 3600));
    }

    // ---- raw HTTP -------------------------------------------------------------------------------------------

    HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        return browser.get(url, headers);
    }

    HttpResponse<String> postForm(String path, Map<String, String> form, String... headers)
            throws IOException, InterruptedException {
        return browser.postForm(base() + path, form, headers);
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return browser.postJson(base() + path, json);
    }

    /** The binding cookie pair ("name=value") set by a response, else its first cookie. */
    static String cookie(HttpResponse<String> r) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.contains(AuthorizeEndpoint.BINDING_COOKIE_PREFIX)).findFirst()
                .map(Browser::pair).orElseGet(() -> Browser.cookie(r));
    }

    // ---- flow steps -----------------------------------------------------------------------------------------

    /** Registers a client; returns the registration response body. */
    Map<String, Object> register(String authMethod, String... redirectUris) throws IOException, InterruptedException {
        String uris = String.join("\",\"", redirectUris);
        HttpResponse<String> r = postJson("/oauth/register", "{\"client_name\":\"Test client\",\"redirect_uris\":[\""
                + uris + "\"],\"token_endpoint_auth_method\":\"" + authMethod + "\",\"grant_types\":"
                + "[\"authorization_code\",\"refresh_token\"],\"response_types\":[\"code\"]}");
        assertEquals(201, r.statusCode(), r.body());
        return json(r);
    }

    String registerPublic() throws IOException, InterruptedException {
        return (String) register("none", CLIENT_REDIRECT).get("client_id");
    }

    String authorizeUrl(String clientId, String redirectUri, String challenge, String state, String... extra) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", clientId);
        p.put("redirect_uri", redirectUri);
        if (challenge != null) {
            p.put("code_challenge", challenge);
            p.put("code_challenge_method", "S256");
        }
        p.put("state", state);
        p.put("scope", "openid profile");
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return base() + "/oauth/authorize?" + encodeForm(p);
    }

    /**
     * Not a form field: the browser's CSRF cookie ("name=value") that the page set, kept with its fields so that
     * {@link #consent} can send it back as the browser would.
     */
    static final String CSRF_COOKIE = "#cookie";

    /** The hidden fields (transaction_id, csrf_token) of a consent page, and its CSRF cookie. */
    static Map<String, String> consentFields(HttpResponse<String> page) {
        Map<String, String> fields = hiddenFields(page);
        assertNotNull(fields.get("transaction_id"), page.body());
        String csrf = setCookie(page, AuthorizeEndpoint.CSRF_COOKIE_PREFIX);
        assertNotNull(csrf, "the consent page sets its CSRF cookie");
        fields.put(CSRF_COOKIE, Browser.pair(csrf));
        return fields;
    }

    /**
     * Posts the consent form from this server's page in the browser that got it (with its CSRF cookie); returns
     * the response (302 upstream with the binding cookie on approve).
     */
    HttpResponse<String> consent(Map<String, String> fields, String action) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>(fields);
        form.put("action", action);
        String cookie = form.remove(CSRF_COOKIE);
        return cookie == null ? postForm("/oauth/consent", form) : postForm("/oauth/consent", form, "Cookie", cookie);
    }

    /** What the client's redirect URI received. */
    record ClientCallback(String code, String state, String iss, Map<String, String> params) {
    }

    /** Sends the browser upstream (auto-approving mock) and returns our callback URL it comes back with. */
    String throughUpstream(HttpResponse<String> approve) throws IOException, InterruptedException {
        String upstream = location(approve);
        assertTrue(upstream.startsWith(idp.authorizationEndpointUrl(ISSUER_ID).toString()), upstream);
        return location(get(upstream));
    }

    /**
     * The whole browser part for a client: authorize, consent, upstream, callback. {@code extra} are more
     * authorization request parameters, name then value (e.g. "scope" to ask for other scopes).
     */
    ClientCallback signIn(String clientId, String redirectUri, PKCEUtils.PKCEPair pkce, String subject,
            String... extra) throws IOException, InterruptedException {
        enqueueUser(subject);
        HttpResponse<String> page = get(authorizeUrl(clientId, redirectUri, pkce.challenge(), "client-state",
                extra));
        HttpResponse<String> approve = consent(consentFields(page), "approve");
        String callback = throughUpstream(approve);
        HttpResponse<String> back = get(callback, "Cookie", cookie(approve));
        String clientUrl = location(back);
        assertTrue(clientUrl.startsWith(redirectUri + "?"), clientUrl);
        Map<String, String> q = query(clientUrl);
        return new ClientCallback(q.get("code"), q.get("state"), q.get("iss"), q);
    }

    HttpResponse<String> exchange(String clientId, String code, String verifier, String redirectUri,
            String... headers) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        if (clientId != null) {
            form.put("client_id", clientId);
        }
        return postForm("/oauth/token", form, headers);
    }

    HttpResponse<String> refresh(String clientId, String refreshToken) throws IOException, InterruptedException {
        return postForm("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", clientId));
    }

    /**
     * Sign in and exchange: the token response of a registered public client; {@code extra} as for
     * {@link #signIn}.
     */
    Map<String, Object> tokensFor(String clientId, String subject, String... extra)
            throws IOException, InterruptedException {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ClientCallback cb = signIn(clientId, CLIENT_REDIRECT, pkce, subject, extra);
        HttpResponse<String> r = exchange(clientId, cb.code(), pkce.verifier(), CLIENT_REDIRECT);
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }
}
