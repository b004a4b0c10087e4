package dev.fastmcp.ci.modern;

import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.client.McpClient;
import io.modelcontextprotocol.modern.client.McpSyncClient;
import io.modelcontextprotocol.modern.client.McpSyncElicitationHandler;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;
import io.modelcontextprotocol.modern.client.transport.McpHttpAuthorizationErrorHandler;
import io.modelcontextprotocol.modern.client.transport.McpHttpRequestCustomizer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One user of an app, signed in through the proxy: their browser, the app's registered client, the tokens of their
 * latest sign-in. The SDK clients it builds sign in the way the SDK offers: the request customizer adds the current
 * token, and on a 401 the authorization error handler signs in (in the browser) and returns true, so the SDK sends
 * the request again with the new token. A 403 {@code insufficient_scope} is recorded; a client built with step-up
 * signs in again with the scopes the challenge names, and the SDK retries once more.
 */
final class OAuthUser {

    /** An app: its OAuth client, registered once at the server its first 401 leads to. */
    static final class App {

        private final OAuthFlow flow;
        private final String name;
        private OAuthFlow.Discovery discovery;
        private OAuthFlow.Client client;

        App(OAuthFlow flow, String name) {
            this.flow = flow;
            this.name = name;
        }

        synchronized OAuthFlow.Discovery discovery(String resourceMetadataUrl)
                throws IOException, InterruptedException {
            if (discovery == null) {
                discovery = flow.discover(resourceMetadataUrl);
            }
            return discovery;
        }

        /** The metadata found at the first 401, or null before it. */
        synchronized OAuthFlow.Discovery discovery() {
            return discovery;
        }

        synchronized OAuthFlow.Client client() throws IOException, InterruptedException {
            if (client == null) {
                client = flow.register(discovery, name);
            }
            return client;
        }
    }

    private final App app;
    private final Browser browser;
    private final String scope;
    private final List<OAuthFlow.SignIn> signIns = new ArrayList<>();
    private final List<Challenge> refusals = new ArrayList<>();
    private volatile OAuthFlow.Tokens tokens;

    /** @param scope what the first sign-in asks for, space-separated */
    OAuthUser(App app, Browser browser, String scope) {
        this.app = app;
        this.browser = browser;
        this.scope = scope;
    }

    App app() {
        return app;
    }

    Browser browser() {
        return browser;
    }

    /** The access token of the latest sign-in; fails before any. */
    String accessToken() {
        OAuthFlow.Tokens current = tokens;
        Checks.require(current != null, browser.name() + " has not signed in");
        return current.accessToken();
    }

    OAuthFlow.Tokens tokens() {
        return tokens;
    }

    synchronized List<OAuthFlow.SignIn> signIns() {
        return List.copyOf(signIns);
    }

    /** The 403 insufficient_scope challenges the clients received. */
    synchronized List<Challenge> refusals() {
        return List.copyOf(refusals);
    }

    /**
     * An SDK client of MCP 2026-07-28 for this user.
     *
     * @param stepUp       whether a 403 insufficient_scope leads to a new sign-in with the challenge's scopes
     * @param elicitation  the form elicitation handler, or null for none
     * @param sentVersions collects the {@code MCP-Protocol-Version} header of every request
     */
    McpSyncClient client(URI endpoint, boolean stepUp,
            McpSyncElicitationHandler<McpSchema.ElicitFormRequest> elicitation, Set<String> sentVersions) {
        HttpClientMcpTransport.Builder transport = HttpClientMcpTransport.builder(endpoint)
                .connectTimeout(Duration.ofSeconds(5));
        transport.requestCustomizer(McpHttpRequestCustomizer.fromSync((request, headers, context) -> {
            Sdk.recordVersion(headers.get("MCP-Protocol-Version"), sentVersions);
            OAuthFlow.Tokens current = tokens;
            if (current != null) {
                headers.set("Authorization", "Bearer " + current.accessToken());
            }
        }));
        transport.authorizationErrorHandler(McpHttpAuthorizationErrorHandler.fromSync((request, response, context) -> {
            String header = response.headers().firstValue("WWW-Authenticate").orElse(null);
            if (header == null) {
                return false; // not a bearer challenge: the SDK reports the status as it is
            }
            Challenge challenge = Challenge.parse(header);
            if (response.statusCode() == 401) {
                signIn(challenge.get("resource_metadata"), scope);
                return true;
            }
            if (response.statusCode() == 403 && "insufficient_scope".equals(challenge.get("error"))) {
                synchronized (this) {
                    refusals.add(challenge);
                }
                if (stepUp) {
                    signIn(challenge.get("resource_metadata"), challenge.get("scope"));
                    return true;
                }
            }
            return false;
        }));
        McpClient.SyncBuilder client = McpClient.sync(transport.build()).callTimeout(Sdk.CALL_TIMEOUT);
        if (elicitation != null) {
            client.formElicitation(elicitation);
        }
        return client.build();
    }

    /** Signs in through the proxy in this user's browser, asking for {@code scopes}. */
    synchronized OAuthFlow.SignIn signIn(String resourceMetadataUrl, String scopes) {
        try {
            OAuthFlow.Discovery discovery = app.discovery(resourceMetadataUrl);
            OAuthFlow.SignIn signIn = app.flow.signIn(discovery, app.client(), browser, scopes);
            signIns.add(signIn);
            tokens = signIn.tokens();
            return signIn;
        } catch (IOException e) {
            throw new IllegalStateException(browser.name() + ": the sign-in failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(browser.name() + ": the sign-in was interrupted", e);
        }
    }
}
