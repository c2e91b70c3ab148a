package org.portcullis.auth.api;

import java.util.Optional;

/**
 * Users and their password hashes (PHC strings), for the default password verifier.
 *
 * <p>Usernames are compared in their {@linkplain UserRecord#normalize(String) normalised} form;
 * implementations normalise the argument of {@link #findByUsername}.
 *
 * <p>Implementations must be thread-safe, and every write atomic: of concurrent creates with one
 * id or one username exactly one succeeds, and of concurrent hash changes from one expected hash
 * exactly one wins. A durable store keeps users, hash changes and enabled flags across a restart.
 * Every method throws {@link StoreUnavailableException} when the store cannot be reached, and
 * never returns {@code null}. All of it is checked by {@code UserStoreContract}.
 */
public interface UserStore {

    /** The user with this username (normalised before lookup), if any. */
    Optional<UserRecord> findByUsername(String username);

    /** The user with this id, if any. */
    Optional<UserRecord> findById(String userId);

    /**
     * Stores a new user.
     *
     * @return {@code false}, changing nothing, when the id or the username is already taken
     */
    boolean create(UserRecord user);

    /**
     * Replaces a password hash only if it is still {@code expectedHash}: a compare-and-set, so
     * that a rehash on login cannot overwrite a password change made in between.
     *
     * @return whether the hash was replaced
     */
    boolean updatePasswordHash(String userId, String expectedHash, String newHash);

    /**
     * Enables or disables a user.
     *
     * @return whether the user exists
     */
    boolean setEnabled(String userId, boolean enabled);
}
