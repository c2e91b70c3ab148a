package org.portcullis.auth.client;

import java.util.EnumSet;
import java.util.Set;

import org.portcullis.auth.api.ErrorCode;

/**
 * The session is over and cannot be refreshed: it was revoked (logout elsewhere, an administrator,
 * a detected refresh-token reuse), it expired, or the client holds no tokens at all
 * ({@link AuthClientException#NOT_LOGGED_IN}). The client has already forgotten the dead tokens;
 * the remedy is to call {@link AuthClient#login} again.
 *
 * <p>{@link #code()} says why, for example {@code REFRESH_TOKEN_REUSED}, {@code TOKEN_REVOKED},
 * {@code REFRESH_TOKEN_EXPIRED}, {@code REFRESH_TOKEN_INVALID}.
 */
public final class SessionGoneException extends AuthClientException {

    private static final long serialVersionUID = 1L;

    /** Server codes that mean the session cannot go on, whatever request they answered. */
    static final Set<ErrorCode> CODES = EnumSet.of(ErrorCode.REFRESH_TOKEN_REUSED, ErrorCode.TOKEN_REVOKED,
            ErrorCode.REFRESH_TOKEN_EXPIRED, ErrorCode.REFRESH_TOKEN_INVALID, ErrorCode.SESSION_MISMATCH);

    SessionGoneException(String code, int status, String message) {
        this(code, status, message, null);
    }

    private SessionGoneException(String code, int status, String message, Throwable cause) {
        super(code, status, null, message, cause);
    }

    @Override
    SessionGoneException onCallerThread() {
        return new SessionGoneException(code(), status(), getMessage(), this);
    }

    static SessionGoneException notLoggedIn() {
        return new SessionGoneException(NOT_LOGGED_IN, 0, "Not logged in: call login() first.");
    }
}
