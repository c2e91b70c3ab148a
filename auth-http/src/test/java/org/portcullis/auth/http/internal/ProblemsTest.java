package org.portcullis.auth.http.internal;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.http.AuthHttpResponse;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Problem responses")
class ProblemsTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(ErrorCode.class)
    @DisplayName("every error code has a 4xx or 503 status and an RFC 9457 body carrying the code; only 401 and FORBIDDEN challenge")
    void everyCode(ErrorCode code) {
        AuthHttpResponse r = Problems.of(code);
        assertThat(r.status()).isBetween(400, 503).isNotEqualTo(500);
        assertThat(r.header("Content-Type")).contains("application/problem+json");
        assertThat(r.bodyText()).contains("\"code\":\"" + code.name() + "\"").contains("\"status\":" + r.status())
                .contains("\"type\":\"urn:portcullis:problem:");
        if (r.status() == 401) {
            assertThat(r.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm="));
        } else if (code == ErrorCode.FORBIDDEN) {
            // RFC 6750 §3.1: a valid token without the privileges asked for.
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.header("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer realm=").contains("error=\"insufficient_scope\""));
        } else {
            assertThat(r.header("WWW-Authenticate")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"PT0S,1", "PT0.001S,1", "PT1S,1", "PT1.5S,2", "PT15M,900"})
    @DisplayName("Retry-After is whole seconds, rounded up, at least one")
    void retryAfter(Duration wait, String header) {
        assertThat(Problems.throttled(wait).header("Retry-After")).contains(header);
    }

    @Test
    @DisplayName("a 503 STORE_UNAVAILABLE asks the client to retry after 5 seconds, and no other code's problem does")
    void storeUnavailableRetryAfter() {
        assertThat(Problems.of(ErrorCode.STORE_UNAVAILABLE).header("Retry-After")).contains("5");
        for (ErrorCode code : ErrorCode.values()) {
            if (code != ErrorCode.STORE_UNAVAILABLE) {
                assertThat(Problems.of(code).header("Retry-After")).as(code.name()).isEmpty();
            }
        }
    }

    @Test
    @DisplayName("the challenge's error_description holds only the characters RFC 6750 allows")
    void quotable() {
        String v = Problems.of(401, ErrorCode.TOKEN_INVALID, "bad \"quote\" \\ and é").header("WWW-Authenticate").orElseThrow();
        assertThat(v).contains("error_description=\"bad  quote    and  \"");
    }

    @Test
    @DisplayName("an internal error says nothing about its cause")
    void internal() {
        AuthHttpResponse r = Problems.internalError();
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.bodyText()).contains("\"code\":\"INTERNAL_ERROR\"");
    }
}
