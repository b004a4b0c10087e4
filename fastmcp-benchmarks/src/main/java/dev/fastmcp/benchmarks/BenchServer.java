package dev.fastmcp.benchmarks;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.RemoteAuthProvider;
import dev.fastmcp.auth.jwt.JWKSVerifier;
import dev.fastmcp.auth.jwt.RSAKeyPair;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import dev.fastmcp.redis.RedisSessionStore;
import dev.fastmcp.redis.RedisTokenStorage;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The servers the load harness ({@code benchmarks/run.sh}) drives, one per process:
 * {@code java -cp benchmarks.jar dev.fastmcp.benchmarks.BenchServer <case> <port> <dir>}.
 *
 * <ul>
 *   <li>{@code plain}: a bare Undertow handler that reads the body and answers a fixed JSON reply, the ceiling
 *       of HTTP on the machine;
 *   <li>{@code none}, {@code stateless}: FastMCP with the {@code add} tool, no auth, with sessions or stateless;
 *   <li>{@code hs256}: FastMCP behind an {@link OAuthProxy} (memory storage, encrypted, the default) in front of
 *       an in-process stand-in for the identity provider; signs in through the whole OAuth flow, writes the
 *       access token to {@code dir/token} and a pool of refresh tokens to {@code dir/refresh-tokens}
 *       ({@code -Dbench.refreshPool}, 256 sign-ins; 0 signs in none). Settings for several instances, each a
 *       system property or else an environment variable:
 *       <ul>
 *         <li>{@code bench.redisUrl} / {@code BENCH_REDIS_URL}: the proxy's storage is a {@link RedisTokenStorage}
 *             there (encrypted by the proxy, as the memory storage is), keys under {@code bench.redisPrefix} /
 *             {@code BENCH_REDIS_PREFIX} ({@code bench:});
 *         <li>{@code bench.sharedSessions} / {@code BENCH_SHARED_SESSIONS} ({@code true}; default
 *             {@code false}): the MCP sessions in that Redis too ({@link RedisSessionStore}), so that any instance
 *             serves any session;
 *         <li>{@code bench.secret} / {@code BENCH_SECRET}: the proxy's secret, the same on every instance
 *             (random key material; unset, a fresh one per process);
 *         <li>{@code bench.baseUrl} / {@code BENCH_BASE_URL}: the public base URL, the load balancer's, so that
 *             a token minted by one instance is for the resource of all;
 *       </ul>
 *   <li>{@code rs256}: FastMCP with a {@link JWKSVerifier} whose JWKS an in-process server publishes; writes an
 *       RS256 token to {@code dir/token};
 *   <li>{@code sessions}: as {@code none}, with room for the sessions a stream of {@code initialize} opens;
 *   <li>{@code balancer}: Undertow's own reverse proxy, round robin over the backends given after the port
 *       ({@code BenchServer balancer <port> http://127.0.0.1:<p1> http://127.0.0.1:<p2>}), in front of several
 *       {@code hs256} instances.
 * </ul>
 *
 * <p>Prints {@code ready} once it serves.
 */
public final class BenchServer {

    /** The plain server's reply: about the size of a {@code tools/call} result. */
    private static final ByteBuffer PLAIN_REPLY = ByteBuffer.wrap(("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":"
            + "[{\"type\":\"text\",\"text\":\"3.0\"}],\"isError\":false}}").getBytes(StandardCharsets.UTF_8));
    private static final String CLIENT_REDIRECT = "http://127.0.0.1:9/callback";

    private BenchServer() {
    }

    /** The arguments of {@code add}. */
    record AddArgs(double a, double b) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: BenchServer plain|none|stateless|sessions|hs256|rs256 <port> <dir>\n"
                    + "       BenchServer balancer <port> <backend URL>...");
            System.exit(2);
        }
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        if (kind.equals("balancer")) {
            balancer(port, List.of(args).subList(2, args.length));
            System.out.println("ready");
            System.out.flush();
            return;
        }
        Path dir = Path.of(args[2]);
        Files.createDirectories(dir);
        int pool = Integer.getInteger("bench.refreshPool", 256);
        switch (kind) {
            case "plain" -> plain(port);
            case "none" -> mcp("none").build().start(StartOptions.http().port(port));
            case "stateless" -> mcp("none").build().start(StartOptions.http().port(port).stateless(true));
            case "sessions" -> mcp("none").sessions(s -> s.max(5_000_000).idleTimeout(Duration.ofSeconds(10)))
                    .build().start(StartOptions.http().port(port));
            case "hs256" -> hs256(port, dir, pool);
            case "rs256" -> rs256(port, dir);
            default -> throw new IllegalArgumentException("unknown case " + kind);
        }
        System.out.println("ready");
        System.out.flush();
    }

    static FastMCP.Builder mcp(String name) {
        return FastMCP.builder("bench-" + name, "1.0.0")
                .addTool(Tool.builder("add")
                        .description("Adds two numbers")
                        .parameters(AddArgs.class)
                        .execute((in, ctx) -> String.valueOf(in.a() + in.b()))
                        .build());
    }

    private static void plain(int port) {
        Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setHandler(ex -> ex.getRequestReceiver().receiveFullBytes((e, body) -> {
                    e.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    e.getResponseSender().send(PLAIN_REPLY.duplicate());
                }))
                .build()
                .start();
    }

    // ---- RS256 through a JWKS ----------------------------------------------------------------------------------

    private static void rs256(int port, Path dir) throws IOException {
        RSAKeyPair keys = RSAKeyPair.generate();
        byte[] jwks = keys.jwksJson().getBytes(StandardCharsets.UTF_8);
        int jwksPort = loopbackServer(ex -> {
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            ex.getResponseSender().send(ByteBuffer.wrap(jwks));
        });
        String issuer = "http://127.0.0.1:" + jwksPort;
        String resource = "http://127.0.0.1:" + port + "/mcp";
        mcp("rs256")
                .auth(RemoteAuthProvider.builder(JWKSVerifier.builder(issuer + "/jwks.json").issuer(issuer)
                                .audience(resource).build())
                        .authorizationServers(issuer)
                        .build())
                .build()
                .start(StartOptions.http().port(port));
        Files.writeString(dir.resolve("token"), keys.createToken("bench-user", issuer, resource, List.of("mcp"),
                Duration.ofHours(6), Map.of(), keys.keyId()));
    }

    // ---- a load balancer: Undertow's reverse proxy, round robin -------------------------------------------------

    private static void balancer(int port, List<String> backends) throws Exception {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("balancer: give the backends' URLs after the port");
        }
        // No session cookie names: no sticky routing, every request goes to the next backend in turn.
        LoadBalancingProxyClient backendsClient = new LoadBalancingProxyClient()
                .removeSessionCookieName("JSESSIONID")
                .setConnectionsPerThread(32);
        for (String backend : backends) {
            backendsClient.addHost(URI.create(backend));
        }
        Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setHandler(ProxyHandler.builder()
                        .setProxyClient(backendsClient)
                        .setMaxRequestTime(30_000)
                        .setNext(ResponseCodeHandler.HANDLE_404)
                        .build())
                .build()
                .start();
    }

    // ---- HS256: our own tokens, through the OAuth proxy ---------------------------------------------------------

    /** A system property, else the environment variable, else null. */
    private static String setting(String property, String env) {
        String value = System.getProperty(property, System.getenv(env));
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static void hs256(int port, Path dir, int pool) throws Exception {
        String redisUrl = setting("bench.redisUrl", "BENCH_REDIS_URL");
        String prefix = setting("bench.redisPrefix", "BENCH_REDIS_PREFIX");
        RedisTokenStorage redis = redisUrl == null ? null
                : RedisTokenStorage.builder(redisUrl).keyPrefix(prefix == null ? "bench:" : prefix).build();
        String secret = setting("bench.secret", "BENCH_SECRET");
        String baseUrl = setting("bench.baseUrl", "BENCH_BASE_URL");
        boolean sharedSessions = Boolean.parseBoolean(setting("bench.sharedSessions", "BENCH_SHARED_SESSIONS"));
        if (sharedSessions && redis == null) {
            throw new IllegalArgumentException("bench.sharedSessions needs bench.redisUrl");
        }
        OAuthProxy proxy = standInProxy()
                // Random key material, as `openssl rand -base64 32` gives: a fresh one for every run, shared by
                // the instances of one case.
                .secret(secret == null ? randomSecret() : secret)
                .keysAndStorage(k -> redis == null ? k : k.tokenStorage(redis))
                .lifetimes(l -> l.accessTokenTtl(Duration.ofHours(6)))
                .build();
        FastMCP.Builder builder = mcp("hs256").auth(proxy);
        if (baseUrl != null) {
            builder.baseUrl(baseUrl);
        }
        if (sharedSessions) {
            builder.sessions(s -> s.store(RedisSessionStore.on(redis)));
        }
        FastMCP server = builder.build().start(StartOptions.http().port(port));
        if (pool <= 0) {
            return;
        }
        // Straight to this instance; behind a balancer the callback reaches the instances in turn.
        SignIn signIn = new SignIn("http://127.0.0.1:" + server.port());
        String clientId = signIn.register();
        List<String> refreshTokens = new ArrayList<>();
        String access = null;
        for (int i = 0; i < pool; i++) {
            Map<String, String> tokens = signIn.tokens(clientId);
            access = access == null ? tokens.get("access_token") : access;
            refreshTokens.add(tokens.get("refresh_token"));
        }
        Files.writeString(dir.resolve("token"), access);
        Files.writeString(dir.resolve("client-id"), clientId);
        Files.write(dir.resolve("refresh-tokens"), refreshTokens);
    }

    /** A stand-in identity provider: approves every sign-in at once and hands out opaque tokens for an hour. */
    static void upstream(HttpServerExchange ex) {
        if (ex.getRequestPath().equals("/authorize")) {
            Map<String, String> q = new LinkedHashMap<>();
            ex.getQueryParameters().forEach((k, v) -> q.put(k, v.getFirst()));
            ex.setStatusCode(302);
            ex.getResponseHeaders().put(Headers.LOCATION, q.get("redirect_uri") + "?code=up-" + UUID.randomUUID()
                    + "&state=" + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
            ex.endExchange();
            return;
        }
        ex.getRequestReceiver().receiveFullBytes((e, body) -> {
            e.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            e.getResponseSender().send("{\"access_token\":\"up-at-" + UUID.randomUUID() + "\",\"token_type\":\"Bearer\","
                    + "\"expires_in\":3600,\"refresh_token\":\"up-rt-" + UUID.randomUUID() + "\",\"scope\":\"openid\"}");
        });
    }

    /**
     * An {@link OAuthProxy} builder in front of a stand-in identity provider started here on loopback, for scripted
     * sign-ins: no consent page (there is no one to click, and it is not what is measured) and no rate limit on
     * authorization (pools of grants are minted by hundreds of sign-ins from one address).
     */
    static OAuthProxy.Builder standInProxy() {
        String upstream = "http://127.0.0.1:" + loopbackServer(BenchServer::upstream);
        return OAuthProxy.builder(Upstream.of(upstream + "/authorize", upstream + "/token", "bench-proxy",
                        "bench-proxy-secret"))
                .scopes("openid")
                .claimsAndConsent(c -> c.consentRequired(false))
                .limits(l -> l.authorizationRateLimit(0));
    }

    static int loopbackServer(io.undertow.server.HttpHandler handler) {
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(2)
                .setHandler(handler).build();
        server.start();
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** A scripted MCP client signing in through the proxy: register once, then authorize, callback and exchange. */
    static final class SignIn {
        private static final Pattern CLIENT_ID = Pattern.compile("\"client_id\"\\s*:\\s*\"([^\"]+)\"");
        private static final Pattern FIELD = Pattern.compile("\"(access_token|refresh_token)\"\\s*:\\s*\"([^\"]+)\"");
        private final String base;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

        SignIn(String base) {
            this.base = base;
        }

        String register() throws IOException, InterruptedException {
            String body = send(HttpRequest.newBuilder(URI.create(base + "/oauth/register"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"client_name\":\"bench\",\"redirect_uris\":[\""
                            + CLIENT_REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\",\"grant_types\":"
                            + "[\"authorization_code\",\"refresh_token\"],\"response_types\":[\"code\"]}")), 201).body();
            return match(CLIENT_ID, body, 1);
        }

        Map<String, String> tokens(String clientId) throws IOException, InterruptedException {
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            Map<String, String> p = new LinkedHashMap<>();
            p.put("response_type", "code");
            p.put("client_id", clientId);
            p.put("redirect_uri", CLIENT_REDIRECT);
            p.put("code_challenge", pkce.challenge());
            p.put("code_challenge_method", "S256");
            p.put("state", "s" + UUID.randomUUID());
            p.put("scope", "openid");
            HttpResponse<String> toUpstream = send(get(base + "/oauth/authorize?" + form(p)), 302);
            String cookie = toUpstream.headers().allValues("Set-Cookie").stream().map(c -> c.substring(0, c.indexOf(';')))
                    .reduce((a, b) -> a + "; " + b).orElse("");
            HttpResponse<String> back = send(get(location(toUpstream)), 302);
            HttpResponse<String> toClient = send(get(location(back)).header("Cookie", cookie), 302);
            String code = query(location(toClient)).get("code");
            Map<String, String> exchange = new LinkedHashMap<>();
            exchange.put("grant_type", "authorization_code");
            exchange.put("code", code);
            exchange.put("redirect_uri", CLIENT_REDIRECT);
            exchange.put("code_verifier", pkce.verifier());
            exchange.put("client_id", clientId);
            String body = send(HttpRequest.newBuilder(URI.create(base + "/oauth/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(exchange))), 200).body();
            Map<String, String> out = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(body);
            while (m.find()) {
                out.put(m.group(1), m.group(2));
            }
            return out;
        }

        private static HttpRequest.Builder get(String url) {
            return HttpRequest.newBuilder(URI.create(url)).GET();
        }

        private HttpResponse<String> send(HttpRequest.Builder request, int expected)
                throws IOException, InterruptedException {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IllegalStateException(r.request().method() + " " + r.uri().getPath() + ": expected "
                        + expected + ", got " + r.statusCode() + ": " + r.body());
            }
            return r;
        }

        private static String location(HttpResponse<String> r) {
            return r.headers().firstValue("Location").orElseThrow();
        }

        private static Map<String, String> query(String url) {
            Map<String, String> out = new LinkedHashMap<>();
            String q = URI.create(url).getRawQuery();
            for (String part : q == null ? new String[0] : q.split("&")) {
                int eq = part.indexOf('=');
                out.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return out;
        }

        private static String form(Map<String, String> values) {
            StringBuilder s = new StringBuilder();
            values.forEach((k, v) -> s.append(s.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            return s.toString();
        }

        private static String match(Pattern p, String s, int group) {
            Matcher m = p.matcher(s);
            if (!m.find()) {
                throw new IllegalStateException("unexpected response: " + s);
            }
            return m.group(group);
        }
    }

    /** 32 random bytes, base64: what {@code openssl rand -base64 32} prints. */
    static String randomSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
