package org.portcullis.auth.testkit.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.ExternalAssertion;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.testkit.FakeOpenIdProvider;

/**
 * Each way an ID token can be wrong, against a real provider over HTTP: every one is refused with
 * a client-safe code, audited with the exact reason, and authenticates nothing. The checks follow
 * OpenID Connect Core §3.1.3.7.
 */
@DisplayName("ID tokens: hostile and broken ones are refused")
class IdTokenHostileCasesTest {

    private OpenIdFixture f = new OpenIdFixture(p -> p);

    @AfterEach
    void close() {
        f.close();
    }

    private FakeOpenIdProvider.IdToken token(String subject) {
        return f.idp.idToken(subject).audience(OpenIdFixture.CLIENT_ID);
    }

    /** Refused as INVALID_CREDENTIALS, audited with exactly this reason, and no session made. */
    private void assertRefused(String idToken, String reason) {
        AuthException e = f.refused(idToken);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.reason()).isEqualTo(reason);
        List<AuditEvent> failed = f.events(AuditEventType.LOGIN_FAILED);
        assertThat(failed).last().extracting(AuditEvent::reason).asString().startsWith(reason + ";provider=corp");
        assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).isEmpty();
        assertThat(f.allEvents()).extracting(AuditEvent::reason).noneMatch(r -> r.contains(idToken.substring(0, 20)));
    }

    @Test
    @DisplayName("a well-formed token of a linked subject logs in, and the audit names provider and subject")
    void accepted() {
        f.linkedUser("alice", "sub-alice");
        TokenPair pair = f.login(token("sub-alice").sign());
        assertThat(f.auth.validate(pair.accessToken()).username()).isEqualTo("alice");
        assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).singleElement()
                .extracting(AuditEvent::reason).isEqualTo("provider=corp;sub=sub-alice");
    }

    @Test
    @DisplayName("alg none is refused (alg_none)")
    void algNone() {
        f.linkedUser("alice", "sub-alice");
        assertRefused(token("sub-alice").unsigned(), "alg_none");
    }

    @Test
    @DisplayName("HS256 'signed' with the provider's public key is refused (alg_not_allowed)")
    void hmacWithPublicKey() {
        f.linkedUser("alice", "sub-alice");
        assertRefused(token("sub-alice").signHs256WithPublicKey(), "alg_not_allowed");
    }

    @Test
    @DisplayName("a token of another provider is refused, even naming a configured audience (unknown_key)")
    void anotherProvidersToken() {
        f.linkedUser("alice", "sub-alice");
        try (FakeOpenIdProvider other = FakeOpenIdProvider.start(f.clock)) {
            assertRefused(other.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).sign(), "unknown_key");
        }
    }

    @Test
    @DisplayName("a token of provider B presented as provider A is refused, and accepted as B")
    void providerAIsNotB() {
        try (FakeOpenIdProvider b = FakeOpenIdProvider.start(f.clock)) {
            f.close();
            f = new OpenIdFixture(p -> p, org.portcullis.auth.api.AuthSettings.defaults(),
                    List.of(b.provider("b", OpenIdFixture.CLIENT_ID).build()));
            var alice = f.linkedUser("alice", "same-sub");
            f.links.link(new org.portcullis.auth.api.ExternalIdentity("b", "same-sub", alice.id(), f.clock.instant()));
            String fromB = b.idToken("same-sub").audience(OpenIdFixture.CLIENT_ID).sign();
            assertRefused(fromB, "unknown_key");
            assertThat(f.auth.login(new ExternalAssertion("b", fromB), OpenIdFixture.CLIENT).sessionId()).isNotBlank();
        }
    }

    @Test
    @DisplayName("a token signed by the provider but naming another issuer is refused (wrong_issuer)")
    void wrongIssuer() {
        f.linkedUser("alice", "sub-alice");
        assertRefused(token("sub-alice").issuer("https://accounts.example.com").sign(), "wrong_issuer");
    }

    @Test
    @DisplayName("an expired token is refused (expired), also one second past the clock skew")
    void expired() {
        f.linkedUser("alice", "sub-alice");
        String t = token("sub-alice").sign();
        f.clock.advance(Duration.ofMinutes(5).plusSeconds(31));
        assertRefused(t, "expired");
    }

    @Test
    @DisplayName("a token expired by less than the clock skew is still accepted")
    void expiredWithinSkew() {
        f.linkedUser("alice", "sub-alice");
        String t = token("sub-alice").sign();
        f.clock.advance(Duration.ofMinutes(5).plusSeconds(29));
        assertThat(f.login(t).sessionId()).isNotBlank();
    }

    @Test
    @DisplayName("a token issued in the future (beyond the skew) is refused (issued_in_future)")
    void futureIat() {
        f.linkedUser("alice", "sub-alice");
        assertRefused(token("sub-alice").issuedAt(f.clock.instant().plusSeconds(120)).sign(), "issued_in_future");
    }

    @Test
    @DisplayName("a token older than the maximum age is refused (too_old), however far its exp")
    void tooOld() {
        f.linkedUser("alice", "sub-alice");
        String t = token("sub-alice").expiresAt(f.clock.instant().plus(Duration.ofHours(2))).sign();
        f.clock.advance(Duration.ofMinutes(11));
        assertRefused(t, "too_old");
    }

    @Test
    @DisplayName("a token without a nonce is refused when the client sent one (nonce_missing)")
    void missingNonce() {
        f.linkedUser("alice", "sub-alice");
        AuthException e = f.refused("corp", token("sub-alice").sign(), Optional.of("n-0S6_WzA2Mj"), OpenIdFixture.CLIENT);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.reason()).isEqualTo("nonce_missing");
        assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).isEmpty();
    }

    @Test
    @DisplayName("a token with another nonce than the client sent is refused (nonce_mismatch); the same nonce passes")
    void nonceMismatch() {
        f.linkedUser("alice", "sub-alice");
        String t = token("sub-alice").nonce("n-1").sign();
        assertThat(f.refused("corp", t, Optional.of("n-2"), OpenIdFixture.CLIENT).reason()).isEqualTo("nonce_mismatch");
        assertThat(f.auth.login(new ExternalAssertion("corp", t, Optional.of("n-1")), OpenIdFixture.CLIENT).sessionId())
                .isNotBlank();
    }

    @Test
    @DisplayName("a token for another client is refused (wrong_audience)")
    void wrongAudience() {
        f.linkedUser("alice", "sub-alice");
        assertRefused(f.idp.idToken("sub-alice").audience("another-app").sign(), "wrong_audience");
    }

    @Test
    @DisplayName("an extra audience that is neither a client id nor trusted is refused, even with our azp (untrusted_audience)")
    void untrustedExtraAudience() {
        f.linkedUser("alice", "sub-alice");
        assertRefused(f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID, "another-app")
                .authorizedParty(OpenIdFixture.CLIENT_ID).sign(), "untrusted_audience");
    }

    @Test
    @DisplayName("several audiences without azp are refused (azp_mismatch)")
    void severalAudiencesWithoutAzp() {
        f.close();
        f = new OpenIdFixture(p -> p.trustedAudiences("another-app"));
        f.linkedUser("alice", "sub-alice");
        assertRefused(f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID, "another-app").sign(), "azp_mismatch");
    }

    @Test
    @DisplayName("several audiences with the azp of another client are refused (azp_mismatch)")
    void severalAudiencesOtherAzp() {
        f.close();
        f = new OpenIdFixture(p -> p.trustedAudiences("another-app"));
        f.linkedUser("alice", "sub-alice");
        assertRefused(f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID, "another-app")
                .authorizedParty("another-app").sign(), "azp_mismatch");
    }

    @Test
    @DisplayName("several audiences, the others trusted, with our client as azp are accepted")
    void severalAudiencesOurAzp() {
        f.close();
        f = new OpenIdFixture(p -> p.trustedAudiences("another-app"));
        f.linkedUser("alice", "sub-alice");
        assertThat(f.login(f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID, "another-app")
                .authorizedParty(OpenIdFixture.CLIENT_ID).sign()).sessionId()).isNotBlank();
    }

    @Test
    @DisplayName("a token signed with a key the provider never published is refused (unknown_key), with one JWKS refresh per interval at most")
    void unpublishedKey() {
        f.linkedUser("alice", "sub-alice");
        assertRefused(token("sub-alice").signWithUnpublishedKey(), "unknown_key");
        int fetches = f.idp.jwksRequests();
        assertThat(fetches).isBetween(1, 2);
        for (int i = 0; i < 5; i++) {
            assertThat(f.refused(token("sub-alice").signWithUnpublishedKey()).reason()).isEqualTo("unknown_key");
        }
        assertThat(f.idp.jwksRequests()).as("no more fetches within the interval").isEqualTo(2);
    }

    @Test
    @DisplayName("a token whose kid names the provider's other key is refused (bad_signature)")
    void wrongKid() {
        f.linkedUser("alice", "sub-alice");
        String oldKid = f.idp.currentKid();
        f.idp.rotateKeys();
        assertRefused(token("sub-alice").kid(oldKid).sign(), "bad_signature");
    }

    @Test
    @DisplayName("a token with a changed payload is refused (bad_signature)")
    void tamperedPayload() {
        f.linkedUser("mallory", "sub-mallory");
        String[] parts = token("sub-alice").sign().split("\\.");
        String evil = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("sub-alice", "sub-mallory").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertRefused(parts[0] + "." + evil + "." + parts[2], "bad_signature");
    }

    @Test
    @DisplayName("garbage and oversized tokens are refused (malformed) without a key fetch")
    void garbage() {
        assertRefused("not-a-jwt-at-all-not-a-jwt", "malformed");
        assertRefused("x".repeat(20_000), "malformed");
        assertThat(f.idp.jwksRequests()).isZero();
    }

    @Test
    @DisplayName("after the provider rotates its keys, a token under the new kid is accepted after one refresh")
    void rotation() {
        f.linkedUser("alice", "sub-alice");
        f.login(token("sub-alice").sign());
        f.idp.rotateKeys();
        f.idp.retireOldKeys();
        f.login(token("sub-alice").sign());
        assertThat(f.idp.jwksRequests()).isEqualTo(2);
        assertThat(f.idp.discoveryRequests()).isEqualTo(1);
    }

    @Test
    @DisplayName("a JWKS endpoint that is down answers STORE_UNAVAILABLE and authenticates nothing; it recovers when the provider does")
    void jwksDown() {
        f.linkedUser("alice", "sub-alice");
        f.idp.behave(FakeOpenIdProvider.Behaviour.DOWN);
        String t = token("sub-alice").sign();
        assertThatThrownBy(() -> f.login(t)).isInstanceOf(StoreUnavailableException.class);
        assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).isEmpty();
        f.idp.behave(FakeOpenIdProvider.Behaviour.NORMAL);
        f.clock.advance(Duration.ofSeconds(6)); // past the discovery back-off
        assertThat(f.login(t).sessionId()).isNotBlank();
    }

    @Test
    @DisplayName("a JWKS endpoint that stays down answers STORE_UNAVAILABLE at every attempt, never 'unknown key'")
    void jwksStaysDown() {
        f.close();
        f = new OpenIdFixture((idp, p) -> p.jwksUrl(idp.jwksUrl()), org.portcullis.auth.api.AuthSettings.defaults(),
                List.of());
        f.linkedUser("alice", "sub-alice");
        f.idp.behave(FakeOpenIdProvider.Behaviour.DOWN);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> f.login(token("sub-alice").sign())).as("attempt %d", i)
                    .isInstanceOf(StoreUnavailableException.class);
        }
        assertThat(f.idp.jwksRequests()).as("fetches within one interval").isEqualTo(2);
        assertThat(f.idp.discoveryRequests()).isZero();
        assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).isEmpty();
    }

    @Test
    @DisplayName("a 10 MB JWKS is refused at the size limit: STORE_UNAVAILABLE, nothing authenticated")
    void hugeJwks() {
        f.linkedUser("alice", "sub-alice");
        f.idp.behave(FakeOpenIdProvider.Behaviour.HUGE_JWKS);
        assertThatThrownBy(() -> f.login(token("sub-alice").sign())).isInstanceOf(StoreUnavailableException.class);
        assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).isEmpty();
    }

    @Test
    @DisplayName("a JWKS that is not JSON answers STORE_UNAVAILABLE, nothing authenticated")
    void badJson() {
        f.linkedUser("alice", "sub-alice");
        f.idp.behave(FakeOpenIdProvider.Behaviour.BAD_JSON);
        assertThatThrownBy(() -> f.login(token("sub-alice").sign())).isInstanceOf(StoreUnavailableException.class);
        assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).isEmpty();
    }

    @Test
    @DisplayName("a provider slower than the timeout answers STORE_UNAVAILABLE, nothing authenticated")
    void slow() {
        f.close();
        f = new OpenIdFixture(p -> p.httpTimeout(Duration.ofMillis(300)));
        f.linkedUser("alice", "sub-alice");
        f.idp.behave(FakeOpenIdProvider.Behaviour.SLOW);
        assertThatThrownBy(() -> f.login(token("sub-alice").sign())).isInstanceOf(StoreUnavailableException.class);
        f.idp.releaseSlowAnswers();
        assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).isEmpty();
    }

    @Test
    @DisplayName("an unknown provider id is refused (unknown_provider) as INVALID_CREDENTIALS")
    void unknownProvider() {
        AuthException e = f.refused("nope", token("sub-alice").sign(), Optional.empty(), OpenIdFixture.CLIENT);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.reason()).isEqualTo("unknown_provider");
        assertThat(f.events(AuditEventType.LOGIN_FAILED)).singleElement().extracting(AuditEvent::reason)
                .isEqualTo("unknown_provider;provider=nope");
    }
}
