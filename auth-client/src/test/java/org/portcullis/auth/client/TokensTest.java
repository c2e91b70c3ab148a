package org.portcullis.auth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Tokens")
class TokensTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Tokens tokens(Duration lifetime, Instant expiresAt) {
        return new Tokens("access-secret-value", "refresh-secret-value", "sid-1", lifetime, expiresAt,
                Optional.of(expiresAt.plus(Duration.ofDays(7))));
    }

    @Nested
    @DisplayName("when the refresh is due")
    class Margin {

        final Tokens twentyMinutes = tokens(Duration.ofMinutes(20), T0.plus(Duration.ofMinutes(20)));

        @Test
        @DisplayName("with the default margin, it is due 30 seconds before expiry")
        void defaultMargin() {
            assertThat(twentyMinutes.refreshDueAt(AuthClient.DEFAULT_REFRESH_MARGIN))
                    .isEqualTo(T0.plus(Duration.ofMinutes(20)).minusSeconds(30));
        }

        @Test
        @DisplayName("one instant before the due time it is not due, at the due time it is")
        void boundary() {
            Instant due = twentyMinutes.refreshDueAt(Duration.ofSeconds(30));
            assertThat(twentyMinutes.refreshDue(Duration.ofSeconds(30), due.minusNanos(1))).isFalse();
            assertThat(twentyMinutes.refreshDue(Duration.ofSeconds(30), due)).isTrue();
        }

        @Test
        @DisplayName("a margin longer than half the lifetime is capped at half, so short tokens are not refreshed on every call")
        void cappedAtHalfTheLifetime() {
            Tokens twentySeconds = tokens(Duration.ofSeconds(20), T0.plusSeconds(20));
            assertThat(twentySeconds.refreshDueAt(Duration.ofSeconds(30))).isEqualTo(T0.plusSeconds(10));
            assertThat(twentySeconds.refreshDue(Duration.ofSeconds(30), T0.plusSeconds(9))).isFalse();
        }

        @Test
        @DisplayName("a zero margin refreshes at the expiry instant")
        void zeroMargin() {
            assertThat(twentyMinutes.refreshDueAt(Duration.ZERO)).isEqualTo(twentyMinutes.expiresAt());
        }
    }

    @Nested
    @DisplayName("printing")
    class Printing {

        @Test
        @DisplayName("toString shows the session and expiry but neither token")
        void redacted() {
            String text = tokens(Duration.ofMinutes(20), T0).toString();
            assertThat(text).contains("sid-1", T0.toString()).doesNotContain("access-secret-value")
                    .doesNotContain("refresh-secret-value");
        }
    }

    @Nested
    @DisplayName("construction")
    class Construction {

        @Test
        @DisplayName("a blank access token is refused, naming the component")
        void blankToken() {
            assertThatThrownBy(() -> new Tokens(" ", "r", "s", Duration.ofMinutes(1), T0, Optional.empty()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accessToken");
        }

        @Test
        @DisplayName("a lifetime of zero is refused")
        void zeroLifetime() {
            assertThatThrownBy(() -> new Tokens("a", "r", "s", Duration.ZERO, T0, Optional.empty()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lifetime");
        }

        @Test
        @DisplayName("the token type is Bearer")
        void bearer() {
            assertThat(tokens(Duration.ofMinutes(1), T0).tokenType()).isEqualTo("Bearer");
        }
    }
}
