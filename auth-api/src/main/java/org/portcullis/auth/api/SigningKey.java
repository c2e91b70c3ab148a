package org.portcullis.auth.api;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A signing key and its life: published at {@code createdAt} (verifiers learn it), used for
 * signing from {@code activatesAt}, no longer used for signing from {@code retiresAt}, and no
 * longer accepted for verification from {@code expiresAt}. Publishing before signing and
 * verifying after retiring is what lets a cluster rotate keys without rejecting good tokens.
 *
 * <p>Key material is held in plain form in memory only; a persistent {@link SigningKeyStore}
 * encrypts the private part at rest. {@link #toString()} never prints key material.
 * Arrays are copied in and out.
 *
 * @param kid        key id, the JWS {@code kid} header
 * @param algorithm  the one algorithm this key may be used with
 * @param publicKey  X.509 SubjectPublicKeyInfo encoding; empty for {@link SigningAlgorithm#HS256}
 * @param privateKey PKCS#8 encoding, or the raw secret for {@link SigningAlgorithm#HS256}
 * @param createdAt  when the key was created and published
 * @param activatesAt from when it may sign
 * @param retiresAt  from when it no longer signs, if set
 * @param expiresAt  from when tokens signed with it are no longer accepted, if set
 */
public record SigningKey(String kid, SigningAlgorithm algorithm, byte[] publicKey, byte[] privateKey,
                         Instant createdAt, Instant activatesAt, Optional<Instant> retiresAt,
                         Optional<Instant> expiresAt) {

    public SigningKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(algorithm, "algorithm");
        publicKey = Objects.requireNonNull(publicKey, "publicKey").clone();
        privateKey = Objects.requireNonNull(privateKey, "privateKey").clone();
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(activatesAt, "activatesAt");
        Objects.requireNonNull(retiresAt, "retiresAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] privateKey() {
        return privateKey.clone();
    }

    /** Whether this key may sign at {@code now}. */
    public boolean canSignAt(Instant now) {
        return !now.isBefore(activatesAt) && retiresAt.map(now::isBefore).orElse(true)
                && expiresAt.map(now::isBefore).orElse(true);
    }

    /** Whether tokens signed with this key are accepted at {@code now}. */
    public boolean canVerifyAt(Instant now) {
        return expiresAt.map(now::isBefore).orElse(true);
    }

    /** A copy that stops signing at {@code retiresAt} and stops verifying at {@code expiresAt}. */
    public SigningKey retire(Instant retiresAt, Instant expiresAt) {
        return new SigningKey(kid, algorithm, publicKey, privateKey, createdAt, activatesAt,
                Optional.of(retiresAt), Optional.of(expiresAt));
    }

    /**
     * A copy that neither signs nor verifies from {@code at}: retirement and expiry are moved to
     * {@code at} where they are later or unset, and kept where they are earlier.
     */
    public SigningKey revokedAt(Instant at) {
        Instant retire = retiresAt.filter(r -> r.isBefore(at)).orElse(at);
        Instant expire = expiresAt.filter(e -> e.isBefore(at)).orElse(at);
        return new SigningKey(kid, algorithm, publicKey, privateKey, createdAt, activatesAt,
                Optional.of(retire), Optional.of(expire));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningKey k && kid.equals(k.kid) && algorithm == k.algorithm
                && Arrays.equals(publicKey, k.publicKey) && Arrays.equals(privateKey, k.privateKey)
                && createdAt.equals(k.createdAt) && activatesAt.equals(k.activatesAt)
                && retiresAt.equals(k.retiresAt) && expiresAt.equals(k.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kid, algorithm, Arrays.hashCode(publicKey), createdAt, activatesAt);
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", algorithm=" + algorithm + ", createdAt=" + createdAt
                + ", activatesAt=" + activatesAt + ", retiresAt=" + retiresAt.orElse(null)
                + ", expiresAt=" + expiresAt.orElse(null) + ", privateKey=***]";
    }
}
