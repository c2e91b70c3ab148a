package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.time.Duration;
import java.util.Date;
import java.util.Set;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.core.internal.token.KeyMaterial;

/**
 * Account changes reach the account's tokens: at once on this node for disabling, deleting and
 * password changes (the sessions are revoked), at the next refresh for roles.
 */
@DisplayName("account administration")
class AccountAdminTest extends AliceSignedIn {

    private static final ClientInfo ADMIN = new ClientInfo("192.0.2.99", "admin-console");

    @Test
    @DisplayName("disabling a user refuses its access tokens at once, refuses its logins, and is audited")
    void disable() {
        assertThat(f.auth.validate(pair.accessToken()).userId()).isEqualTo(aliceId);
        assertThat(f.auth.disableUser(aliceId, ADMIN)).isTrue();
        assertThat(codeOf(pair.accessToken())).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(catchAuth(() -> f.login("alice", "wonderland")).code()).isEqualTo(ErrorCode.ACCOUNT_DISABLED);
        assertThat(catchAuth(() -> f.auth.refresh(pair.accessToken(), pair.refreshToken(), Fixture.CLIENT)).code())
                .isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(f.stores.sessions().find(pair.sessionId()).orElseThrow().revocationReason())
                .contains(RevocationReason.ACCOUNT_DISABLED);
        assertThat(f.events(AuditEventType.USER_DISABLED)).singleElement()
                .satisfies(e -> assertThat(e.userId()).contains(aliceId))
                .satisfies(e -> assertThat(e.userAgent()).isEqualTo("admin-console"));
        assertThat(f.events(AuditEventType.SESSIONS_REVOKED_ALL)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("account_disabled;count=1"));
    }

    @Test
    @DisplayName("enabling a disabled user lets it log in again, and is audited")
    void enable() {
        f.auth.disableUser(aliceId, ADMIN);
        assertThat(f.auth.enableUser(aliceId, ADMIN)).isTrue();
        TokenPair again = f.login("alice", "wonderland");
        assertThat(f.auth.validate(again.accessToken()).userId()).isEqualTo(aliceId);
        assertThat(f.events(AuditEventType.USER_ENABLED)).hasSize(1);
    }

    @Test
    @DisplayName("changing an unknown user reports false and records nothing")
    void unknownUser() {
        int before = f.audit.events().size();
        assertThat(f.auth.disableUser("nobody", ADMIN)).isFalse();
        assertThat(f.auth.enableUser("nobody", ADMIN)).isFalse();
        assertThat(f.auth.setRoles("nobody", Set.of("admin"), ADMIN)).isFalse();
        assertThat(f.auth.setPassword("nobody", "a-long-password", ADMIN)).isFalse();
        assertThat(f.auth.deleteUser("nobody", ADMIN)).isFalse();
        assertThat(f.audit.events()).hasSize(before);
    }

    @Test
    @DisplayName("new roles appear in the next refreshed token; the token issued before keeps the old ones")
    void roles() {
        assertThat(f.auth.setRoles(aliceId, Set.of("editor", "admin"), ADMIN)).isTrue();
        assertThat(f.auth.validate(pair.accessToken()).roles()).containsExactly("reader");
        f.clock.advance(Duration.ofMinutes(1));
        TokenPair refreshed = f.auth.refresh(pair.accessToken(), pair.refreshToken(), Fixture.CLIENT);
        assertThat(f.auth.validate(refreshed.accessToken()).roles()).containsExactlyInAnyOrder("editor", "admin");
        assertThat(f.stores.users().findById(aliceId).orElseThrow().roles()).containsExactlyInAnyOrder("editor", "admin");
        assertThat(f.events(AuditEventType.ROLES_CHANGED)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("roles=admin,editor"));
        // A second refresh still reads them, not the login's.
        f.clock.advance(Duration.ofMinutes(1));
        TokenPair again = f.auth.refresh(refreshed.accessToken(), refreshed.refreshToken(), Fixture.CLIENT);
        assertThat(f.auth.validate(again.accessToken()).roles()).containsExactlyInAnyOrder("editor", "admin");
    }

