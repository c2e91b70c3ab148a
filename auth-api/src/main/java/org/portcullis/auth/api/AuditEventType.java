package org.portcullis.auth.api;

/** Every kind of authentication event Portcullis records. */
public enum AuditEventType {
    LOGIN_SUCCEEDED,
    LOGIN_FAILED,
    LOGIN_THROTTLED,
    TOKEN_REFRESHED,
    REFRESH_FAILED,
    REFRESH_TOKEN_REUSED,
    LOGGED_OUT,
    SESSION_REVOKED,
    SESSIONS_REVOKED_ALL,
    SESSION_EXPIRED_PURGED,
    SESSION_LIMIT_EVICTED,
    CREDENTIAL_STUFFING_SUSPECTED,
    KEY_ROTATED,
    PASSWORD_REHASHED,
    /** An administrator created a user (the admin CLI's {@code user add}). */
    USER_CREATED,
    /** An administrator disabled a user. */
    USER_DISABLED,
    /** An administrator enabled a user. */
    USER_ENABLED,
    /** A user's password was changed, by the user or by an administrator. */
    PASSWORD_CHANGED,
    /** An administrator replaced a user's roles; they reach the user's tokens at the next refresh. */
    ROLES_CHANGED,
    /** An administrator deleted a user (its sessions were revoked first). */
    USER_DELETED,
    /**
     * An external identity (an OpenID provider's subject) was linked to a local user at login:
     * to a user created for it just in time, or to an existing user by a verified e-mail address.
     */
    EXTERNAL_IDENTITY_LINKED
}
