package org.portcullis.auth.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.portcullis.auth.api.ErrorCode;

@DisplayName("Problem answers become typed exceptions")
class ProblemTest {

    static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    static String problem(String code, int status) {
        return "{\"type\":\"about:blank\",\"title\":\"t\",\"status\":" + status + ",\"code\":\"" + code
                + "\",\"detail\":\"Some detail.\"}";
    }

    static AuthClientException exception(int status, String code, boolean refreshing) {
        return Problem.of(status, Optional.empty(), problem(code, status), NOW).toException("op", refreshing);
    }

    @Nested
    @DisplayName("session gone")
    class SessionGone {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"REFRESH_TOKEN_REUSED", "TOKEN_REVOKED", "REFRESH_TOKEN_EXPIRED", "REFRESH_TOKEN_INVALID"})
        @DisplayName("these codes mean the session is gone, carrying the code")
        void gone(String code) {
            assertThat(exception(401, code, false)).isInstanceOf(SessionGoneException.class)
                    .satisfies(e -> assertThat(e.code()).isEqualTo(code))
                    .hasMessageContaining("log in again");
        }

        @Test
        @DisplayName("any other 401 to a refresh means the session is gone too")
        void other401OnRefresh() {
            assertThat(exception(401, "TOKEN_INVALID", true)).isInstanceOf(SessionGoneException.class);
        }

        @Test
        @DisplayName("a refresh conflict is not the end of the session, and is retryable")
        void conflict() {
            AuthClientException e = exception(409, "REFRESH_CONFLICT", true);
            assertThat(e).isNotInstanceOf(SessionGoneException.class);
            assertThat(e.isRetryable()).isTrue();
            AuthClientException as401 = exception(401, "REFRESH_CONFLICT", true);
            assertThat(as401).isNotInstanceOf(SessionGoneException.class);
        }

        @Test
        @DisplayName("wrong credentials at login are a plain, not retryable, failure")
        void invalidCredentials() {
            AuthClientException e = exception(401, "INVALID_CREDENTIALS", false);
            assertThat(e).isExactlyInstanceOf(AuthClientException.class);
            assertThat(e.code()).isEqualTo("INVALID_CREDENTIALS");
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.isRetryable()).isFalse();
        }
    }

    @Nested
    @DisplayName("throttling and outages")
    class Retry {

        @Test
        @DisplayName("a 429 carries Retry-After in seconds")
        void retryAfterSeconds() {
            AuthClientException e = Problem.of(429, Optional.of("17"), problem("THROTTLED", 429), NOW)
                    .toException("login", false);
            assertThat(e.code()).isEqualTo("THROTTLED");
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(17));
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.getMessage()).contains("retry after 17 s");
        }

        @Test
        @DisplayName("Retry-After as an HTTP-date is measured from the client's clock")
        void retryAfterDate() {
            assertThat(Problem.parseRetryAfter("Thu, 01 Jan 2026 10:01:30 GMT", NOW)).contains(Duration.ofSeconds(90));
        }

        @Test
        @DisplayName("an unreadable Retry-After is ignored")
        void retryAfterGarbage() {
            assertThat(Problem.parseRetryAfter("soon", NOW)).isEmpty();
        }

        @Test
        @DisplayName("a 503 is a ServerUnavailableException even without a problem body")
        void unavailable() {
            AuthClientException e = Problem.of(503, Optional.empty(), "<html>down</html>", NOW).toException("me", false);
            assertThat(e).isInstanceOf(ServerUnavailableException.class);
            assertThat(e.code()).isEqualTo("STORE_UNAVAILABLE");
            assertThat(e.isRetryable()).isTrue();
        }
    }

    @Test
    @DisplayName("without a code member, the code is derived from the status")
    void derivedCode() {
        assertThat(Problem.of(404, Optional.empty(), "", NOW).code()).isEqualTo("NOT_FOUND");
        assertThat(Problem.of(418, Optional.empty(), null, NOW).code()).isEqualTo("HTTP_418");
    }

    @Test
    @DisplayName("the message names the operation, the code and the status")
    void message() {
        assertThat(exception(404, "SESSION_NOT_FOUND", false).getMessage())
                .contains("op", "SESSION_NOT_FOUND", "404", "Some detail.");
    }

    @Nested
    @DisplayName("the shared error vocabulary")
    class SharedVocabulary {

        @ParameterizedTest(name = "{0}")
        @EnumSource(ErrorCode.class)
        @DisplayName("every server code reads back as the same ErrorCode, retryable exactly when the server says so")
        void everyCode(ErrorCode code) {
            AuthClientException e = exception(400, code.name(), false);
            assertThat(e.errorCode()).contains(code);
            assertThat(e.isRetryable()).isEqualTo(code.retryable());
        }

        @Test
        @DisplayName("a code this client does not know keeps its text and has no ErrorCode")
        void unknownCode() {
            AuthClientException e = exception(400, "SOMETHING_NEWER", false);
            assertThat(e.code()).isEqualTo("SOMETHING_NEWER");
            assertThat(e.errorCode()).isEmpty();
            assertThat(e.isRetryable()).isFalse();
        }
    }
}
