package dev.fastmcp.ci.modern;

import static dev.fastmcp.ci.modern.Checks.require;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The OAuth side of an MCP client app, as the authorization spec of MCP describes it: from the
 * {@code resource_metadata} of a 401, the protected resource metadata (RFC 9728) and the authorization server's
 * metadata (RFC 8414); dynamic client registration (RFC 7591) of a public client; an authorization code request
 * with PKCE S256 and the {@code resource} indicator (RFC 8707), walked in the user's {@link Browser}, which
 * approves on the consent page; the checks of the redirect ({@code state}, and the RFC 9207 {@code iss}); the code
 * exchange. Every code, token, verifier and client id is registered with {@link Checks#secret} before anything
 * could print it.
 */
final class OAuthFlow {

    /** The app's redirect URI: loopback, never listened on; the browser stops at the redirect to it. */
    static final String REDIRECT_URI = "http://127.0.0.1:33419/java-modern-client/callback";

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final TypeRef<Map<String, Object>> OBJECT = new TypeRef<>() {
    };

    /** The protected resource metadata and its authorization server's metadata. */
    record Discovery(URI resourceMetadataUrl, Map<String, Object> resource, URI issuer, Map<String, Object> server) {

        URI endpoint(String name) {
            return URI.create(String.valueOf(server.get(name)));
        }
    }

    /** A registered client. */
    record Client(String clientId) {
    }

    /** The tokens of one sign-in, and the scopes granted. */
    record Tokens(String accessToken, String refreshToken, Set<String> scopes) {
    }

    /**
     * What one sign-in did.
     *
     * @param hops         every request of the browser, with its status
     * @param consentShown whether the consent page was shown (else an earlier approval was remembered)
     * @param iss          the {@code iss} of the redirect to the app, or null
     */
    record SignIn(List<String> hops, boolean consentShown, String iss, Tokens tokens) {
    }

    private final HttpClient http;
    private final URI mcp;
    private final Checks checks;

    OAuthFlow(HttpClient http, URI mcp, Checks checks) {
        this.http = http;
        this.mcp = mcp;
        this.checks = checks;
    }

    /** Reads the metadata a 401's {@code resource_metadata} leads to, and checks it names this server. */
    Discovery discover(String resourceMetadataUrl) throws IOException, InterruptedException {
        require(resourceMetadataUrl != null, "the 401 challenge names no resource_metadata");
        URI prmUrl = URI.create(resourceMetadataUrl);
        Map<String, Object> prm = getJson(prmUrl);
        require(mcp.toString().equals(prm.get("resource")),
                "protected resource metadata: resource " + prm.get("resource") + " is not " + mcp);
        require(prm.get("authorization_servers") instanceof List<?> l && !l.isEmpty(),
                "protected resource metadata: no authorization_servers in " + prm);
        URI issuer = URI.create(String.valueOf(((List<?>) prm.get("authorization_servers")).get(0)));
        require(Browser.origin(issuer).equals(Browser.origin(mcp)),
                "the authorization server " + issuer + " is not on the MCP server's origin " + Browser.origin(mcp));

        // RFC 8414 section 3: the well-known segment goes between the host and the issuer's path.
        String path = issuer.getPath() == null || issuer.getPath().equals("/") ? "" : issuer.getPath();
        Map<String, Object> as = getJson(URI.create(Browser.origin(issuer) + "/.well-known/oauth-authorization-server"
                + path));
        require(trimSlash(issuer.toString()).equals(trimSlash(String.valueOf(as.get("issuer")))),
                "authorization server metadata: issuer " + as.get("issuer") + " is not " + issuer);
        for (String name : List.of("authorization_endpoint", "token_endpoint", "registration_endpoint")) {
            require(as.get(name) instanceof String s && Browser.origin(URI.create(s)).equals(Browser.origin(mcp)),
                    "authorization server metadata: " + name + " " + as.get(name) + " is missing or not on "
                            + Browser.origin(mcp));
        }
        require(as.get("code_challenge_methods_supported") instanceof List<?> m && m.contains("S256"),
                "authorization server metadata: code_challenge_methods_supported lacks S256: "
                        + as.get("code_challenge_methods_supported"));
        return new Discovery(prmUrl, prm, issuer, as);
    }

    /** Registers a public client (no secret) with {@link #REDIRECT_URI}. */
    Client register(Discovery discovery, String clientName) throws IOException, InterruptedException {
        Map<String, Object> metadata = Map.of("client_name", clientName, "redirect_uris", List.of(REDIRECT_URI),
                "grant_types", List.of("authorization_code", "refresh_token"), "response_types", List.of("code"),
                "token_endpoint_auth_method", "none");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(discovery.endpoint("registration_endpoint"))
                .timeout(TIMEOUT).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(metadata))).build(),
                HttpResponse.BodyHandlers.ofString());
        require(response.statusCode() == 201 || response.statusCode() == 200,
                "registration: HTTP " + response.statusCode() + ": " + response.body());
        Map<String, Object> client = JSON.readValue(response.body(), OBJECT);
        require(client.get("client_id") instanceof String id && !id.isEmpty(), "registration: no client_id");
        checks.secret((String) client.get("client_id"));
        Object method = client.get("token_endpoint_auth_method");
        require(method == null || "none".equals(method),
                "registration: asked for a public client (token_endpoint_auth_method none), got " + method);
        return new Client((String) client.get("client_id"));
    }

    /**
     * Signs in: the authorization request in {@code browser}, approval on the consent page when it is shown, the
     * redirect back with the code, the code exchange.
     *
     * @param scope the scopes to ask for, space-separated
     */
    SignIn signIn(Discovery discovery, Client client, Browser browser, String scope)
            throws IOException, InterruptedException {
        String verifier = random(32);
        String state = random(16);
        checks.secret(verifier);
        checks.secret(state);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", client.clientId());
        query.put("redirect_uri", REDIRECT_URI);
        query.put("scope", scope);
        query.put("state", state);
        query.put("code_challenge", challenge);
        query.put("code_challenge_method", "S256");
        query.put("resource", mcp.toString());
        URI authorize = URI.create(discovery.endpoint("authorization_endpoint") + "?" + form(query));

        Browser.Stop stop = browser.open(authorize, REDIRECT_URI);
        List<String> hops = new ArrayList<>(stop.hops());
        boolean consentShown = stop instanceof Browser.Page;
        if (stop instanceof Browser.Page page) {
            Browser.Form consent = Browser.forms(page).stream()
                    .filter(f -> f.field("transaction_id").isPresent()).findFirst()
                    .orElseThrow(() -> new AssertionError("the page at " + page.url().getPath()
                            + " has no consent form (no transaction_id field)"));
            require(consent.method().equals("post"), "the consent form is not method=\"post\"");
            require(consent.field("csrf_token").filter(v -> !v.isEmpty()).isPresent(),
                    "the consent form has no csrf_token");
            consent.fields().forEach(f -> checks.secret(f.getValue()));
            Map.Entry<String, String> approve = consent.buttons().stream()
                    .filter(b -> b.getKey().equals("action") && b.getValue().equals("approve")).findFirst()
                    .orElseThrow(() -> new AssertionError("the consent form has no button action=approve: "
                            + consent.buttons()));
            stop = browser.submit(page, consent, approve, REDIRECT_URI);
            hops.addAll(stop.hops());
        }
        if (!(stop instanceof Browser.Arrival arrival)) {
            throw new AssertionError("after approval: an HTML page at " + ((Browser.Page) stop).url().getPath()
                    + " instead of the redirect to the app; hops: " + String.join(" | ", hops));
        }
        Map<String, String> answer = query(arrival.url());
        if (answer.get("code") != null) {
            checks.secret(answer.get("code"));
        }
        require(answer.get("error") == null, "the redirect to the app carries error=" + answer.get("error") + " "
                + answer.getOrDefault("error_description", ""));
        require(state.equals(answer.get("state")), "the redirect to the app does not carry the request's state");
        String iss = answer.get("iss");
        if (Boolean.TRUE.equals(discovery.server().get("authorization_response_iss_parameter_supported"))) {
            require(iss != null, "the metadata promises iss (RFC 9207) but the redirect has none");
        }
        require(iss == null || trimSlash(iss).equals(trimSlash(discovery.issuer().toString())),
                "the redirect's iss " + iss + " is not the issuer " + discovery.issuer());
        String code = answer.get("code");
        require(code != null && !code.isEmpty(), "the redirect to the app carries no code");

        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", "authorization_code");
        exchange.put("code", code);
        exchange.put("redirect_uri", REDIRECT_URI);
        exchange.put("code_verifier", verifier);
        exchange.put("client_id", client.clientId());
        exchange.put("resource", mcp.toString());
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(discovery.endpoint("token_endpoint"))
                .timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(form(exchange))).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Object> tokens = JSON.readValue(response.body(), OBJECT);
        for (String name : List.of("access_token", "refresh_token", "id_token")) {
            if (tokens.get(name) instanceof String value) {
                checks.secret(value);
            }
        }
        require(response.statusCode() == 200, "token exchange: HTTP " + response.statusCode() + ": " + tokens);
        require(tokens.get("access_token") instanceof String, "token exchange: no access_token");
        require("bearer".equalsIgnoreCase(String.valueOf(tokens.get("token_type"))),
                "token exchange: token_type " + tokens.get("token_type"));
        Set<String> granted = tokens.get("scope") instanceof String s
                ? new LinkedHashSet<>(Arrays.asList(s.trim().split("\\s+"))) : Set.of();
        return new SignIn(List.copyOf(hops), consentShown, iss,
                new Tokens((String) tokens.get("access_token"), (String) tokens.get("refresh_token"), granted));
    }

    private Map<String, Object> getJson(URI url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        require(response.statusCode() == 200,
                "GET " + url + ": HTTP " + response.statusCode() + ": " + response.body());
        return JSON.readValue(response.body(), OBJECT);
    }

    private static Map<String, String> query(URI url) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = url.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.putIfAbsent(key, value);
            }
        }
        return params;
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
