package org.portcullis.auth.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An expected authentication outcome that is not a success: wrong credentials, an expired or
 * revoked token, throttling. The one exception type of the facade for such outcomes.
 *
 * <p>It is cheap to throw: no stack trace is captured, because these are answers, not bugs.
 * {@link #reason()} is a short machine-readable detail for the audit trail (such as
 * {@code unknown_user} or {@code bad_signature}); it is never shown to a client, since it may
 * say more than the client should learn, and it never contains secrets.
 */
public final class AuthException extends PortcullisException {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final transient Duration retryAfter;

    private AuthException(ErrorCode code, String reason, Duration retryAfter) {
        super(code, code.description(), null, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.retryAfter = retryAfter;
    }

    /** An exception with the given code; the audit reason defaults to the code's name in lower case. */
    public static AuthException of(ErrorCode code) {
        return new AuthException(code, code.name().toLowerCase(java.util.Locale.ROOT), null);
    }

    /** An exception with the given code and audit reason. */
    public static AuthException of(ErrorCode code, String reason) {
        return new AuthException(code, reason, null);
    }

    /** A {@link ErrorCode#THROTTLED} exception: retry no sooner than {@code retryAfter}. */
    public static AuthException throttled(Duration retryAfter, String reason) {
        if (retryAfter == null || retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must be zero or positive");
        }
        return new AuthException(ErrorCode.THROTTLED, reason, retryAfter);
    }

    /** Audit-only detail; never shown to clients. */
    public String reason() {
        return reason;
    }

    /** For {@link ErrorCode#THROTTLED}: how long the client must wait. Empty otherwise. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public String toString() {
        return "AuthException[" + code() + ", reason=" + reason
                + (retryAfter == null ? "" : ", retryAfter=" + retryAfter) + "]";
    }
}
