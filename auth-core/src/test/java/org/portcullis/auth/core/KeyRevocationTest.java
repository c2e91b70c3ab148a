package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.time.Duration;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.TokenPair;

@DisplayName("emergency key revocation")
class KeyRevocationTest {

    private static String kid(TokenPair p) throws Exception {
        return SignedJWT.parse(p.accessToken()).getHeader().getKeyID();
    }

    @Test
    @DisplayName("a revoked key's tokens are refused at once on this node, a cached token included, and refresh with one fails")
    void refusedAtOnce() throws Exception {
        try (Fixture f = new Fixture()) {
            f.addUser("alice", "pw");
            TokenPair p = f.login("alice", "pw");
            assertThat(f.auth.validate(p.accessToken()).username()).isEqualTo("alice"); // now cached

            assertThat(f.auth.revokeSigningKey(kid(p), "test")).isTrue();

            assertThat(catchAuth(() -> f.auth.validate(p.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(catchAuth(() -> f.auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT)).code())
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
        }
    }

    @Test
    @DisplayName("first sight (no token cache), HS256: after a key is revoked its tokens are refused although this thread still holds the key's MAC engine")
    void refusedAfterRevocationDespiteThisThreadsEngine() throws Exception {
        try (Fixture f = new Fixture(b -> b.signingAlgorithm(SigningAlgorithm.HS256).tokenCacheSize(0))) {
            f.addUser("alice", "pw");
            TokenPair p = f.login("alice", "pw");
            // Verified twice on this thread, so its per-thread Mac for the key exists and was reused.
            assertThat(f.auth.validate(p.accessToken()).username()).isEqualTo("alice");
            assertThat(f.auth.validate(p.accessToken()).username()).isEqualTo("alice");

            assertThat(f.auth.revokeSigningKey(kid(p), "test")).isTrue();

            assertThat(catchAuth(() -> f.auth.validate(p.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_INVALID);
            // The next key's tokens verify on the same thread with its own engine.
            TokenPair next = f.login("alice", "pw");
            assertThat(kid(next)).isNotEqualTo(kid(p));
            assertThat(f.auth.validate(next.accessToken()).username()).isEqualTo("alice");
            assertThat(catchAuth(() -> f.auth.validate(p.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_INVALID);
        }
    }

    @Test
    @DisplayName("the revoked key leaves the JWK Set at once, and the next token is signed by a new key that verifies")
    void unpublishedAndReplaced() throws Exception {
        try (Fixture f = new Fixture()) {
            f.addUser("alice", "pw");
            TokenPair p = f.login("alice", "pw");
            String revoked = kid(p);
            f.auth.revokeSigningKey(revoked, "test");
            assertThat(f.auth.publishedKeys().keyIds()).doesNotContain(revoked);

            TokenPair next = f.login("alice", "pw");
            assertThat(kid(next)).isNotEqualTo(revoked);
            assertThat(f.auth.validate(next.accessToken()).username()).isEqualTo("alice");
            assertThat(f.auth.publishedKeys().keyIds()).containsExactly(kid(next));
        }
    }

    @Test
    @DisplayName("a revocation is audited as KEY_REVOKED naming the key and the actor, and a second one changes nothing")
    void audited() throws Exception {
        try (Fixture f = new Fixture()) {
            f.addUser("alice", "pw");
            String k = kid(f.login("alice", "pw"));
            f.auth.revokeSigningKey(k, "ops-jane");
            assertThat(f.events(AuditEventType.KEY_REVOKED)).singleElement()
                    .satisfies(e -> assertThat(e.reason()).contains("kid=" + k).contains("ops-jane"));
            assertThat(f.auth.revokeSigningKey(k, "ops-jane")).isFalse();
            assertThat(f.auth.revokeSigningKey("no-such-key", "ops-jane")).isFalse();
            assertThat(f.events(AuditEventType.KEY_REVOKED)).hasSize(1);
        }
    }

    @Test
    @DisplayName("another node sharing the store keeps a token it cached until its key reload, then refuses it")
    void otherNodeWithinReloadInterval() throws Exception {
        try (Fixture f = new Fixture()) {
            AuthService node2 = Portcullis.builder().stores(f.stores).clock(f.clock).settings(f.settings)
                    .passwordHasher(Fixture.FAST).startCleanupJob(false).build();
            f.addUser("alice", "pw");
            TokenPair p = f.login("alice", "pw");
            assertThat(node2.validate(p.accessToken()).username()).isEqualTo("alice");

            f.auth.revokeSigningKey(kid(p), "test");
            f.clock.advance(f.settings.keyReloadInterval().minusSeconds(1));
            assertThat(node2.validate(p.accessToken()).username()).isEqualTo("alice");
            f.clock.advance(Duration.ofSeconds(1));
            assertThat(catchAuth(() -> node2.validate(p.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_INVALID);
            node2.close();
        }
    }
}
