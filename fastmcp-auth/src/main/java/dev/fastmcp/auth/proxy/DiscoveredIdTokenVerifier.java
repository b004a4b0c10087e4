package dev.fastmcp.auth.proxy;

import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.DiscoveryDocumentCache;
import dev.fastmcp.auth.DiscoveryException;
import dev.fastmcp.auth.jwt.JWKSVerifier;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies an OpenID Connect identity provider's ID tokens when only its issuer is configured: at first use it reads
 * {@code <issuer>/.well-known/openid-configuration} (OpenID Connect Discovery 1.0, section 4), or the issuer's
 * RFC 8414 metadata when it has no such document ({@link DiscoveryDocumentCache#forIssuer}), checks that the
 * document's {@code issuer} is exactly the configured one, and verifies against its {@code jwks_uri}.
 * Discovery happens lazily so that building the proxy needs no network; a failure is logged, refuses that
 * sign-in, and is tried again at the next one.
 */
final class DiscoveredIdTokenVerifier implements TokenVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveredIdTokenVerifier.class);

    private final String issuer;
    private final String audience;
    private final Duration timeout;
    private final DiscoveryDocumentCache discovery;
    private volatile JWKSVerifier verifier;

    DiscoveredIdTokenVerifier(String issuer, String audience, Duration timeout) {
        this.issuer = issuer;
        this.audience = audience;
        this.timeout = timeout;
        this.discovery = DiscoveryDocumentCache.builder().timeout(timeout).build();
    }

    @Override
    public TokenVerification verify(String token) {
        JWKSVerifier v;
        try {
            v = verifier();
        } catch (RuntimeException e) {
            LOG.error("OpenID Connect discovery failed for upstream issuer {}: {}", issuer, e.getMessage());
            return TokenVerification.invalid("OpenID Connect discovery failed: " + e.getMessage());
        }
        return v.verify(token);
    }

    private JWKSVerifier verifier() {
        JWKSVerifier v = verifier;
        if (v != null) {
            return v;
        }
        synchronized (this) {
            if (verifier == null) {
                verifier = discover();
            }
            return verifier;
        }
    }

    private JWKSVerifier discover() {
        DiscoveryDocumentCache.IssuerMetadata found = discovery.forIssuer(issuer);
        String url = found.url();
        Map<String, Object> doc = found.document();
        Object docIssuer = doc.get("issuer");
        if (!issuer.equals(docIssuer)) {
            throw new DiscoveryException("the document at " + url + " names issuer '" + docIssuer
                    + "', not the configured upstreamIssuer '" + issuer + "'");
        }
        if (!(doc.get("jwks_uri") instanceof String jwksUri) || jwksUri.isBlank()) {
            throw new DiscoveryException("the document at " + url + " has no jwks_uri");
        }
        return JWKSVerifier.builder(jwksUri).issuer(issuer).audience(audience).timeout(timeout).build();
    }
}
