package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedirectUrisTest {

    private static final List<String> SUBDOMAINS = List.of("https://*.example.com/*");

    // ---- registration ----

    @ParameterizedTest
    @ValueSource(strings = {
        "https://app.example.com/callback",
        "https://app.example.com:8443/cb?tenant=a",
        "https://claude.ai/api/mcp/auth_callback",
        "http://localhost:3000/callback",
        "http://localhost/callback",
        "http://127.0.0.1:53682/",
        "http://127.5.6.7:80/cb",
        "http://[::1]:8080/cb",
        "http://app.localhost:9000/cb",
        "cursor://anysphere.cursor-retrieval/oauth/user-server/callback",
        "claude://oauth/callback",
        "com.example.app:/oauth2redirect",
        "vscode://vscode.github-authentication/did-authenticate",
        "https://xn--bcher-kva.example/cb",
        "https://app.example.com/files/report.v2.pdf",
    })
    void acceptableRedirectUrisRegister(String uri) {
        assertNull(RedirectUris.registrationError(uri), uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "javascript:alert(1)",
        "JavaScript://example.com/%0aalert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "about:blank",
        "blob:https://example.com/uuid",
        "ftp://example.com/cb",
        "ws://localhost:3000/cb",
        "wss://example.com/cb",
    })
    void dangerousSchemesAreRejected(String uri) {
        assertNotNull(RedirectUris.registrationError(uri), uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://good.com@evil.com/",
        "https://user:pass@example.com/cb",
        "http://localhost:80@evil.com/cb",
        "http://localhost@evil.com/cb",
        "cursor://user@host/cb",
    })
    void userinfoIsRejected(String uri) {
        assertNotNull(RedirectUris.registrationError(uri), uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://example.com/a/../b",
        "https://example.com/cb/..",
        "https://example.com/./cb",
        "https://example.com/a/%2e%2e/b",
        "https://example.com/a/%2E%2E/b",
        "https://example.com/a/.%2e/b",
        "https://example.com/a/%2e/b",
        "https://example.com/cb/..%2f..%2fevil",
        "https://example.com/cb/..%5cevil",
        "http://localhost:3000/cb/../../admin",
    })
    void dotSegmentsAreRejectedAlsoWhenEncoded(String uri) {
        assertNotNull(RedirectUris.registrationError(uri), uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://example.com/callback",
        "http://127.0.0.1.evil.com/cb",
        "http://localhost.evil.com/cb",
        "http://10.0.0.1/cb",
        "http://[::2]/cb",
    })
    void plainHttpOffLoopbackIsRejected(String uri) {
        assertNotNull(RedirectUris.registrationError(uri), uri);
    }

    @Test
    void fragmentsAreRejected() {
        assertNotNull(RedirectUris.registrationError("https://example.com/cb#frag"));
        assertNotNull(RedirectUris.registrationError("https://example.com/cb#"));
        assertNotNull(RedirectUris.registrationError("http://localhost:3000/#/callback"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "/callback",
        "callback",
        "//example.com/cb",
        "https:///cb",
        "https://",
        "https://exa mple.com/cb",
        "https://example.com/c b",
        "https://example.com/cb\n",
        "https://example.com/cb\tx",
        "https://example.com/cb%00",
        "https://example.com/cb%0d%0aLocation:%20https://evil.com",
        "https://bücher.example/cb",
        "https://example.com/café",
        "https://evil.com\\.example.com/",
        "https://example.com:99999/cb",
        "urn:ietf:wg:oauth:2.0:oob",
        "mailto:someone@example.com",
        "https://evil%2ecom/",
    })
    void malformedRelativeOrNonAsciiUrisAreRejected(String uri) {
        assertNotNull(RedirectUris.registrationError(uri), uri);
    }

    @Test
    void nullAndOverlongUrisAreRejected() {
        assertNotNull(RedirectUris.registrationError(null));
        String base = "https://example.com/";
        assertNull(RedirectUris.registrationError(base + "a".repeat(RedirectUris.MAX_LENGTH - base.length())));
        assertNotNull(RedirectUris.registrationError(base + "a".repeat(RedirectUris.MAX_LENGTH - base.length() + 1)));
    }

    // ---- matching registered URIs ----

    @Test
    void registeredUriMatchesExactly() {
        List<String> registered = List.of("https://app.example.com/callback", "cursor://anysphere/cb");
        assertTrue(RedirectUris.matchesRegistered("https://app.example.com/callback", registered));
        assertTrue(RedirectUris.matchesRegistered("cursor://anysphere/cb", registered));
        assertTrue(RedirectUris.matchesRegistered("HTTPS://App.Example.COM/callback", registered));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://app.example.com/callback/",
        "https://app.example.com/Callback",
        "https://app.example.com/callback?x=1",
        "https://app.example.com/callback#x",
        "https://app.example.com:8443/callback",
        "https://app.example.com/callbackx",
        "https://app.example.com/callback/../callback",
        "https://evil.com/callback",
        "https://app.example.com.evil.com/callback",
        "https://app.example.com@evil.com/callback",
        "http://app.example.com/callback",
        "https://app.example.com/%63allback",
    })
    void alteredRedirectUriDoesNotMatch(String requested) {
        assertFalse(RedirectUris.matchesRegistered(requested, List.of("https://app.example.com/callback")),
                requested);
    }

    @Test
    void loopbackPortMayVary() {
        List<String> registered = List.of("http://127.0.0.1:3000/callback", "http://localhost/cb", "http://[::1]/cb");
        assertTrue(RedirectUris.matchesRegistered("http://127.0.0.1:51234/callback", registered));
        assertTrue(RedirectUris.matchesRegistered("http://127.0.0.1/callback", registered));
        assertTrue(RedirectUris.matchesRegistered("http://localhost:8080/cb", registered));
        assertTrue(RedirectUris.matchesRegistered("http://[::1]:65000/cb", registered));
    }

    @Test
    void loopbackPortVarianceKeepsEverythingElseExact() {
        List<String> registered = List.of("http://127.0.0.1:3000/callback");
        assertFalse(RedirectUris.matchesRegistered("http://127.0.0.1:4000/other", registered));
        assertFalse(RedirectUris.matchesRegistered("http://127.0.0.1:4000/callback?x=1", registered));
        assertFalse(RedirectUris.matchesRegistered("http://127.0.0.2:3000/callback", registered));
        assertFalse(RedirectUris.matchesRegistered("http://localhost:3000/callback", registered));
        assertFalse(RedirectUris.matchesRegistered("http://127.0.0.1:4000@evil.com/callback", registered));
        assertFalse(RedirectUris.matchesRegistered("http://127.0.0.1:4000/callback#x", registered));
    }

    @Test
    void httpsPortNeverVaries() {
        List<String> registered = List.of("https://localhost:3000/cb", "https://example.com/cb");
        assertFalse(RedirectUris.matchesRegistered("https://localhost:3001/cb", registered));
        assertFalse(RedirectUris.matchesRegistered("https://example.com:444/cb", registered));
    }

    @Test
    void nothingMatchesAnEmptyOrMissingRegistration() {
        assertFalse(RedirectUris.matchesRegistered("https://example.com/cb", List.of()));
        assertFalse(RedirectUris.matchesRegistered("https://example.com/cb", null));
        assertFalse(RedirectUris.matchesRegistered(null, List.of("https://example.com/cb")));
    }

    @Test
    void aDangerousUriNeverMatchesEvenIfStoredVerbatim() {
        // Defence in depth: a registration that bypassed validation still cannot be used as a redirect.
        assertFalse(RedirectUris.matchesRegistered("javascript:alert(1)", List.of("javascript:alert(1)")));
        assertFalse(RedirectUris.matchesRegistered("https://a.com@evil.com/", List.of("https://a.com@evil.com/")));
    }

    // ---- allowedRedirectUriPatterns ----

    @Test
    void subdomainWildcardMatchesSubdomainsOnly() {
        assertTrue(RedirectUris.matchesPattern("https://app.example.com/cb", SUBDOMAINS));
        assertTrue(RedirectUris.matchesPattern("https://a.b.example.com/", SUBDOMAINS));
        assertTrue(RedirectUris.matchesPattern("https://APP.Example.com/cb", SUBDOMAINS));
        assertFalse(RedirectUris.matchesPattern("https://example.com/cb", SUBDOMAINS));
        assertFalse(RedirectUris.matchesPattern("https://evilexample.com/cb", SUBDOMAINS));
        assertFalse(RedirectUris.matchesPattern("http://app.example.com/cb", SUBDOMAINS));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://evil.com/.example.com/",
        "https://evil.com?x=.example.com",
        "https://evil.com/?x=.example.com",
        "https://example.com.evil.com/",
        "https://evil.com#.example.com",
        "https://evil.com/#.example.com",
        "https://a.example.com@evil.com/",
        "https://evil.com\\.example.com/",
        "https://evil.com%2f.example.com/",
        "https://evil.com:443/.example.com/",
        "https://evil.com/x.example.com",
    })
    void wildcardPatternBypassIsRefused(String uri) {
        assertFalse(RedirectUris.matchesPattern(uri, SUBDOMAINS), uri);
    }

    @Test
    void pathPrefixIsSegmentAligned() {
        List<String> patterns = List.of("https://app.example.com/cb/*");
        assertTrue(RedirectUris.matchesPattern("https://app.example.com/cb/x", patterns));
        assertTrue(RedirectUris.matchesPattern("https://app.example.com/cb/x/y", patterns));
        assertTrue(RedirectUris.matchesPattern("https://app.example.com/cb/", patterns));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/cbx", patterns));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/cb", patterns));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/CB/x", patterns));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/other/cb/x", patterns));
    }

    @Test
    void pathPrefixCannotBeEscapedWithDotSegments() {
        List<String> patterns = List.of("https://app.example.com/cb/*");
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/cb/../admin", patterns));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/cb/%2e%2e/admin", patterns));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/cb/..%2fadmin", patterns));
    }

    @Test
    void exactPathPatternNeedsTheExactPath() {
        List<String> patterns = List.of("https://app.example.com/auth/callback");
        assertTrue(RedirectUris.matchesPattern("https://app.example.com/auth/callback", patterns));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/auth/callback/", patterns));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/auth/callbackx", patterns));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/auth", patterns));
    }

    @Test
    void portWildcardMatchesAnyPortAndAbsentPortMeansDefault() {
        List<String> anyPort = List.of("http://localhost:*");
        assertTrue(RedirectUris.matchesPattern("http://localhost:3000/callback", anyPort));
        assertTrue(RedirectUris.matchesPattern("http://localhost/callback", anyPort));
        assertFalse(RedirectUris.matchesPattern("http://localhost.evil.com:3000/callback", anyPort));
        assertFalse(RedirectUris.matchesPattern("http://127.0.0.1:3000/callback", anyPort));

        List<String> defaultPort = List.of("https://app.example.com/*");
        assertTrue(RedirectUris.matchesPattern("https://app.example.com/cb", defaultPort));
        assertTrue(RedirectUris.matchesPattern("https://app.example.com:443/cb", defaultPort));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com:8443/cb", defaultPort));

        List<String> fixedPort = List.of("https://app.example.com:8443/*");
        assertTrue(RedirectUris.matchesPattern("https://app.example.com:8443/cb", fixedPort));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/cb", fixedPort));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com:8444/cb", fixedPort));
    }

    @Test
    void queryNeedsAnExplicitQueryWildcard() {
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/cb?next=x",
                List.of("https://app.example.com/*")));
        assertTrue(RedirectUris.matchesPattern("https://app.example.com/cb?next=x",
                List.of("https://app.example.com/*?*")));
        assertTrue(RedirectUris.matchesPattern("https://app.example.com/cb",
                List.of("https://app.example.com/*?*")));
        assertTrue(RedirectUris.matchesPattern("https://app.example.com/cb?tenant=a",
                List.of("https://app.example.com/cb?tenant=a")));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/cb?tenant=b",
                List.of("https://app.example.com/cb?tenant=a")));
    }

    @Test
    void patternsNeverMatchUserinfoFragmentsDotSegmentsOrDangerousUris() {
        List<String> patterns = List.of("https://*.example.com/*", "http://localhost:*", "https://app.example.com/*");
        assertFalse(RedirectUris.matchesPattern("https://user@app.example.com/cb", patterns));
        assertFalse(RedirectUris.matchesPattern("http://localhost:3000@evil.com/cb", patterns));
        assertFalse(RedirectUris.matchesPattern("http://localhost@evil.com/cb", patterns));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/cb#x", patterns));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/a/../b", patterns));
        assertFalse(RedirectUris.matchesPattern("javascript://app.example.com/%0aalert(1)",
                List.of("javascript://app.example.com/*")));
    }

    @Test
    void customSchemePatterns() {
        assertTrue(RedirectUris.matchesPattern("cursor://anysphere.cursor-retrieval/oauth/callback",
                List.of("cursor://anysphere.cursor-retrieval/*")));
        assertFalse(RedirectUris.matchesPattern("cursor://evil/oauth/callback",
                List.of("cursor://anysphere.cursor-retrieval/*")));
        assertTrue(RedirectUris.matchesPattern("com.example.app:/oauth2redirect",
                List.of("com.example.app:/oauth2redirect")));
        assertFalse(RedirectUris.matchesPattern("com.example.app:/other",
                List.of("com.example.app:/oauth2redirect")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://*",
        "https://*/*",
        "*://example.com/*",
        "https://ex*ample.com/*",
        "https://*.example.com/a*b",
        "https://*.example.com/*/cb",
        "https://*example.com/*",
        "https://user@example.com/*",
        "https://example.com/*#*",
        "https://example.com:8*/*",
        "https://example.com/*?a*",
        "example.com/*",
        "https://*..example.com/*",
    })
    void invalidPatternsMatchNothing(String pattern) {
        List<String> patterns = List.of(pattern);
        for (String uri : List.of("https://example.com/cb", "https://a.example.com/cb", "https://evil.com/",
                "https://example.com:8080/cb", "https://example.com/a/x/cb")) {
            assertFalse(RedirectUris.matchesPattern(uri, patterns), pattern + " vs " + uri);
        }
    }

    @Test
    void emptyPatternListMatchesNothing() {
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/cb", List.of()));
        assertFalse(RedirectUris.matchesPattern("https://app.example.com/cb", null));
    }
}
