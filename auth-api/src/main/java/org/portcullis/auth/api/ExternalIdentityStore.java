package org.portcullis.auth.api;

import java.util.List;
import java.util.Optional;

/**
 * The links between external identities (an OpenID provider's subject) and local users, for
 * login through an identity provider. Kept apart from {@link UserStore} so that an application
 * with its own user table can add provider logins without changing its user store.
 *
 * <p>Implementations must be thread-safe, and {@link #link} atomic: of concurrent links of one
 * (provider, subject) exactly one succeeds, so one external identity never stands for two users.
 * A durable store keeps links across a restart. Every method throws
 * {@link StoreUnavailableException} when the store cannot be reached and never returns
 * {@code null}. All of it is checked by {@code ExternalIdentityStoreContract} in auth-store-tck.
 */
public interface ExternalIdentityStore {

    /**
     * The link of this external identity, if any. Provider ids and subjects are compared
     * exactly (case-sensitively: OpenID Connect subjects are case-sensitive strings).
     */
    Optional<ExternalIdentity> find(String provider, String subject);

    /** Every link of one local user, oldest first; empty when it has none. */
    List<ExternalIdentity> findByUser(String userId);

    /**
     * Stores a new link.
     *
     * @return {@code false}, changing nothing, when this (provider, subject) is already linked
     *         (to this user or another)
     */
    boolean link(ExternalIdentity identity);

    /**
     * Removes the link of this external identity.
     *
     * @return whether there was one
     */
    boolean unlink(String provider, String subject);

    /**
     * Removes the link of this external identity only while it still names {@code expectedUserId},
     * as one atomic step: a caller that found a link to a deleted user, or that claimed a link and
     * now gives it up, must never remove a link that a concurrent login has meanwhile made for
     * another user.
     *
     * @return whether a link to {@code expectedUserId} was there and is now removed; {@code false},
     *         changing nothing, when there is none or it names another user
     */
    boolean unlink(String provider, String subject, String expectedUserId);
}