    @Test
    @DisplayName("a user changing their password ends their other sessions, keeps the current one, and the new password works")
    void changeOwnPassword() {
        TokenPair other = f.login("alice", "wonderland");
        AuthPrincipal me = f.auth.validate(pair.accessToken());
        f.auth.changePassword(me, "wonderland", "through-the-looking-glass", Fixture.CLIENT);
        assertThat(f.auth.validate(pair.accessToken()).sessionId()).isEqualTo(pair.sessionId());
        assertThat(codeOf(other.accessToken())).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(f.stores.sessions().find(other.sessionId()).orElseThrow().revocationReason())
                .contains(RevocationReason.PASSWORD_CHANGED);
        assertThat(catchAuth(() -> f.login("alice", "wonderland")).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(f.login("alice", "through-the-looking-glass").sessionId()).isNotBlank();
        assertThat(f.events(AuditEventType.PASSWORD_CHANGED)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("by_user"));
    }

    @Test
    @DisplayName("a wrong current password changes nothing, is counted like a failed login, and is throttled")
    void wrongCurrentPassword() {
        AuthPrincipal me = f.auth.validate(pair.accessToken());
        for (int i = 0; i < 5; i++) {
            assertThat(catchAuth(() -> f.auth.changePassword(me, "guess", "a-new-password", Fixture.CLIENT)).code())
                    .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(catchAuth(() -> f.auth.changePassword(me, "wonderland", "a-new-password", Fixture.CLIENT)).code())
                .isEqualTo(ErrorCode.THROTTLED);
        f.clock.advance(Duration.ofSeconds(2));
        assertThat(f.login("alice", "wonderland").sessionId()).isNotBlank();
        assertThat(f.events(AuditEventType.PASSWORD_CHANGED)).hasSize(5)
                .allSatisfy(e -> assertThat(e.reason()).isEqualTo("bad_password"));
    }

    @Test
    @DisplayName("a new password shorter than 8 characters is refused before anything changes (NIST SP 800-63B §5.1.1.2)")
    void shortPassword() {
        AuthPrincipal me = f.auth.validate(pair.accessToken());
        assertThatThrownBy(() -> f.auth.changePassword(me, "wonderland", "short", Fixture.CLIENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("short");
        assertThatThrownBy(() -> f.auth.setPassword(aliceId, "short", ADMIN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(f.login("alice", "wonderland").sessionId()).isNotBlank();
    }

    @Test
    @DisplayName("an administrator setting the password ends every session of the user")
    void adminSetsPassword() {
        TokenPair other = f.login("alice", "wonderland");
        assertThat(f.auth.setPassword(aliceId, "a-password-from-admin", ADMIN)).isTrue();
        assertThat(codeOf(pair.accessToken())).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(codeOf(other.accessToken())).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(f.login("alice", "a-password-from-admin").sessionId()).isNotBlank();
        assertThat(f.events(AuditEventType.PASSWORD_CHANGED)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("by_admin"));
    }

    @Test
    @DisplayName("deleting a user refuses its tokens at once, frees its username, and is audited")
    void delete() {
        assertThat(f.auth.deleteUser(aliceId, ADMIN)).isTrue();
        assertThat(codeOf(pair.accessToken())).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(catchAuth(() -> f.login("alice", "wonderland")).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(f.stores.users().findByUsername("alice")).isEmpty();
        assertThat(f.events(AuditEventType.USER_DELETED)).hasSize(1);
        f.addUser("alice", "a-new-alice");
        assertThat(f.login("alice", "a-new-alice").sessionId()).isNotBlank();
    }

    @Test
    @DisplayName("a validly signed token whose sub is another user than its session's owner is refused")
    void subMustOwnSession() throws Exception {
        String bobId = f.addUser("bob", "builder");
        SigningKey key = f.stores.signingKeys().findAll().get(0);
        JWTClaimsSet real = SignedJWT.parse(pair.accessToken()).getJWTClaimsSet();
        // Alice's session id, Bob's user id: signed with the deployment's own key, so only the owner check can refuse it.
        JWTClaimsSet forged = new JWTClaimsSet.Builder(real).subject(bobId).claim("preferred_username", "bob")
                .jwtID("forged-" + real.getJWTID()).issueTime(Date.from(f.clock.instant())).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("at+jwt"))
                .keyID(key.kid()).build(), forged);
        jwt.sign(KeyMaterial.prepare(key).signer().orElseThrow());
        assertThat(codeOf(jwt.serialize())).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(f.auth.validate(pair.accessToken()).userId()).isEqualTo(aliceId);
    }
}
