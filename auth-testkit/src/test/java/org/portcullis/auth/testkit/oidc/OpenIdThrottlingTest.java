package org.portcullis.auth.testkit.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;

/**
 * Failed ID-token logins are counted per external subject and per source, never per provider
 * (issue #10): one subject's failures leave the provider's other users alone, and forged tokens
 * naming a victim cost only their sender.
 */
@DisplayName("ID-token login: throttling per (provider, subject) and per source")
class OpenIdThrottlingTest {

    private static final AuthSettings TIGHT = AuthSettings.builder()
            .throttling(AuthSettings.Throttling.builder().pairFreeAttempts(3).ipFreeAttempts(5).userFreeAttempts(4).build())
            .build();

    private final OpenIdFixture f = new OpenIdFixture(p -> p, TIGHT, List.of());

    @AfterEach
    void close() {
        f.close();
    }

    private static ClientInfo from(int i) {
        return new ClientInfo("203.0.113." + i, "t");
    }

    @Test
    @DisplayName("failures of one subject throttle that subject from everywhere, not the provider's other users")
    void perSubjectNotPerProvider() {
        f.linkedUser("alice", "sub-alice");
        f.linkedUser("bob", "sub-bob");
        String expired = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).sign();
        f.clock.advance(Duration.ofMinutes(6));
        for (int i = 1; i <= 6; i++) {
            assertThat(f.refused("corp", expired, Optional.empty(), from(i)).code()).isIn(ErrorCode.INVALID_CREDENTIALS,
                    ErrorCode.THROTTLED);
        }
        String aliceNow = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.refused("corp", aliceNow, Optional.empty(), from(50)).code()).isEqualTo(ErrorCode.THROTTLED);
        String bobNow = f.idp.idToken("sub-bob").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.auth.login(new org.portcullis.auth.api.ExternalAssertion("corp", bobNow), from(51)).sessionId())
                .isNotBlank();
        assertThat(f.events(AuditEventType.LOGIN_THROTTLED)).last().satisfies(e ->
                assertThat(e.reason()).contains("provider=corp;sub=sub-alice"));
    }

    @Test
    @DisplayName("forged tokens naming a victim throttle their source, never the victim")
    void forgedTokensCostTheirSource() {
        f.linkedUser("alice", "sub-alice");
        ClientInfo attacker = from(66);
        for (int i = 0; i < 12; i++) {
            String forged = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).signWithUnpublishedKey();
            f.refused("corp", forged, Optional.empty(), attacker);
        }
        String genuine = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.refused("corp", genuine, Optional.empty(), attacker).code()).isEqualTo(ErrorCode.THROTTLED);
        assertThat(f.auth.login(new org.portcullis.auth.api.ExternalAssertion("corp", genuine), from(7)).sessionId())
                .isNotBlank();
    }

    @Test
    @DisplayName("tokens minted for another client naming a victim throttle their source, never the victim")
    void otherClientsTokensCostTheirSource() {
        f.linkedUser("alice", "sub-alice");
        ClientInfo attacker = from(67);
        for (int i = 0; i < 12; i++) {
            String misdirected = f.idp.idToken("sub-alice").audience("attackers-app").sign();
            f.refused("corp", misdirected, Optional.empty(), attacker);
        }
        String genuine = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.auth.login(new org.portcullis.auth.api.ExternalAssertion("corp", genuine), from(8)).sessionId())
                .isNotBlank();
    }
}
