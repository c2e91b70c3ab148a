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
     * Deletes keys that can no longer verify at {@code now} (expired at or before it).
     *
     * @return how many were deleted
     */
    int purge(Instant now);
}
