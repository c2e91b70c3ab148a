package org.portcullis.auth.api;

import java.util.Optional;
import java.util.Set;

/**
 * "Is this credential valid, and who is it?", and later "is that account still allowed in?". An
 * application plugs in LDAP, its own user table or an identity provider. The default
 * implementation checks Argon2id hashes held in a {@link UserStore}.
 *
 * <p>The engine throttles before calling {@link #verify}, so a verifier need not count failures.
 *
 * <p>Implementations must be thread-safe: both methods are called concurrently from every request
 * thread. They must not reveal whether a username exists: an unknown user and a wrong password
 * both end in {@link ErrorCode#INVALID_CREDENTIALS}, after about the same amount of work.
 */
public interface CredentialVerifier {

    /**
     * Verifies a credential.
     *
     * @return the identity the credential proves
     * @throws AuthException with {@link ErrorCode#INVALID_CREDENTIALS}, {@link ErrorCode#ACCOUNT_DISABLED}
     *         or {@link ErrorCode#UNSUPPORTED_CREDENTIAL}; its {@link AuthException#reason()} goes to the audit trail
     * @throws StoreUnavailableException when the backing store cannot be reached
     */
    Identity verify(Credential credential);

    /**
     * Whether the account with this {@link Identity#userId() user id}, which this verifier once
     * vouched for, may still receive tokens. The engine asks at every refresh, before a new token
     * is issued: on {@code false} it revokes the session and the refresh fails with
     * {@link ErrorCode#TOKEN_REVOKED} (reason {@code account_disabled}), so a disabled or deleted
     * account ends at its next refresh instead of at the session's absolute lifetime (OWASP ASVS
     * V3.3.1). A user the verifier no longer knows must answer {@code false}. A verifier that has
     * no notion of disabling (an identity provider whose assertions are checked only at login)
     * answers {@code true} and says so in its own documentation.
     *
     * <p>It must fail closed: when it cannot tell, it throws rather than answering {@code true}.
     * The refresh then fails with {@link ErrorCode#STORE_UNAVAILABLE}, no token is issued, and
     * the session is left as it was, to be refreshed once the store is back.
     *
     * @param userId the user id of a session's account, never {@code null}
     * @return {@code true} if the account may continue, {@code false} to end its session
     * @throws StoreUnavailableException when the backing store cannot be reached
     */
    boolean isStillAllowed(String userId);

    /**
     * Whether the credential a login just verified still stands, asked after that login's session
     * was written and before its tokens are returned. An account change (password reset, disable,
     * delete) that lands while a login is verifying the old credential revokes the sessions that
     * exist at that moment, which does not yet include the login's own; this second look, made
     * after the session exists, closes that gap: on {@code false} the engine revokes the new
     * session and the login fails (OWASP ASVS V3.3.1, V3.3.3; NIST SP 800-63B §6.1.2.3). Either
     * the account change sees the new session and revokes it, or this call sees the change.
     *
     * <p>The default asks {@link #isStillAllowed}. A verifier that sets
     * {@link Identity#credentialVersion()} also compares it with the credential's version now.
     *
     * @param identity what {@link #verify} returned for the login
     * @return {@code true} if the login may complete
     * @throws StoreUnavailableException when the backing store cannot be reached (the login then fails closed)
     */
    default boolean isStillCurrent(Identity identity) {
        return isStillAllowed(identity.userId());
    }

    /**
     * The account's roles as they stand now, asked at every refresh after {@link #isStillAllowed}
     * answered {@code true}: the refreshed access token carries them, so that a change of roles
     * reaches the user's tokens within one access-token lifetime instead of at the session's end.
     * Empty keeps the roles the session was started with; that is the default, for a verifier
     * whose roles cannot change after login.
     *
     * @param userId the user id of a session's account, never {@code null}
     * @return the current roles, or empty to keep the session's
     * @throws StoreUnavailableException when the backing store cannot be reached (the refresh then fails closed)
     */
    default Optional<Set<String>> currentRoles(String userId) {
        return Optional.empty();
    }

    /**
     * What the engine asks at every refresh: whether the account may go on ({@link #isStillAllowed})
     * and, if so, the roles the refreshed token carries ({@link #currentRoles}, or
     * {@code sessionRoles} when that is empty). The default asks those two in turn; a verifier that
     * can answer both from one read of its store (the built-in one does) overrides this to save a
     * round trip. The same contract: a user it no longer knows is not allowed, and it fails closed.
     *
     * @param userId       the user id of a session's account, never {@code null}
     * @param sessionRoles the roles the session was started with, kept when the verifier has none to give
     * @return the roles for the refreshed token, or empty to end the session
     * @throws StoreUnavailableException when the backing store cannot be reached (the refresh then fails closed)
     */
    default Optional<Set<String>> rolesAtRefresh(String userId, Set<String> sessionRoles) {
        if (!isStillAllowed(userId)) {
            return Optional.empty();
        }
        return Optional.of(currentRoles(userId).orElse(sessionRoles));
    }
}
