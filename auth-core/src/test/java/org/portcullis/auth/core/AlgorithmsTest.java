package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.time.Duration;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.TokenPair;

@DisplayName("signing algorithms and keys")
class AlgorithmsTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SigningAlgorithm.class, names = {"RS256", "ES256", "EdDSA", "HS256"})
    @DisplayName("each algorithm signs tokens with kid and typ at+jwt that validate and refresh")
    void each(SigningAlgorithm alg) throws Exception {
        try (Fixture f = new Fixture(b -> b.signingAlgorithm(alg))) {
            f.addUser("alice", "pw");
            TokenPair p = f.login("alice", "pw");
            SignedJWT jwt = SignedJWT.parse(p.accessToken());
            assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(alg.jwsName());
            assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
            assertThat(jwt.getHeader().getKeyID()).isEqualTo(f.stores.signingKeys().findAll().get(0).kid());
            assertThat(jwt.getJWTClaimsSet().getClaims()).containsKeys("iss", "aud", "sub", "sid", "jti", "iat", "exp",
                    "roles", "preferred_username");
            assertThat(f.auth.validate(p.accessToken()).username()).isEqualTo("alice");
            assertThat(f.auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT).sessionId()).isEqualTo(p.sessionId());
        }
    }

    @Test
    @DisplayName("the first login publishes exactly one key and records KEY_ROTATED; later logins reuse it")
    void firstKey() {
        try (Fixture f = new Fixture()) {
            f.addUser("alice", "pw");
            f.login("alice", "pw");
            f.login("alice", "pw");
            assertThat(f.stores.signingKeys().findAll()).singleElement()
                    .extracting(SigningKey::algorithm).isEqualTo(SigningAlgorithm.EdDSA);
            assertThat(f.events(org.portcullis.auth.api.AuditEventType.KEY_ROTATED)).hasSize(1);
        }
    }

    @Test
    @DisplayName("a rotated key is published first, signs only after the lead time, and the old key keeps verifying")
    void rotation() throws Exception {
        try (Fixture f = new Fixture()) {
            f.addUser("alice", "pw");
            TokenPair before = f.login("alice", "pw");
            String oldKid = SignedJWT.parse(before.accessToken()).getHeader().getKeyID();
            String fresh = f.auth.rotateSigningKey(Duration.ofMinutes(2));
            assertThat(SignedJWT.parse(f.login("alice", "pw").accessToken()).getHeader().getKeyID()).isEqualTo(oldKid);
            f.clock.advance(Duration.ofMinutes(2));
            TokenPair after = f.login("alice", "pw");
            assertThat(SignedJWT.parse(after.accessToken()).getHeader().getKeyID()).isEqualTo(fresh);
            assertThat(f.events(org.portcullis.auth.api.AuditEventType.KEY_ROTATED)).hasSize(2);
            assertThat(f.auth.validate(before.accessToken()).sessionId()).isEqualTo(before.sessionId());
            assertThat(f.auth.refresh(before.accessToken(), before.refreshToken(), Fixture.CLIENT).sessionId())
                    .isEqualTo(before.sessionId());
        }
    }

    @Test
    @DisplayName("a second node sharing the key store verifies the first node's tokens, even for a key it has not loaded yet")
    void sharedKeys() {
        try (Fixture f = new Fixture()) {
            var node2 = Portcullis.builder().stores(f.stores).clock(f.clock).settings(f.settings)
                    .passwordHasher(Fixture.FAST).startCleanupJob(false).build();
            f.addUser("alice", "pw");
            TokenPair p = f.login("alice", "pw");
            assertThat(node2.validate(p.accessToken()).username()).isEqualTo("alice");
            f.auth.rotateSigningKey(Duration.ZERO);
            TokenPair q = f.login("alice", "pw");
            f.clock.advance(Duration.ofSeconds(5));
            assertThat(node2.validate(q.accessToken()).username()).isEqualTo("alice");
            node2.close();
        }
    }

    @Test
    @DisplayName("a key past its expiry no longer verifies")
    void expiredKey() {
        try (Fixture f = new Fixture()) {
            f.addUser("alice", "pw");
            TokenPair p = f.login("alice", "pw");
            SigningKey k = f.stores.signingKeys().findAll().get(0);
            f.stores.signingKeys().update(k.retire(f.clock.instant(), f.clock.instant().plusSeconds(1)));
            f.clock.advance(f.settings.keyReloadInterval());
            assertThat(catchAuth(() -> f.auth.validate(p.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_INVALID);
        }
    }
}
