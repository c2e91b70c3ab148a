package org.portcullis.auth.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.portcullis.auth.api.ErrorCode;

/**
 * Every failure of an {@link AuthClient} call. Unchecked. It carries the server's problem
 * {@link #code()} (the {@code code} member of an RFC 9457 problem document; the values are the
 * server's stable error-code names such as {@code INVALID_CREDENTIALS} or {@code THROTTLED}), or
 * one of the client's own codes listed below when no server answer was involved. The server's
 * codes are the names of {@link ErrorCode}, the vocabulary client and server share; {@link
 * #errorCode()} gives the constant itself.
 *
 * <p>Two subtypes name the cases callers usually handle on their own:
 * {@link SessionGoneException} (log in again) and {@link ServerUnavailableException} (try again
 * later). Messages never contain a password or a token.
 *
 * <p>Codes a caller commonly acts on:
 * <ul>
 *   <li>{@code INVALID_CREDENTIALS}, {@code ACCOUNT_DISABLED} — from {@link AuthClient#login};</li>
 *   <li>{@code THROTTLED} — too many failed attempts; see {@link #retryAfter()};</li>
 *   <li>{@code REFRESH_CONFLICT} — another client of the same session refreshed at the same moment;
 *       retryable;</li>
 *   <li>{@code SESSION_NOT_FOUND} — from {@link AuthClient#revokeSession};</li>
 *   <li>{@code MALFORMED_REQUEST} — the server rejected the request's shape.</li>
 * </ul>
 */
public sealed class AuthClientException extends RuntimeException
        permits SessionGoneException, ServerUnavailableException {

    private static final long serialVersionUID = 1L;

    /** Client code: no tokens are held; call {@link AuthClient#login} first. */
    public static final String NOT_LOGGED_IN = "NOT_LOGGED_IN";
    /** Client code: the server could not be reached (connection refused, reset, timed out). */
    public static final String SERVER_UNREACHABLE = "SERVER_UNREACHABLE";
    /** Client code: the server answered something the client does not understand. */
    public static final String UNEXPECTED_RESPONSE = "UNEXPECTED_RESPONSE";
    /** Client code: the calling thread was interrupted while waiting; its interrupt flag is set again. */
    public static final String INTERRUPTED = "INTERRUPTED";

    private final String code;
    private final int status;
    private final transient Duration retryAfter;

    AuthClientException(String code, int status, Duration retryAfter, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The server's problem {@code code}, or one of the client codes of this class. Never null. */
    public String code() {
        return code;
    }

    /**
     * The server's code as the shared {@link ErrorCode}; empty for the client's own codes, and for a
     * code this client version does not know (a newer server's, or a proxy's answer).
     */
    public Optional<ErrorCode> errorCode() {
        return ErrorCodes.parse(code);
    }

    /** The HTTP status of the answer, or {@code 0} when no answer was received. */
    public int status() {
        return status;
    }

    /** How long to wait before trying again, when the server said so ({@code Retry-After}, RFC 9110 §10.2.3). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * A copy of this exception thrown on the calling thread, with this one as its cause: a failure
     * that happened on an HTTP client thread (or in a refresh another thread started) then shows
     * where the caller was waiting, and still says what went wrong where.
     */
    AuthClientException onCallerThread() {
        return new AuthClientException(code, status, retryAfter, getMessage(), this);
    }

    /** Whether the same call may succeed if made again later (throttling, a refresh race, an outage). */
    public boolean isRetryable() {
        return SERVER_UNREACHABLE.equals(code) || status == 503
                || errorCode().map(ErrorCode::retryable).orElse(false);
    }
}
