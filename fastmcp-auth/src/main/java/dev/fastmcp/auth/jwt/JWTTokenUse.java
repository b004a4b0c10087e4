package dev.fastmcp.auth.jwt;

/**
 * The two kinds of token {@link JWTIssuer} signs. Each kind has its own {@code token_use} claim value and its
 * own {@code typ} header (explicit typing, RFC 8725 §3.11), and verification requires both to agree, so one
 * kind can never be replayed as the other.
 */
enum JWTTokenUse {
    ACCESS("access", JWTIssuer.ACCESS_TOKEN_TYPE),
    REFRESH("refresh", JWTIssuer.REFRESH_TOKEN_TYPE);

    private final String claim;
    private final String type;

    JWTTokenUse(String claim, String type) {
        this.claim = claim;
        this.type = type;
    }

    /** The value of the {@code token_use} claim. */
    String claim() {
        return claim;
    }

    /** The value of the {@code typ} header. */
    String type() {
        return type;
    }

    /** The kind named by a {@code token_use} claim value, or null when the value names none. */
    static JWTTokenUse fromClaim(Object value) {
        for (JWTTokenUse use : values()) {
            if (use.claim.equals(value)) {
                return use;
            }
        }
        return null;
    }
}
