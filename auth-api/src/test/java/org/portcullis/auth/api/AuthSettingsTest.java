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
        assertThat(s.maxSessionsPerUser()).isEqualTo(100);
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
    }

    @Test
    @DisplayName("the nested builders refuse nonsense and name the bad setting")
    void nestedRefuseNonsense() {
        assertThatThrownBy(() -> AuthSettings.Cleanup.builder().batchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cleanup.batchSize");
        assertThatThrownBy(() -> AuthSettings.Cleanup.builder().batchSize(100_001).build())
                .hasMessageContaining("cleanup.batchSize");
        assertThatThrownBy(() -> AuthSettings.Cleanup.builder().auditRetention(Duration.ZERO).build())
                .hasMessageContaining("cleanup.auditRetention");
        assertThatThrownBy(() -> AuthSettings.Cleanup.builder().interval(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("cleanup.interval");
        assertThatThrownBy(() -> AuthSettings.Cleanup.builder().revokedRetention(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cleanup.revokedRetention");
        assertThatThrownBy(() -> AuthSettings.Throttling.builder().pairFreeAttempts(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("throttling.pairFreeAttempts");
        assertThatThrownBy(() -> AuthSettings.Throttling.defaults().withAccountCap(-1, Duration.ofHours(1)))
                .hasMessageContaining("throttling.accountMaxFailures");
        assertThatThrownBy(() -> AuthSettings.Throttling.builder().maxDelay(Duration.ofMillis(10)).build())
                .hasMessageContaining("throttling.maxDelay");
        assertThatThrownBy(() -> AuthSettings.Throttling.builder().stuffingDistinctUsernames(1).build())
                .hasMessageContaining("throttling.stuffingDistinctUsernames");
        assertThatThrownBy(() -> AuthSettings.Throttling.builder().window(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("throttling.window");
    }

    @Test
    @DisplayName("the nested settings default as documented, and toBuilder keeps every setting")
    void nestedDefaultsAndToBuilder() {
        AuthSettings.Throttling t = AuthSettings.Throttling.defaults();
        assertThat(t.window()).isEqualTo(Duration.ofMinutes(15));
        assertThat(t.pairFreeAttempts()).isEqualTo(5);
        assertThat(t.ipFreeAttempts()).isEqualTo(20);
        assertThat(t.userFreeAttempts()).isEqualTo(50);
        assertThat(t.baseDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(t.maxDelay()).isEqualTo(Duration.ofMinutes(15));
        assertThat(t.stuffingDistinctUsernames()).isEqualTo(10);
        // NIST SP 800-63B §5.2.2 by default: at most 100 consecutive failures from unknown devices.
        assertThat(t.accountMaxFailures()).isEqualTo(100);
        assertThat(t.accountWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(t.deviceTokenLifetime()).isEqualTo(Duration.ofDays(90));
        assertThat(t.stuffingGlobalFailures()).isEqualTo(500);
        AuthSettings.Cleanup c = AuthSettings.Cleanup.defaults();
        assertThat(c.interval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.batchSize()).isEqualTo(1000);
        assertThat(c.revokedRetention()).isEqualTo(Duration.ofDays(1));

        AuthSettings.Throttling capped = t.toBuilder().accountMaxFailures(30).accountWindow(Duration.ofHours(2))
                .deviceTokenLifetime(Duration.ofDays(30)).stuffingGlobalFailures(50).build();
        assertThat(capped).isNotEqualTo(t);
        assertThat(capped.toBuilder().build()).isEqualTo(capped).hasSameHashCodeAs(capped);
        assertThat(capped.toString()).contains("accountMaxFailures=30", "deviceTokenLifetime=PT720H",
                "stuffingGlobalFailures=50");
        assertThat(t.toBuilder().deviceTokenLifetime(Duration.ofDays(30)).build()).isNotEqualTo(t);
        assertThat(t.toBuilder().stuffingGlobalFailures(50).build()).isNotEqualTo(t);
        AuthSettings.Cleanup quick = c.toBuilder().batchSize(3).interval(Duration.ZERO).build();
        assertThat(quick.toBuilder().build()).isEqualTo(quick).hasSameHashCodeAs(quick).isNotEqualTo(c);
    }

    @Test
    @DisplayName("toBuilder keeps every setting")
    void toBuilder() {
        AuthSettings s = AuthSettings.builder().issuer("x").accessTokenLifetime(Duration.ofMinutes(7))
                .maxSessionsPerUser(3, SessionLimitPolicy.REJECT)
                .throttling(AuthSettings.Throttling.builder().ipFreeAttempts(7).build())
                .cleanup(AuthSettings.Cleanup.builder().batchSize(9).build()).build();
        assertThat(s.toBuilder().build()).isEqualTo(s);
    }
}
