package org.portcullis.auth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AuthSettings")
class AuthSettingsTest {

    @Test
    @DisplayName("defaults: 20-minute access tokens, 30 s skew, 5 s grace, EdDSA, finite audit retention")
    void defaults() {
        AuthSettings s = AuthSettings.defaults();
        assertThat(s.accessTokenLifetime()).isEqualTo(Duration.ofMinutes(20));
        assertThat(s.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.refreshGraceWindow()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.signingAlgorithm()).isEqualTo(SigningAlgorithm.EdDSA);
        assertThat(s.cleanup().auditRetention()).isEqualTo(Duration.ofDays(365));
        assertThat(s.maxSessionsPerUser()).isZero();
    }

    @Test
    @DisplayName("the builder refuses nonsense and names the bad setting")
    void refusesNonsense() {
        assertThatThrownBy(() -> AuthSettings.builder().accessTokenLifetime(Duration.ZERO).build())
                .hasMessageContaining("accessTokenLifetime");
        assertThatThrownBy(() -> AuthSettings.builder().refreshIdleTimeout(Duration.ofMinutes(5)).build())
                .hasMessageContaining("refreshIdleTimeout").hasMessageContaining("accessTokenLifetime");
        assertThatThrownBy(() -> AuthSettings.builder().absoluteSessionLifetime(Duration.ofDays(1)).build())
                .hasMessageContaining("absoluteSessionLifetime");
        assertThatThrownBy(() -> AuthSettings.builder().clockSkew(Duration.ofMinutes(10)).build())
                .hasMessageContaining("clockSkew");
        assertThatThrownBy(() -> AuthSettings.builder().refreshGraceWindow(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("refreshGraceWindow");
        assertThatThrownBy(() -> AuthSettings.builder().issuer(" ").build()).hasMessageContaining("issuer");
        assertThatThrownBy(() -> AuthSettings.builder().maxTokenBytes(10).build()).hasMessageContaining("maxTokenBytes");
        assertThatThrownBy(() -> new AuthSettings.Cleanup(Duration.ZERO, 0, Duration.ZERO, Duration.ofDays(1)))
                .hasMessageContaining("cleanup.batchSize");
        assertThatThrownBy(() -> new AuthSettings.Cleanup(Duration.ZERO, 10, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("cleanup.auditRetention");
        assertThatThrownBy(() -> new AuthSettings.Throttling(Duration.ofMinutes(1), 0, 1, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(2), 5, 0, Duration.ofHours(1))).hasMessageContaining("throttling.pairFreeAttempts");
        assertThatThrownBy(() -> AuthSettings.Throttling.defaults().withAccountCap(-1, Duration.ofHours(1)))
                .hasMessageContaining("throttling.accountMaxFailures");
    }

    @Test
    @DisplayName("toBuilder keeps every setting")
    void toBuilder() {
        AuthSettings s = AuthSettings.builder().issuer("x").accessTokenLifetime(Duration.ofMinutes(7))
                .maxSessionsPerUser(3, SessionLimitPolicy.REJECT).build();
        assertThat(s.toBuilder().build()).isEqualTo(s);
    }
}
