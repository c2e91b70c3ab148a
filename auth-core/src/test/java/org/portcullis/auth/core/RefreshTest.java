package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.TokenPair;

@DisplayName("refresh")
class RefreshTest {

    private Fixture f = new Fixture();

    @AfterEach
    void close() {
        f.close();
    }

    private TokenPair aliceLogsIn() {
        f.addUser("alice", "wonderland");
        return f.login("alice", "wonderland");
    }

    private TokenPair refresh(TokenPair p) {
        return f.auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT);
    }

    private ErrorCode refreshFails(String access, String refresh) {
        return catchAuth(() -> f.auth.refresh(access, refresh, Fixture.CLIENT)).code();
    }

    private Session session(String id) {
        return f.stores.sessions().find(id).orElseThrow();
    }

    @Nested
    @DisplayName("rotation")
    class Rotation {

        @Test
        @DisplayName("both tokens are new, the session stays the same, and TOKEN_REFRESHED is recorded")
        void rotates() {
            TokenPair first = aliceLogsIn();
            f.clock.advance(Duration.ofMinutes(5));
            TokenPair second = refresh(first);
            assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
            assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
            assertThat(second.sessionId()).isEqualTo(first.sessionId());
            assertThat(second.expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(20)));
            assertThat(f.auth.validate(second.accessToken()).sessionId()).isEqualTo(first.sessionId());
            assertThat(f.events(AuditEventType.TOKEN_REFRESHED)).hasSize(1);
            assertThat(session(first.sessionId()).refreshCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("the access token a refresh issues is known here without a signature check, and reads exactly "
                + "as on a node that verifies it")
        void issuedTokenIsKnown() {
            TokenPair first = aliceLogsIn();
            f.clock.advance(Duration.ofMinutes(5));
            TokenPair second = refresh(first);
            ValidationStats stats = Portcullis.validationStats(f.auth).orElseThrow();
            long firstSights = stats.firstSightCount();
            AuthPrincipal here = f.auth.validate(second.accessToken());
            assertThat(stats.firstSightCount()).isEqualTo(firstSights);
            try (AuthService verifying = Portcullis.builder().stores(f.stores).clock(f.clock)
                    .settings(f.settings.toBuilder().tokenCacheSize(0).build()).passwordHasher(Fixture.FAST)
                    .startCleanupJob(false).build()) {
                assertThat(here).isEqualTo(verifying.validate(second.accessToken()));
            }
        }

        @Test
        @DisplayName("a refresh presenting a known access token with one character of its signature changed is refused")
        void respeltKnownToken() {
            TokenPair first = aliceLogsIn();
            TokenPair second = refresh(first);
            String token = second.accessToken();
            int i = token.lastIndexOf('.') + 5;
            String altered = token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);
            assertThat(refreshFails(altered, second.refreshToken())).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(refresh(second).sessionId()).isEqualTo(first.sessionId());
        }

        @Test
        @DisplayName("an expired access token is accepted for refresh")
        void expiredAccessToken() {
            TokenPair first = aliceLogsIn();
            f.clock.advance(Duration.ofHours(3));
            assertThat(catchAuth(() -> f.auth.validate(first.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
            TokenPair second = refresh(first);
            assertThat(f.auth.validate(second.accessToken()).userId()).isNotBlank();
        }

        @Test
        @DisplayName("a chain of refreshes keeps working, each token used once")
        void chain() {
            TokenPair p = aliceLogsIn();
            for (int i = 0; i < 10; i++) {
                f.clock.advance(Duration.ofMinutes(19));
                p = refresh(p);
            }
            assertThat(session(p.sessionId()).refreshCount()).isEqualTo(10);
            assertThat(f.auth.validate(p.accessToken()).sessionId()).isEqualTo(p.sessionId());
        }

        @Test
        @DisplayName("the idle expiry slides forward with each refresh, but never past the absolute lifetime")
        void sliding() {
            try (Fixture g = new Fixture(b -> b.refreshIdleTimeout(Duration.ofHours(1))
                    .absoluteSessionLifetime(Duration.ofHours(2)))) {
                f = g;
                TokenPair p = aliceLogsIn();
                assertThat(p.refreshExpiresAt()).isEqualTo(Fixture.START.plus(Duration.ofHours(1)));
                f.clock.advance(Duration.ofMinutes(50));
                p = refresh(p);
                assertThat(p.refreshExpiresAt()).isEqualTo(Fixture.START.plus(Duration.ofMinutes(110)));
                f.clock.advance(Duration.ofMinutes(50));
                p = refresh(p);
                assertThat(p.refreshExpiresAt()).isEqualTo(Fixture.START.plus(Duration.ofHours(2)));
                assertThat(p.expiresAt()).isEqualTo(Fixture.START.plus(Duration.ofMinutes(120)));
                f.clock.setInstant(Fixture.START.plus(Duration.ofHours(2)));
                TokenPair last = p;
                assertThat(refreshFails(last.accessToken(), last.refreshToken())).isEqualTo(ErrorCode.REFRESH_TOKEN_EXPIRED);
            }
        }

        @Test
        @DisplayName("a session unused for longer than the idle timeout cannot be refreshed, at the exact instant")
        void idleBoundary() {
            TokenPair p = aliceLogsIn();
            f.clock.setInstant(p.refreshExpiresAt().minusNanos(1));
            TokenPair q = refresh(p);
            f.clock.setInstant(q.refreshExpiresAt());
            assertThat(refreshFails(q.accessToken(), q.refreshToken())).isEqualTo(ErrorCode.REFRESH_TOKEN_EXPIRED);
        }
    }

    @Nested
    @DisplayName("checks")
    class Checks {

        @Test
        @DisplayName("the access token must belong to the refresh token's session")
        void mismatch() {
            TokenPair a = aliceLogsIn();
            TokenPair b = f.login("alice", "wonderland");
            assertThat(refreshFails(a.accessToken(), b.refreshToken())).isEqualTo(ErrorCode.SESSION_MISMATCH);
            assertThat(session(b.sessionId()).isActiveAt(f.clock.instant())).isTrue();
        }

        @Test
        @DisplayName("an access token naming the refresh token's session but another user is refused (defence in depth)")
        void otherUserSameSid() throws Exception {
            TokenPair a = aliceLogsIn();
            String bob = f.addUser("bob", "builder");
            org.portcullis.auth.api.SigningKey key = f.stores.signingKeys().findAll().get(0);
            com.nimbusds.jwt.JWTClaimsSet claims = new com.nimbusds.jwt.JWTClaimsSet.Builder(
                    com.nimbusds.jwt.SignedJWT.parse(a.accessToken()).getJWTClaimsSet())
                    .subject(bob).claim("preferred_username", "bob").build();
            com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                    com.nimbusds.jose.JWSHeader.parse(com.nimbusds.jwt.SignedJWT.parse(a.accessToken()).getHeader().toJSONObject()),
                    claims);
            jwt.sign(org.portcullis.auth.core.internal.token.KeyMaterial.prepare(key).signer().orElseThrow());
            assertThat(refreshFails(jwt.serialize(), a.refreshToken())).isEqualTo(ErrorCode.SESSION_MISMATCH);
            assertThat(session(a.sessionId()).refreshCount()).isZero();
        }

        @Test
        @DisplayName("a session of an account disabled since login cannot be refreshed, and ends (ASVS V3.3)")
        void disabledAccount() {
            TokenPair a = aliceLogsIn();
            String alice = f.auth.validate(a.accessToken()).userId();
            f.stores.users().setEnabled(alice, false);
            f.clock.advance(Duration.ofMinutes(19));
            assertThat(refreshFails(a.accessToken(), a.refreshToken())).isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(session(a.sessionId()).revocationReason()).contains(RevocationReason.REVOKED_BY_ADMIN);
            assertThat(catchAuth(() -> f.auth.validate(a.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(f.events(AuditEventType.REFRESH_FAILED)).singleElement()
                    .satisfies(e -> assertThat(e.reason()).isEqualTo("account_disabled"));
        }

        @Test
        @DisplayName("an unknown refresh token fails with REFRESH_TOKEN_INVALID and REFRESH_FAILED is recorded")
        void unknown() {
            TokenPair a = aliceLogsIn();
            assertThat(refreshFails(a.accessToken(), "made-up")).isEqualTo(ErrorCode.REFRESH_TOKEN_INVALID);
            assertThat(refreshFails(a.accessToken(), "")).isEqualTo(ErrorCode.REFRESH_TOKEN_INVALID);
            assertThat(refreshFails(a.accessToken(), "y".repeat(10_000))).isEqualTo(ErrorCode.REFRESH_TOKEN_INVALID);
            // Failures with no session behind them are summarised per source, reason and window
            // (UnattributedFailures): the second malformed one is counted, not written, until the window closes.
            assertThat(f.events(AuditEventType.REFRESH_FAILED)).extracting(e -> e.reason())
                    .containsExactlyInAnyOrder("unknown_refresh_token", "malformed_refresh_token");
            f.auth.close();
            assertThat(f.events(AuditEventType.REFRESH_FAILED)).extracting(e -> e.reason())
                    .containsExactlyInAnyOrder("unknown_refresh_token", "malformed_refresh_token",
                            "aggregated;count=1;malformed_refresh_token");
        }

        @Test
        @DisplayName("a forged or missing access token fails with TOKEN_INVALID / TOKEN_MISSING")
        void badAccessToken() {
            TokenPair a = aliceLogsIn();
            assertThat(refreshFails(a.accessToken() + "x", a.refreshToken())).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(refreshFails(null, a.refreshToken())).isEqualTo(ErrorCode.TOKEN_MISSING);
        }

        @Test
        @DisplayName("a logged-out session cannot be refreshed: TOKEN_REVOKED")
        void loggedOut() {
            TokenPair a = aliceLogsIn();
            f.auth.logout(f.auth.validate(a.accessToken()), Fixture.CLIENT);
            assertThat(refreshFails(a.accessToken(), a.refreshToken())).isEqualTo(ErrorCode.TOKEN_REVOKED);
        }
    }

    @Nested
    @DisplayName("reuse (RFC 9700 §4.14.2)")
    class Reuse {

        @Test
        @DisplayName("a refresh token used again after the grace window revokes the session and records REFRESH_TOKEN_REUSED")
        void afterGrace() {
            TokenPair first = aliceLogsIn();
            TokenPair second = refresh(first);
            f.clock.advance(f.settings.refreshGraceWindow());
            assertThat(refreshFails(first.accessToken(), first.refreshToken())).isEqualTo(ErrorCode.REFRESH_TOKEN_REUSED);
            Session s = session(first.sessionId());
            assertThat(s.revocationReason()).contains(RevocationReason.REFRESH_TOKEN_REUSED);
            assertThat(f.events(AuditEventType.REFRESH_TOKEN_REUSED)).singleElement()
                    .satisfies(e -> assertThat(e.sessionId()).contains(first.sessionId()));
            // The legitimate successor dies with the lineage.
            assertThat(catchAuth(() -> f.auth.validate(second.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(refreshFails(second.accessToken(), second.refreshToken())).isEqualTo(ErrorCode.REFRESH_TOKEN_REUSED);
        }

        @Test
        @DisplayName("a token two generations old is reuse even inside the grace window")
        void retired() {
            TokenPair first = aliceLogsIn();
            TokenPair second = refresh(first);
            refresh(second);
            assertThat(refreshFails(first.accessToken(), first.refreshToken())).isEqualTo(ErrorCode.REFRESH_TOKEN_REUSED);
            assertThat(session(first.sessionId()).revokedAt()).isPresent();
        }

        @Test
        @DisplayName("inside the grace window a replay of the previous token gets the same successor pair and revokes nothing")
        void graceReplay() {
            TokenPair first = aliceLogsIn();
            TokenPair second = refresh(first);
            f.clock.advance(f.settings.refreshGraceWindow().minusMillis(1));
            TokenPair again = refresh(first);
            assertThat(again.refreshToken()).isEqualTo(second.refreshToken());
            assertThat(again.accessToken()).isEqualTo(second.accessToken());
            assertThat(session(first.sessionId()).revokedAt()).isEmpty();
            assertThat(refresh(second).sessionId()).isEqualTo(first.sessionId());
        }

        @Test
        @DisplayName("in strict mode (grace 0) any replay is reuse")
        void strict() {
            try (Fixture g = new Fixture(b -> b.refreshGraceWindow(Duration.ZERO))) {
                f = g;
                TokenPair first = aliceLogsIn();
                refresh(first);
                assertThat(refreshFails(first.accessToken(), first.refreshToken())).isEqualTo(ErrorCode.REFRESH_TOKEN_REUSED);
                assertThat(f.events(AuditEventType.REFRESH_TOKEN_REUSED)).extracting(AuditEvent::outcome)
                        .containsExactly(AuditEvent.Outcome.FAILURE);
            }
        }

        @Test
        @DisplayName("another node without the successor in memory answers a grace replay with REFRESH_CONFLICT")
        void otherNode() {
            TokenPair first = aliceLogsIn();
            refresh(first);
            try (var node2 = Portcullis.builder().stores(f.stores).clock(f.clock).settings(f.settings)
                    .passwordHasher(Fixture.FAST).startCleanupJob(false).build()) {
                ErrorCode code = catchAuth(() -> node2.refresh(first.accessToken(), first.refreshToken(), Fixture.CLIENT)).code();
                assertThat(code).isEqualTo(ErrorCode.REFRESH_CONFLICT);
                assertThat(code.retryable()).isTrue();
            }
            assertThat(session(first.sessionId()).revokedAt()).isEmpty();
        }
    }
}
