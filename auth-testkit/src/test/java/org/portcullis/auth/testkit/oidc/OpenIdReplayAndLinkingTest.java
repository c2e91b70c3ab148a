package org.portcullis.auth.testkit.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.ExternalAssertion;
import org.portcullis.auth.api.ExternalIdentity;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;

/**
 * The findings of the security review of ID-token login: the nonce check is not the presenter's
 * choice, one ID token opens one session, sessions per external identity are rate-limited, and
 * e-mail addresses name or link users only from a provider trusted for it, never taking over an
 * account that already signs in through that provider. Each test failed before its fix.
 */
@DisplayName("ID-token login: nonce, replay, login rate and e-mail trust")
class OpenIdReplayAndLinkingTest {

    private OpenIdFixture f;

    @AfterEach
    void close() {
        f.close();
    }

    private String token(String subject) {
        return f.idp.idToken(subject).audience(OpenIdFixture.CLIENT_ID).sign();
    }

    private static ClientInfo from(int i) {
        return new ClientInfo("192.0.2." + i, "t");
    }

    // ---- nonce: OpenID Connect Core §3.1.3.7 step 11, §15.5.2

    @Test
    @DisplayName("a token carrying a nonce is refused when the login sends none (nonce_not_sent), accepted with it")
    void tokenNonceWithoutRequestNonce() {
        f = new OpenIdFixture(p -> p);
        f.linkedUser("alice", "sub-alice");
        String stolen = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).nonce("n-1").sign();
        assertThat(f.refused(stolen).reason()).isEqualTo("nonce_not_sent");
        assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).isEmpty();
        assertThat(f.auth.login(new ExternalAssertion("corp", stolen, Optional.of("n-1")), OpenIdFixture.CLIENT)
                .sessionId()).isNotBlank();
    }

    @Test
    @DisplayName("with requireNonce, a login without a nonce is refused even for a token without one")
    void requireNonce() {
        f = new OpenIdFixture(p -> p.requireNonce(true));
        f.linkedUser("alice", "sub-alice");
        assertThat(f.refused(token("sub-alice")).reason()).isEqualTo("nonce_not_sent");
        assertThat(f.refused("corp", token("sub-alice"), Optional.of("n-9"), OpenIdFixture.CLIENT).reason())
                .isEqualTo("nonce_missing");
    }

    // ---- replay and session rate

    @Test
    @DisplayName("one ID token opens one session: a second exchange is refused (replayed), within and after the skew")
    void singleUse() {
        f = new OpenIdFixture(p -> p);
        f.linkedUser("alice", "sub-alice");
        String t = token("sub-alice");
        assertThat(f.login(t).sessionId()).isNotBlank();
        AuthException again = f.refused("corp", t, Optional.empty(), from(2));
        assertThat(again.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(again.reason()).isEqualTo("replayed");
        f.clock.advance(Duration.ofMinutes(4));
        assertThat(f.refused("corp", t, Optional.empty(), from(3)).reason()).isEqualTo("replayed");
        assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).hasSize(1);
        assertThat(f.events(AuditEventType.LOGIN_FAILED)).last().extracting(AuditEvent::reason).asString()
                .startsWith("replayed;provider=corp;sub=sub-alice");
        // A fresh token of the same subject still works: the replays did not lock alice out.
        assertThat(f.auth.login(new ExternalAssertion("corp", token("sub-alice")), from(4)).sessionId()).isNotBlank();
    }

    @Test
    @DisplayName("without a jti, the token itself (its SHA-256) is what may be exchanged once")
    void singleUseWithoutJti() {
        f = new OpenIdFixture(p -> p);
        f.linkedUser("alice", "sub-alice");
        String t = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).claim("jti", null).sign();
        f.login(t);
        assertThat(f.refused(t).reason()).isEqualTo("replayed");
        f.clock.advance(Duration.ofSeconds(1));
        String other = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).claim("jti", null).sign();
        assertThat(f.login(other).sessionId()).isNotBlank();
    }

    @Test
    @DisplayName("successful logins of one external identity are limited per window (THROTTLED), other identities go on")
    void sessionRatePerSubject() {
        f = new OpenIdFixture(p -> p.subjectLoginLimit(3, Duration.ofMinutes(10)));
        f.linkedUser("alice", "sub-alice");
        f.linkedUser("bob", "sub-bob");
        for (int i = 0; i < 3; i++) {
            assertThat(f.login(token("sub-alice")).sessionId()).isNotBlank();
        }
        AuthException fourth = f.refused(token("sub-alice"));
        assertThat(fourth.code()).isEqualTo(ErrorCode.THROTTLED);
        assertThat(fourth.retryAfter()).isPresent();
        assertThat(f.login(token("sub-bob")).sessionId()).isNotBlank();
        f.clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(f.login(token("sub-alice")).sessionId()).isNotBlank();
    }

    // ---- e-mail trust and links

    @Test
    @DisplayName("just in time, a provider not trusted for e-mail linking does not name the new user by its e-mail")
    void jitNamesByEmailOnlyWhenTrusted() {
        f = new OpenIdFixture(p -> p.justInTimeUsers(true));
        TokenPair pair = f.login(f.idp.idToken("sub-new").audience(OpenIdFixture.CLIENT_ID)
                .email("ceo@example.com", true).sign());
        String id = f.auth.validate(pair.accessToken()).userId();
        assertThat(f.stores.users().findById(id)).get().extracting(UserRecord::username).isEqualTo("corp:sub-new");
        assertThat(f.stores.users().findByUsername("ceo@example.com")).isEmpty();
    }

    @Test
    @DisplayName("linking by e-mail refuses a user who already has a link from this provider under another subject")
    void noTakeoverByEmail() {
        f = new OpenIdFixture(p -> p.linkByVerifiedEmail(true).justInTimeUsers(true));
        UserRecord alice = f.linkedUser("alice@example.com", "sub-old");
        String reassigned = f.idp.idToken("sub-new").audience(OpenIdFixture.CLIENT_ID)
                .email("alice@example.com", true).sign();
        AuthException e = f.refused(reassigned);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.reason()).isEqualTo("email_user_linked_to_other_subject");
        assertThat(f.links.find("corp", "sub-new")).isEmpty();
        assertThat(f.links.findByUser(alice.id())).extracting(ExternalIdentity::subject).containsExactly("sub-old");
        assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).isEmpty();
    }

    @Test
    @DisplayName("deleting a user removes its external-identity links with it")
    void deleteUnlinks() {
        f = new OpenIdFixture(p -> p);
        UserRecord alice = f.linkedUser("alice", "sub-alice");
        TokenPair pair = f.login(token("sub-alice"));
        assertThat(f.auth.deleteUser(alice.id(), OpenIdFixture.CLIENT)).isTrue();
        assertThat(f.links.findByUser(alice.id())).isEmpty();
        assertThat(f.links.find("corp", "sub-alice")).isEmpty();
        assertThat(f.refused(token("sub-alice")).reason()).isEqualTo("not_linked");
        AuthException revoked = org.assertj.core.api.Assertions.catchThrowableOfType(AuthException.class,
                () -> f.auth.validate(pair.accessToken()));
        assertThat(revoked).isNotNull();
    }
}
