package org.portcullis.auth.api;

import java.time.Instant;
import java.util.List;

/**
 * The signing keys every node of a cluster signs and verifies with. Named so as not to clash
 * with {@link java.security.KeyStore}. Persistent implementations encrypt private keys at rest.
 *
 * <p>Implementations must be thread-safe and throw {@link StoreUnavailableException} when the
 * store cannot be reached. Instants are kept to the millisecond at least. A durable store keeps
 * keys, their schedules and purges across a restart. All of it is checked by
 * {@code SigningKeyStoreContract}.
 */
public interface SigningKeyStore {

    /** Every key not yet deleted, in creation order (oldest first). */
    List<SigningKey> findAll();

    /**
     * Stores a new key. Atomic: of concurrent creates with one kid, exactly one succeeds.
     *
     * @return {@code false}, changing nothing, if a key with this kid exists
     */
    boolean create(SigningKey key);

    /**
     * Replaces the retirement and expiry of an existing key (the material never changes).
     *
     * @return whether the key exists
     */
    boolean update(SigningKey key);

    /**
     * Revokes a key in an emergency: from {@code at} it neither signs nor verifies. Only moves the
     * key's retirement and expiry earlier, never later. Implementations should make this one
     * atomic write; the default reads and then writes, and is correct only where nothing else
     * changes the key meanwhile.
     *
     * @return {@code false}, changing nothing, if no key has this kid or it already stops verifying by {@code at}
     */
    default boolean revoke(String kid, Instant at) {
        java.util.Objects.requireNonNull(kid, "kid");
        java.util.Objects.requireNonNull(at, "at");
        for (SigningKey k : findAll()) {
            if (k.kid().equals(kid)) {
                return k.canVerifyAt(at) && update(k.revokedAt(at));
            }
        }
        return false;
    }

    /**
     * Deletes keys that can no longer verify at {@code now} (expired at or before it).
     *
     * @return how many were deleted
     */
    int purge(Instant now);
}
