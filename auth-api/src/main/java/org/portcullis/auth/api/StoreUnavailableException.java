package org.portcullis.auth.api;

/**
 * A store could not do its work: the database is down, a query timed out, a connection pool
 * is exhausted. Always {@link ErrorCode#STORE_UNAVAILABLE}. Portcullis fails closed: when this
 * is thrown, nothing was authenticated, validated or rotated.
 *
 * <p>Store implementations wrap their driver's exceptions in this type; the cause is kept for
 * logs but the message must not contain query parameters (they may hold token hashes).
 */
public final class StoreUnavailableException extends PortcullisException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(ErrorCode.STORE_UNAVAILABLE, message, cause, true);
    }

    public StoreUnavailableException(String message) {
        this(message, null);
    }
}
