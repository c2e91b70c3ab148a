package org.portcullis.auth.client;

import java.time.Duration;

/**
 * The authentication server cannot answer right now: it said 503 (its store is unreachable,
 * {@code STORE_UNAVAILABLE}), or it could not be reached at all ({@link #SERVER_UNREACHABLE}:
 * connection refused, reset, timed out). Always retryable; the tokens held are kept.
 */
public final class ServerUnavailableException extends AuthClientException {

    private static final long serialVersionUID = 1L;

    ServerUnavailableException(String code, int status, Duration retryAfter, String message, Throwable cause) {
        super(code, status, retryAfter, message, cause);
    }

    @Override
    ServerUnavailableException onCallerThread() {
        return new ServerUnavailableException(code(), status(), retryAfter().orElse(null), getMessage(), this);
    }
}
