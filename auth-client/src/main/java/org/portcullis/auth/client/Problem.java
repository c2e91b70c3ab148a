package org.portcullis.auth.client;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

import org.portcullis.auth.api.ErrorCode;

/**
 * A non-success answer of the server, read from an RFC 9457 problem document when there is one,
 * and turned into the matching exception.
 *
 * @param status     the HTTP status
 * @param code       the problem's {@code code} member, or a code derived from the status
 * @param detail     the problem's {@code detail} (or {@code title}), {@code ""} when absent; the
 *                   server promises it holds no secrets, and it is clipped before use
 * @param retryAfter the {@code Retry-After} header, if any
 */
record Problem(int status, String code, String detail, Optional<Duration> retryAfter) {

    static Problem of(HttpResponse<String> response, Clock clock) {
        return of(response.statusCode(), response.headers().firstValue("Retry-After"), response.body(),
                clock.instant());
    }

    static Problem of(int status, Optional<String> retryAfterHeader, String body, Instant now) {
        String code = null;
        String detail = "";
        if (body != null && !body.isBlank()) {
            try {
                Map<String, Object> m = Json.object(body, "problem");
                code = Json.optionalText(m, "code").orElse(null);
                detail = Json.optionalText(m, "detail").or(() -> Json.optionalText(m, "title")).orElse("");
            } catch (AuthClientException notJson) {
                // A proxy's HTML error page, say: the status alone has to do.
            }
        }
        if (code == null) {
            code = switch (status) {
                case 401 -> "UNAUTHORIZED";
                case 404 -> "NOT_FOUND";
                case 429 -> ErrorCode.THROTTLED.name();
                case 503 -> ErrorCode.STORE_UNAVAILABLE.name();
                default -> "HTTP_" + status;
            };
        }
        return new Problem(status, code, detail, retryAfterHeader.flatMap(value -> parseRetryAfter(value, now)));
    }

    /** RFC 9110 §10.2.3: either a number of seconds or an HTTP-date. Anything else is ignored. */
    static Optional<Duration> parseRetryAfter(String value, Instant now) {
        String v = value.strip();
        if (v.matches("\\d{1,10}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The exception for this answer.
     *
     * @param operation  what the client was doing, for the message ({@code "login"}, {@code "refresh"})
     * @param refreshing whether this answered a refresh: there, any 401 other than a refresh conflict
     *                   means the tokens can never be refreshed again, so the session is gone
     */
    AuthClientException toException(String operation, boolean refreshing) {
        String said = detail.isBlank() ? "" : ": " + Json.clip(detail);
        Optional<ErrorCode> known = ErrorCodes.parse(code);
        if (status == 503 || known.equals(Optional.of(ErrorCode.STORE_UNAVAILABLE))) {
            return new ServerUnavailableException(code, status, retryAfter.orElse(null),
                    "The authentication server is unavailable (" + operation + ", HTTP " + status + ")" + said,
                    null);
        }
        if (known.filter(SessionGoneException.CODES::contains).isPresent()
                || (refreshing && status == 401 && !known.equals(Optional.of(ErrorCode.REFRESH_CONFLICT)))) {
            return new SessionGoneException(code, status,
                    "The session has ended (" + code + ", during " + operation + "); log in again" + said);
        }
        String wait = retryAfter.map(d -> "; retry after " + d.toSeconds() + " s").orElse("");
        return new AuthClientException(code, status, retryAfter.orElse(null),
                operation + " failed: " + code + " (HTTP " + status + ")" + said + wait, null);
    }
}
