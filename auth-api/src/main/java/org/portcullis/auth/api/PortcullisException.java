package org.portcullis.auth.api;

/**
 * The root of every exception Portcullis throws on purpose. It is unchecked; it always
 * carries a stable {@link ErrorCode}. Messages never contain a password, a token or a hash.
 *
 * <p>Two kinds exist: {@link AuthException} for outcomes a client caused or can expect (wrong
 * password, expired token) and {@link StoreUnavailableException} for infrastructure failures.
 */
public abstract sealed class PortcullisException extends RuntimeException
        permits AuthException, StoreUnavailableException {

    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;

    PortcullisException(ErrorCode code, String message, Throwable cause, boolean stackTrace) {
        super(message, cause, false, stackTrace);
        this.code = java.util.Objects.requireNonNull(code, "code");
    }

    /** The stable error code. */
    public ErrorCode code() {
        return code;
    }
}
