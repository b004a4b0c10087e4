package dev.fastmcp.devidp;

import dev.fastmcp.devidp.DevIdpHttp.Failure;
import dev.fastmcp.devidp.DevIdpHttp.Request;
import dev.fastmcp.devidp.DevIdpHttp.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /authorize} checks the request and shows the sign-in page; {@code POST /authorize} takes the form
 * (CSRF token in the form and in a cookie of this browser), and sends the browser back with a code.
 */
final class DevIdpAuthorize {

    /** User names: they become the {@code sub} of tokens, so keep them plain. */
    static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final String COOKIE_PREFIX = "fastmcp_devidp_";

    private final DevIdpSettings settings;
    private final DevIdpStore store;
    private final String issuer;

    DevIdpAuthorize(DevIdpSettings settings, DevIdpStore store, String issuer) {
        this.settings = settings;
        this.store = store;
        this.issuer = issuer;
    }

    Response show(Request request) {
        Map<String, List<String>> q = request.query();
        String redirectUri;
        try {
            String clientId = request.single(q, "client_id");
            if (!settings.clientId().equals(clientId)) {
                return page(400, "Unknown application", "This identity provider knows only the client '"
                        + settings.clientId() + "'; the request named '" + (clientId == null ? "" : clientId) + "'.");
            }
            String given = request.single(q, "redirect_uri");
            redirectUri = given != null ? given
                    : settings.redirectUris().size() == 1 ? settings.redirectUris().get(0) : null;
            if (!DevIdpRedirects.matches(settings.redirectUris(), redirectUri)) {
                return page(400, "Unregistered redirect URI", "The redirect URI '" + (given == null ? "" : given)
                        + "' is not registered for this client; add it with redirectUri(...).");
            }
        } catch (Failure f) {
            return page(400, "Invalid request", f.getMessage());
        }
        String state = null;
        try {
            state = request.single(q, "state");
            if (state != null && state.length() > 2000) {
                throw new Failure(400, "invalid_request", "state is longer than 2000 characters");
            }
            if (!"code".equals(request.single(q, "response_type"))) {
                throw new Failure(400, "unsupported_response_type", "Only response_type=code is supported");
            }
            String challenge = request.single(q, "code_challenge");
            if (challenge == null || !"S256".equals(request.single(q, "code_challenge_method"))
                    || !challenge.matches("[A-Za-z0-9_-]{43}")) {
                throw new Failure(400, "invalid_request", "PKCE is required: send code_challenge with "
                        + "code_challenge_method=S256");
            }
            String nonce = request.single(q, "nonce");
            if (nonce != null && nonce.length() > 500) {
                throw new Failure(400, "invalid_request", "nonce is longer than 500 characters");
            }
            List<String> scopes = requestedScopes(request.single(q, "scope"));
            String hint = request.single(q, "login_hint");
            String csrf = DevIdpTokens.randomValue();
            String requestId = DevIdpTokens.randomValue();
            if (!store.signIns.put(requestId, new DevIdpStore.PendingSignIn(redirectUri, state, nonce, challenge,
                    scopes, csrf))) {
                throw new Failure(503, "temporarily_unavailable", "Too many sign-ins are pending; try again later");
            }
            SignInPage.Form form = new SignInPage.Form(requestId, csrf, settings.clientId(), redirectUri,
                    settings.roles(), scopes, hint, List.of(), scopes, null);
            return Response.html(200, SignInPage.render(form)).withHeader("Set-Cookie",
                    DevIdpHttp.cookie(cookieName(requestId), csrf, DevIdpStore.SIGN_IN_TTL.toSeconds()));
        } catch (Failure f) {
            return back(redirectUri, state, Map.of("error", f.error, "error_description", f.getMessage()));
        }
    }

