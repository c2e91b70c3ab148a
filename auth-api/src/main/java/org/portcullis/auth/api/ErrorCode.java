package org.portcullis.auth.api;

/**
 * The stable vocabulary of failures. Every {@link PortcullisException} carries one of these;
 * the HTTP layer puts {@link #name()} in the {@code code} member of its problem responses, so
 * the names are part of the public contract and never change meaning.
 *
 * <p>Descriptions are safe to show to a client: none reveals whether a username exists.
 */
public enum ErrorCode {
    /** Wrong username or password, or the username does not exist (the two are indistinguishable). */
    INVALID_CREDENTIALS("The username or password is incorrect.", false),
    /** The credentials were right but the account is disabled or locked by an administrator. */
    ACCOUNT_DISABLED("The account is disabled.", false),
    /** The credential type is not supported by any configured verifier. */
    UNSUPPORTED_CREDENTIAL("This kind of credential is not accepted.", false),
    /** Too many failed attempts; retry after the delay carried by the exception. */
    THROTTLED("Too many failed attempts; try again later.", true),
    /** No access token was presented where one is required. */
    TOKEN_MISSING("An access token is required.", false),
    /** The access token is malformed, too large, wrongly signed, or has wrong claims or headers. */
    TOKEN_INVALID("The access token is invalid.", false),
    /** The access token has expired (beyond the allowed clock skew). */
    TOKEN_EXPIRED("The access token has expired.", false),
    /** The access token is well formed but its session was revoked or has ended. */
    TOKEN_REVOKED("The session of this access token has ended.", false),
    /** The refresh token is unknown. */
    REFRESH_TOKEN_INVALID("The refresh token is invalid.", false),
    /** The refresh token's session has passed its idle or absolute lifetime. */
    REFRESH_TOKEN_EXPIRED("The refresh token has expired.", false),
    /**
     * A refresh token that had already been rotated away was presented again: the session has
     * been revoked (RFC 9700 §4.14.2).
     */
    REFRESH_TOKEN_REUSED("The refresh token was already used; the session has been revoked.", false),
    /**
     * A concurrent or retried refresh of the same token, inside the grace window: nothing was
     * revoked; the caller should pick up the tokens of the refresh that won, or retry.
     */
    REFRESH_CONFLICT("The refresh token was just rotated by another request; retry with the newest tokens.", true),
    /** The access token and the refresh token belong to different sessions. */
    SESSION_MISMATCH("The access token and the refresh token do not belong to the same session.", false),
    /** The named session does not exist or does not belong to the caller. */
    SESSION_NOT_FOUND("No such session.", false),
    /** The user already has the maximum number of sessions and the policy is to reject. */
    SESSION_LIMIT_REACHED("Too many active sessions for this user.", false),
    /** The request itself is malformed (transport layer: bad JSON, missing field, too large). */
    MALFORMED_REQUEST("The request is malformed.", false),
    /** A store (database) could not be reached; nothing was authenticated. */
    STORE_UNAVAILABLE("The authentication service is temporarily unavailable.", true),
    /**
     * The caller is authenticated but lacks every role that an access rule asks for this path
     * (RFC 6750 §3.1 {@code insufficient_scope}); logging in again does not help.
     */
    FORBIDDEN("The caller is not allowed to access this resource.", false);

    private final String description;
    private final boolean retryable;

    ErrorCode(String description, boolean retryable) {
        this.description = description;
        this.retryable = retryable;
    }

    /** A sentence safe to show to an end user; never contains request data. */
    public String description() {
        return description;
    }

    /** Whether the same request may succeed if simply sent again later. */
    public boolean retryable() {
        return retryable;
    }
}
