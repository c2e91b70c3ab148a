package org.portcullis.auth.http.internal;

import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.http.AuthHttpResponse;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Error responses: RFC 9457 problem details with a stable {@code code} member, plus the
 * RFC 6750 §3 {@code WWW-Authenticate} challenge on every 401, {@code Retry-After} on 429, and a
 * fixed {@code Retry-After} of {@value #STORE_UNAVAILABLE_RETRY_AFTER_SECONDS} seconds on 503
 * {@code STORE_UNAVAILABLE}.
 *
 * <p>The status of each {@link ErrorCode} (also documented on {@code AuthHttpHandler}):
 * <pre>
 * INVALID_CREDENTIALS     401   ACCOUNT_DISABLED     403   UNSUPPORTED_CREDENTIAL 400
 * THROTTLED               429   TOKEN_MISSING        401   TOKEN_INVALID          401
 * TOKEN_EXPIRED           401   TOKEN_REVOKED        401   REFRESH_TOKEN_INVALID  401
 * REFRESH_TOKEN_EXPIRED   401   REFRESH_TOKEN_REUSED 401   REFRESH_CONFLICT       409
 * SESSION_MISMATCH        401   SESSION_NOT_FOUND    404   SESSION_LIMIT_REACHED  403
 * FORBIDDEN               403 (with an RFC 6750 §3.1 insufficient_scope challenge)
 * MALFORMED_REQUEST       400 (413, 415, 431, 404, 405 for the transport cases)
 * STORE_UNAVAILABLE       503
 * </pre>
 */
public final class Problems {

    /** The realm named in every challenge. */
    public static final String REALM = "portcullis";

    /**
     * The {@code Retry-After} of a 503 {@code STORE_UNAVAILABLE}, in seconds (RFC 9110 §10.2.3: how
     * long the service is expected to be unavailable). Fixed, since nobody knows when the database
     * returns; long enough that retrying clients do not pile onto a struggling one.
     */
    public static final int STORE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

    private Problems() {
    }

    /** The HTTP status for an error code. */
    public static int status(ErrorCode code) {
        return switch (code) {
            case INVALID_CREDENTIALS, TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_REVOKED,
                 REFRESH_TOKEN_INVALID, REFRESH_TOKEN_EXPIRED, REFRESH_TOKEN_REUSED, SESSION_MISMATCH -> 401;
            case ACCOUNT_DISABLED, SESSION_LIMIT_REACHED, FORBIDDEN -> 403;
            case UNSUPPORTED_CREDENTIAL, MALFORMED_REQUEST -> 400;
            case THROTTLED -> 429;
            case REFRESH_CONFLICT -> 409;
            case SESSION_NOT_FOUND -> 404;
            case STORE_UNAVAILABLE -> 503;
        };
    }

    /** The problem type URI of an error code: a URN, which RFC 9457 §3.1.1 allows when no page documents it. */
    public static String type(ErrorCode code) {
        return "urn:portcullis:problem:" + code.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A problem response for an error code, at the code's usual status, with its description as detail. */
    public static AuthHttpResponse of(ErrorCode code) {
        return of(status(code), code, code.description());
    }

    /**
     * A problem response. Adds {@code WWW-Authenticate} when the status is 401: the RFC 6750 §3
     * challenge with {@code error="invalid_token"}, except for a failed login, where no token
     * was involved and the challenge carries no error (RFC 6750 §3.1).
     *
     * @param detail a sentence safe to show the client; never request data
     */
    public static AuthHttpResponse of(int status, ErrorCode code, String detail) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (status == 401) {
            headers.put("WWW-Authenticate", code == ErrorCode.INVALID_CREDENTIALS
                    ? challenge(null, null)
                    : challenge("invalid_token", detail));
        }
        if (code == ErrorCode.FORBIDDEN) {
            // RFC 6750 §3.1: a valid token without the privileges the resource asks for is
            // insufficient_scope, with 403; the roles asked for are not named, only refused.
            headers.put("WWW-Authenticate", challenge("insufficient_scope", detail));
        }
        if (code == ErrorCode.STORE_UNAVAILABLE) {
            headers.put("Retry-After", Integer.toString(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS));
        }
        return build(status, code, detail, headers);
    }

    /**
     * A 401 for an {@code Authorization} header that is not a well-formed bearer credential:
     * RFC 6750 §3.1 {@code error="invalid_request"}. The status stays 401 because the contract
     * promises 401 to every protected path reached without a valid token.
     */
    public static AuthHttpResponse malformedAuthorization(String detail) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("WWW-Authenticate", challenge("invalid_request", detail));
        return build(401, ErrorCode.TOKEN_INVALID, detail, headers);
    }

    /** A 429 with {@code Retry-After} in whole seconds, rounded up, at least 1 (RFC 9110 §10.2.3). */
    public static AuthHttpResponse throttled(Duration retryAfter) {
        long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", Long.toString(Math.max(1, seconds)));
        return build(429, ErrorCode.THROTTLED, ErrorCode.THROTTLED.description(), headers);
    }

    /** A 405 naming the allowed methods (RFC 9110 §15.5.6). */
    public static AuthHttpResponse methodNotAllowed(String allow) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Allow", allow);
        return build(405, ErrorCode.MALFORMED_REQUEST, "This method is not allowed here.", headers);
    }

    /**
     * A 500 for a failure that is ours, not the client's (a bug). Its code, {@value #INTERNAL_ERROR},
     * is the one code outside {@link ErrorCode}; the detail says nothing about the cause.
     */
    public static AuthHttpResponse internalError() {
        return build(500, null, "The server failed to process the request.", new LinkedHashMap<>());
    }

    /** The {@code code} of a 500. */
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    private static AuthHttpResponse build(int status, ErrorCode code, String detail, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", code == null ? "urn:portcullis:problem:internal-error" : type(code));
        body.put("title", title(status));
        body.put("status", status);
        body.put("detail", detail);
        body.put("code", code == null ? INTERNAL_ERROR : code.name());
        headers.put("Content-Type", "application/problem+json");
        headers.put("Cache-Control", "no-store");
        return new AuthHttpResponse(status, headers, Json.write(body));
    }

    private static String challenge(String error, String description) {
        StringBuilder sb = new StringBuilder("Bearer realm=\"").append(REALM).append('"');
        if (error != null) {
            sb.append(", error=\"").append(error).append('"');
            if (description != null) {
                sb.append(", error_description=\"").append(quotable(description)).append('"');
            }
        }
        return sb.toString();
    }

    // RFC 6750 §3: error_description may hold only %x20-21 / %x23-5B / %x5D-7E.
    private static String quotable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c <= 0x7E && c != '"' && c != '\\' ? c : ' ');
        }
        return sb.toString();
    }

    /** The reason phrase of a status, as RFC 9457 §3.1.3 suggests for the title. */
    public static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
