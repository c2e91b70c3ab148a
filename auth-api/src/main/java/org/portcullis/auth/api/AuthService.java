package org.portcullis.auth.api;

import java.util.List;
import java.util.Set;

/**
 * The facade: the whole session lifecycle. Built by {@code org.portcullis.auth.core.Portcullis.builder()}.
 *
 * <p>Thread-safe. Expected failures throw {@link AuthException} with a stable {@link ErrorCode};
 * an unreachable store throws {@link StoreUnavailableException}. Nothing is ever authenticated,
 * validated or rotated when an exception is thrown (fail closed). Every operation is audited.
 */
public interface AuthService extends AutoCloseable {

    /**
     * Logs in: throttling check (before any hashing), credential check, new session, tokens.
     *
     * @throws AuthException {@link ErrorCode#INVALID_CREDENTIALS}, {@link ErrorCode#ACCOUNT_DISABLED},
     *         {@link ErrorCode#THROTTLED} (with retry-after), {@link ErrorCode#SESSION_LIMIT_REACHED},
     *         {@link ErrorCode#UNSUPPORTED_CREDENTIAL}
     */
    TokenPair login(Credential credential, ClientInfo client);

    /**
     * Rotates both tokens. The access token must verify (signature, issuer, audience, type) but may
     * be expired; its {@code sid} must name the refresh token's session.
     *
     * @throws AuthException {@link ErrorCode#TOKEN_INVALID}, {@link ErrorCode#REFRESH_TOKEN_INVALID},
     *         {@link ErrorCode#REFRESH_TOKEN_EXPIRED}, {@link ErrorCode#REFRESH_TOKEN_REUSED} (the session is
     *         now revoked), {@link ErrorCode#REFRESH_CONFLICT} (retryable), {@link ErrorCode#SESSION_MISMATCH},
     *         {@link ErrorCode#TOKEN_REVOKED}
     */
    TokenPair refresh(String accessToken, String refreshToken, ClientInfo client);

    /**
     * Validates an access token and returns its principal. Fast: a token seen before is not
     * verified again, but expiry and revocation still apply at once on this node.
     *
     * @throws AuthException {@link ErrorCode#TOKEN_MISSING}, {@link ErrorCode#TOKEN_INVALID},
     *         {@link ErrorCode#TOKEN_EXPIRED}, {@link ErrorCode#TOKEN_REVOKED}
     */
    AuthPrincipal validate(String accessToken);

    /** Ends the caller's current session. Idempotent. */
    void logout(AuthPrincipal caller, ClientInfo client);

    /**
     * Ends every session of the caller, the current one included.
     *
     * @return how many sessions this call ended
     */
    int logoutAll(AuthPrincipal caller, ClientInfo client);

    /**
     * Ends every session of the caller except the current one.
     *
     * @return how many sessions this call ended
     */
    int logoutOthers(AuthPrincipal caller, ClientInfo client);

    /**
     * Ends one of the caller's own sessions.
     *
     * @throws AuthException {@link ErrorCode#SESSION_NOT_FOUND} when no active session of the caller has this id
     */
    void revokeSession(AuthPrincipal caller, String sessionId, ClientInfo client);

    /**
     * Ends every session of a user, for administrators and applications (after a password change, say).
     *
     * @return how many sessions this call ended
     */
    int revokeAllSessions(String userId, RevocationReason reason);

    /**
     * Disables a user of the {@link Stores#users() user store}: its logins end in
     * {@link ErrorCode#ACCOUNT_DISABLED} (after a right password only) and every one of its
     * sessions is revoked (reason {@link RevocationReason#ACCOUNT_DISABLED}), so its access tokens
     * are refused at once on this node and within {@link AuthSettings#sessionStatusTtl()} on the
     * others (OWASP ASVS V3.3.1). Audited as {@code USER_DISABLED}, plus {@code SESSIONS_REVOKED_ALL}.
     *
     * @param actor who asks (an administrator's client), for the audit trail
     * @return whether the user exists
     */
    boolean disableUser(String userId, ClientInfo actor);

    /**
     * Enables a user again. Audited as {@code USER_ENABLED}.
     *
     * @return whether the user exists
     */
    boolean enableUser(String userId, ClientInfo actor);

    /**
     * The caller changes their own password: the current one must be right, and the attempt is
     * throttled and counted like a login (a stolen access token must not become a way to guess the
     * password). Every other session of the caller is revoked (reason
     * {@link RevocationReason#PASSWORD_CHANGED}; OWASP ASVS V3.3.3, NIST SP 800-63B §6.1.2.3); the
     * current one stays. Audited as {@code PASSWORD_CHANGED}.
     *
     * @throws AuthException {@link ErrorCode#INVALID_CREDENTIALS} when the current password is wrong,
     *         {@link ErrorCode#THROTTLED}, {@link ErrorCode#TOKEN_REVOKED} when the user no longer exists
     *         or is disabled
     * @throws IllegalArgumentException when the new password is shorter than
     *         {@link PasswordCredential#MIN_NEW_PASSWORD_LENGTH} or longer than
     *         {@link PasswordCredential#MAX_PASSWORD_LENGTH} characters (the message never holds it)
     */
    void changePassword(AuthPrincipal caller, String currentPassword, String newPassword, ClientInfo client);

    /**
     * An administrator sets a user's password: every session of the user is revoked (reason
     * {@link RevocationReason#PASSWORD_CHANGED}). Audited as {@code PASSWORD_CHANGED}.
     *
     * @return whether the user exists
     * @throws IllegalArgumentException for a new password of the wrong length, as {@link #changePassword}
     */
    boolean setPassword(String userId, String newPassword, ClientInfo actor);

    /**
     * Replaces a user's roles. Sessions go on; each one's next refreshed access token carries the
     * new roles (tokens issued before keep theirs until they expire, one access-token lifetime at
     * most; revoke the sessions to end them at once). Audited as {@code ROLES_CHANGED}.
     *
     * @return whether the user exists
     */
    boolean setRoles(String userId, Set<String> roles, ClientInfo actor);

    /**
     * Deletes a user after revoking every one of its sessions (reason
     * {@link RevocationReason#ACCOUNT_DISABLED}). Audited as {@code USER_DELETED}.
     *
     * @return whether the user existed
     */
    boolean deleteUser(String userId, ClientInfo actor);

    /** The user's active sessions, oldest first. */
    List<Session> sessions(String userId);

    /**
     * Runs one cleanup pass now: purges expired and long-revoked sessions, old audit events and
     * closed attempt counters, in batches, auditing each purged session.
     *
     * @return how many sessions were purged
     */
    int purgeExpired();

    /**
     * Rotates the signing key: publishes a new key of the configured algorithm that starts signing
     * after {@code publishLead}, and retires the keys that sign now at that moment. Retired keys keep
     * verifying for an access-token lifetime plus the refresh idle timeout, so that neither a live
     * token nor a refresh with an expired one is refused. Audited as {@code KEY_ROTATED}.
     *
     * @param publishLead how long the new key is only published; give at least every node's
     *                    {@link AuthSettings#keyReloadInterval()}, so that no node sees a token signed
     *                    with a key it has not loaded (keycloak#49658). Zero signs with it at once.
     * @return the new key's id ({@code kid})
     * @throws IllegalArgumentException if {@code publishLead} is negative
     */
    String rotateSigningKey(java.time.Duration publishLead);

    /**
     * Checks that the stores can be reached.
     *
     * @throws StoreUnavailableException if they cannot
     */
    void checkHealth();

    /** The settings in force. */
    AuthSettings settings();

    /** Stops the background cleanup job, if any. Does not close the stores. */
    @Override
    void close();
}