    /** The requested scopes, each one offered; none requested means all offered. */
    private List<String> requestedScopes(String scope) throws Failure {
        if (scope == null || scope.isBlank()) {
            return settings.scopes();
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String s : scope.trim().split(" +")) {
            if (!settings.scopes().contains(s)) {
                throw new Failure(400, "invalid_scope", "Scope '" + s + "' is not offered; offered are "
                        + String.join(" ", settings.scopes()));
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    Response submit(Request request) {
        Map<String, List<String>> f = request.form();
        String requestId;
        String action;
        String csrf;
        String username;
        try {
            requestId = request.single(f, SignInPage.FIELD_REQUEST);
            action = request.single(f, SignInPage.FIELD_ACTION);
            csrf = request.single(f, SignInPage.FIELD_CSRF);
            username = request.single(f, SignInPage.FIELD_USERNAME);
        } catch (Failure e) {
            return page(400, "Invalid request", e.getMessage());
        }
        DevIdpStore.PendingSignIn pending = store.signIns.get(requestId);
        if (pending == null) {
            return expired();
        }
        String cookie = request.cookies().get(cookieName(requestId));
        if (!sameToken(csrf, pending.csrfToken()) || !sameToken(cookie, pending.csrfToken())) {
            return page(403, "Request refused", "This form did not come from the sign-in page shown in this browser. "
                    + "Start the sign-in again from your application.");
        }
        String clear = DevIdpHttp.cookie(cookieName(requestId), "", 0);
        if (SignInPage.ACTION_CANCEL.equals(action)) {
            return store.signIns.take(requestId) == null ? expired()
                    : back(pending.redirectUri(), pending.state(), Map.of("error", "access_denied",
                            "error_description", "The user cancelled the sign-in")).withHeader("Set-Cookie", clear);
        }
        List<String> roles = f.getOrDefault(SignInPage.FIELD_ROLE, List.of());
        List<String> scopes = f.getOrDefault(SignInPage.FIELD_SCOPE, List.of());
        String problem = !SignInPage.ACTION_SIGN_IN.equals(action) ? "Choose Sign in or Cancel."
                : username == null || username.isBlank() ? "Type a user name."
                : !USER_NAME.matcher(username).matches()
                        ? "Use 1 to 64 letters, digits and . _ @ - for the user name."
                : !settings.roles().containsAll(roles) ? "Pick roles from the list."
                : !pending.scopes().containsAll(scopes) ? "Pick scopes from the list." : null;
        if (problem != null) {
            SignInPage.Form again = new SignInPage.Form(requestId, pending.csrfToken(), settings.clientId(),
                    pending.redirectUri(), settings.roles(), pending.scopes(), username,
                    keep(roles, settings.roles()), keep(scopes, pending.scopes()), problem);
            return Response.html(400, SignInPage.render(again));
        }
        if (store.signIns.take(requestId) == null) {
            return expired();
        }
        DevIdpStore.Grant grant = new DevIdpStore.Grant(username, List.copyOf(new LinkedHashSet<>(roles)),
                List.copyOf(new LinkedHashSet<>(scopes)));
        String code = DevIdpTokens.randomValue();
        if (!store.codes.put(code, new DevIdpStore.Code(grant, pending.redirectUri(), pending.codeChallenge(),
                pending.nonce()))) {
            return back(pending.redirectUri(), pending.state(), Map.of("error", "temporarily_unavailable",
                    "error_description", "Too many codes are outstanding; try again later"));
        }
        return back(pending.redirectUri(), pending.state(), Map.of("code", code)).withHeader("Set-Cookie", clear);
    }

    /** A redirect to the client with the parameters, its {@code state} and our {@code iss} (RFC 9207). */
    private Response back(String redirectUri, String state, Map<String, String> params) {
        Map<String, String> all = new LinkedHashMap<>(params);
        all.put("state", state);
        all.put("iss", issuer);
        return Response.redirect(DevIdpHttp.withParams(redirectUri, all));
    }

    private static List<String> keep(List<String> chosen, List<String> allowed) {
        List<String> out = new ArrayList<>(chosen);
        out.retainAll(allowed);
        return out;
    }

    private static Response expired() {
        return page(400, "Sign-in expired", "This sign-in is unknown, expired or already finished. Start again from "
                + "your application.");
    }

    private static Response page(int status, String title, String message) {
        return Response.html(status, SignInPage.message(title, message));
    }

    /** One cookie per sign-in, so two sign-ins in one browser do not overwrite each other's token. */
    static String cookieName(String requestId) {
        return COOKIE_PREFIX + (requestId == null ? "" : requestId.substring(0, Math.min(16, requestId.length())))
                .replaceAll("[^A-Za-z0-9_-]", "");
    }

    private static boolean sameToken(String given, String expected) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }
}
