package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.core.internal.refresh.RefreshFlow;

/**
 * A session refreshed in a loop: each rotation leaves a hash the store must keep for reuse
 * detection, so the number of rotations a session may have is bounded.
 */
@DisplayName("rotations per session")
class RotationLimitTest {

    private final Fixture f = new Fixture(b -> b.refreshIdleTimeout(Duration.ofDays(1)).absoluteSessionLifetime(Duration.ofDays(1)));

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    @DisplayName("the limit is three times one refresh per token lifetime over the session's life, at least 1,000")
    void limit() {
        assertThat(RefreshFlow.maxRotations(AuthSettings.builder().build())).isEqualTo(3 * 30 * 24 * 3);
        assertThat(RefreshFlow.maxRotations(f.settings)).isEqualTo(1_000);
    }

    @Test
    @DisplayName("after its last allowed rotation a session ends: the next refresh is refused and the session revoked")
    void endsAtTheLimit() {
        String aliceId = f.addUser("alice", "wonderland");
        TokenPair pair = f.login("alice", "wonderland");
        for (int i = 0; i < 1_000; i++) {
            pair = f.auth.refresh(pair.accessToken(), pair.refreshToken(), Fixture.CLIENT);
        }
        TokenPair last = pair;
        assertThat(f.auth.validate(last.accessToken()).userId()).isEqualTo(aliceId);
        assertThat(catchAuth(() -> f.auth.refresh(last.accessToken(), last.refreshToken(), Fixture.CLIENT)).code())
                .isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(f.stores.sessions().find(last.sessionId()).orElseThrow().revocationReason())
                .contains(RevocationReason.SESSION_LIMIT);
        assertThat(catchAuth(() -> f.auth.validate(last.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(f.events(AuditEventType.REFRESH_FAILED)).last()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("rotation_limit"));
        // A new login starts a new session with its own allowance.
        TokenPair again = f.login("alice", "wonderland");
        assertThat(f.auth.refresh(again.accessToken(), again.refreshToken(), Fixture.CLIENT).sessionId())
                .isEqualTo(again.sessionId());
    }
}
