package org.portcullis.auth.api;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Users and their password hashes (PHC strings), for the default password verifier.
 *
 * <p>Usernames are compared in their {@linkplain UserRecord#normalize(String) normalised} form;
 * implementations normalise the argument of {@link #findByUsername}.
 *
 * <p>Implementations must be thread-safe, and every write atomic: of concurrent creates with one
 * id or one username exactly one succeeds, and of concurrent hash changes from one expected hash
 * exactly one wins. A durable store keeps users, hash changes, enabled flags, roles and deletions
 * across a restart.
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

    /**
     * Replaces a user's roles, keeping the hash and the enabled flag. The engine puts the new
     * roles into the user's next refreshed access token.
     *
     * @return whether the user exists
     */
    boolean setRoles(String userId, Set<String> roles);

    /**
     * One page of users in ascending order of their normalised username, for administration.
     * Keyset paging: the order is stable, and a user created or deleted between two calls never
     * makes a page repeat or skip another user.
     *
     * @param afterUsername only users whose normalised username sorts strictly after this one;
     *                      empty for the first page (pass the last username of the previous page)
     * @param limit         at most this many users, between 1 and {@link #MAX_PAGE}
     * @throws IllegalArgumentException if {@code limit} is out of range
     */
    List<UserRecord> list(Optional<String> afterUsername, int limit);

    /**
     * Deletes a user; its username becomes free. The engine revokes the user's sessions first
     * ({@code AuthService.deleteUser}); a store only forgets the record.
     *
     * @return whether the user existed
     */
    boolean delete(String userId);

    /** The largest page {@link #list} hands out. */
    int MAX_PAGE = 1000;

    /**
     * The argument checks every {@link #list} makes before anything else.
     *
     * @throws NullPointerException     if {@code afterUsername} is {@code null}
     * @throws IllegalArgumentException if {@code limit} is not between 1 and {@link #MAX_PAGE}
     */
    static void requireListArguments(Optional<String> afterUsername, int limit) {
        java.util.Objects.requireNonNull(afterUsername, "afterUsername");
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE + ": " + limit);
        }
    }
}
