package org.portcullis.auth.api;

/** Why a session was revoked; kept with the session and put in the audit event. */
public enum RevocationReason {
    /** The user logged out of this session. */
    LOGOUT,
    /** The user logged out everywhere. */
    LOGOUT_ALL,
    /** The user ended this session from another one (all-but-current, or one chosen session). */
    REVOKED_BY_USER,
    /** An administrator or the application revoked it. */
    REVOKED_BY_ADMIN,
    /** A rotated-away refresh token was presented again (RFC 9700 §4.14.2). */
    REFRESH_TOKEN_REUSED,
    /** The user opened more sessions than allowed and this, the oldest, was evicted. */
    SESSION_LIMIT,
    /** The account was disabled or deleted. */
    ACCOUNT_DISABLED,
    /** The account's password changed (OWASP ASVS V3.3.3). */
    PASSWORD_CHANGED,
    /** The account's password, enabled flag or existence changed while the login that opened it was verifying. */
    ACCOUNT_CHANGED
}
