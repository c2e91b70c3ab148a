package org.portcullis.auth.api;

/**
 * The algorithms of the keys in a {@link SigningKeyStore}: the JWS algorithms Portcullis signs access
 * tokens with (RFC 7518 §3, RFC 8037 for EdDSA), and the two JWE key-management algorithms of
 * access-token encryption keys (RFC 7518 §4.5, §4.6; content encryption A256GCM, §5.3), which never
 * sign ({@link #signs()}). Each key is pinned to exactly one of these (RFC 8725 §3.1): a token whose
 * header names another algorithm than its key's is rejected.
 */
public enum SigningAlgorithm {
    /** RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys. */
    RS256("RS256", true),
    /** ECDSA on P-256 with SHA-256. */
    ES256("ES256", true),
    /** EdDSA on Ed25519 (RFC 8037). */
    EdDSA("EdDSA", true),
    /** HMAC with SHA-256 and a 256-bit secret; verifiable only by holders of the secret. */
    HS256("HS256", false, true),
    /**
     * Token encryption, JWE {@code alg: dir} with {@code enc: A256GCM} (RFC 7518 §4.5, §5.3): a 256-bit
     * content key shared by the nodes of a cluster. Never signs, never published.
     */
    DIR_A256GCM("dir", false, false),
    /**
     * Token encryption, JWE {@code alg: ECDH-ES+A256KW} with {@code enc: A256GCM} on P-256 (RFC 7518 §4.6):
     * tokens encrypted to a recipient's EC public key. Never signs, never published.
     */
    ECDH_ES_A256KW("ECDH-ES+A256KW", true, false);

    private final String jwsName;
    private final boolean asymmetric;
    private final boolean signs;

    SigningAlgorithm(String jwsName, boolean asymmetric) {
        this(jwsName, asymmetric, true);
    }

    SigningAlgorithm(String jwsName, boolean asymmetric, boolean signs) {
        this.jwsName = jwsName;
        this.asymmetric = asymmetric;
        this.signs = signs;
    }

    /** The {@code alg} header value (of the JWS, or of the JWE for an encryption key). */
    public String jwsName() {
        return jwsName;
    }

    /** Whether keys of this algorithm sign tokens; {@code false} for the token-encryption algorithms. */
    public boolean signs() {
        return signs;
    }

    /**
     * Whether the key has a public half: for a signing key, one that other services may verify with;
     * for {@link #ECDH_ES_A256KW}, the recipient's public key tokens are encrypted to.
     */
    public boolean asymmetric() {
        return asymmetric;
    }
}
