package org.portcullis.auth.api;

/**
 * JWS algorithms Portcullis signs access tokens with (RFC 7518 §3, RFC 8037 for EdDSA).
 * Each key is pinned to exactly one of these (RFC 8725 §3.1): a token whose header names another
 * algorithm than its key's is rejected.
 */
public enum SigningAlgorithm {
    /** RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys. */
    RS256("RS256", true),
    /** ECDSA on P-256 with SHA-256. */
    ES256("ES256", true),
    /** EdDSA on Ed25519 (RFC 8037). */
    EdDSA("EdDSA", true),
    /** HMAC with SHA-256 and a 256-bit secret; verifiable only by holders of the secret. */
    HS256("HS256", false);

    private final String jwsName;
    private final boolean asymmetric;

    SigningAlgorithm(String jwsName, boolean asymmetric) {
        this.jwsName = jwsName;
        this.asymmetric = asymmetric;
    }

    /** The {@code alg} header value. */
    public String jwsName() {
        return jwsName;
    }

    /** Whether the key has a public half that other services may verify with. */
    public boolean asymmetric() {
        return asymmetric;
    }
}
