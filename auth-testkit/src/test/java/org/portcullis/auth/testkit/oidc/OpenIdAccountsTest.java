package org.portcullis.auth.testkit.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.ExternalIdentity;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;

/** Which local account an external identity logs in as: linked, linked by e-mail, created, or none. */
@DisplayName("ID-token login: accounts and links")
class OpenIdAccountsTest {

    private OpenIdFixture f;

    @AfterEach
    void close() {
        f.close();
    }

    private String token(String subject) {
        return f.idp.idToken(subject).audience(OpenIdFixture.CLIENT_ID).sign();
    }

    private String token(String subject, String email, boolean verified) {
        return f.idp.idToken(subject).audience(OpenIdFixture.CLIENT_ID).email(email, verified).sign();
    }

    @Test
    @DisplayName("an unlinked identity is refused (not_linked) while just-in-time creation is off, the default")
    void notLinkedByDefault() {
        f = new OpenIdFixture(p -> p);
        AuthException e = f.refused(token("sub-new", "new@example.com", true));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(e.reason()).isEqualTo("not_linked");
        assertThat(f.stores.users().findByUsername("new@example.com")).isEmpty();
        assertThat(f.events(AuditEventType.LOGIN_FAILED)).singleElement().extracting(AuditEvent::username)
                .isEqualTo(Optional.of("corp:sub-new"));
    }

    @Test
    @DisplayName("with just-in-time creation on, a first login creates one user, linked, without a usable password")
    void justInTime() {
        f = new OpenIdFixture(p -> p.justInTimeUsers(true).linkByVerifiedEmail(true));
        TokenPair first = f.login(token("sub-new", "New@Example.com", true));
        UserRecord created = f.stores.users().findByUsername("new@example.com").orElseThrow();
        assertThat(f.auth.validate(first.accessToken()).userId()).isEqualTo(created.id());
        assertThat(f.links.find("corp", "sub-new")).get().extracting(ExternalIdentity::userId).isEqualTo(created.id());
        assertThat(f.events(AuditEventType.EXTERNAL_IDENTITY_LINKED)).singleElement().extracting(AuditEvent::reason)
                .isEqualTo("user_created_just_in_time;provider=corp;sub=sub-new");
        TokenPair second = f.login(token("sub-new", "New@Example.com", true));
        assertThat(f.auth.validate(second.accessToken()).userId()).isEqualTo(created.id());
        assertThat(f.auth.refresh(second.accessToken(), second.refreshToken(), OpenIdFixture.CLIENT).accessToken())
                .isNotBlank();
        AuthException noPassword = catchThrowableOfType(AuthException.class, () -> f.auth.login(
                new PasswordCredential("new@example.com", "!external-identity"), OpenIdFixture.CLIENT));
        assertThat(noPassword.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    @DisplayName("just in time, an unverified address is not used as the username")
    void justInTimeUnverifiedEmail() {
        f = new OpenIdFixture(p -> p.justInTimeUsers(true));
        f.login(token("sub-x", "ceo@example.com", false));
        assertThat(f.stores.users().findByUsername("ceo@example.com")).isEmpty();
        assertThat(f.stores.users().findByUsername("corp:sub-x")).isPresent();
    }

    @Test
    @DisplayName("just in time, concurrent first logins of one identity create exactly one user")
    void justInTimeRace() throws Exception {
        f = new OpenIdFixture(p -> p.justInTimeUsers(true));
        int threads = 8;
        List<String> tokens = java.util.stream.IntStream.range(0, threads).mapToObj(i -> token("sub-race")).toList();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> users = new java.util.ArrayList<>();
            for (String t : tokens) {
                users.add(pool.submit(() -> {
                    go.await();
                    return f.auth.validate(f.login(t).accessToken()).userId();
                }));
            }
            go.countDown();
            Set<String> distinct = new java.util.HashSet<>();
            for (Future<String> u : users) {
                distinct.add(u.get(30, TimeUnit.SECONDS));
            }
            assertThat(distinct).hasSize(1);
            assertThat(f.events(AuditEventType.EXTERNAL_IDENTITY_LINKED)).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("link by e-mail: a verified address links the existing account when the setting allows it")
    void linkByVerifiedEmail() {
        f = new OpenIdFixture(p -> p.linkByVerifiedEmail(true));
        UserRecord alice = f.localUser("alice@example.com");
        TokenPair pair = f.login(token("sub-a", "alice@example.com", true));
        assertThat(f.auth.validate(pair.accessToken()).userId()).isEqualTo(alice.id());
        assertThat(f.auth.validate(pair.accessToken()).roles()).containsExactly("staff");
        assertThat(f.links.findByUser(alice.id())).extracting(ExternalIdentity::subject).containsExactly("sub-a");
        assertThat(f.events(AuditEventType.EXTERNAL_IDENTITY_LINKED)).singleElement().extracting(AuditEvent::reason)
                .isEqualTo("linked_by_verified_email;provider=corp;sub=sub-a");
    }

    @Test
    @DisplayName("link by e-mail: an unverified address links nothing")
    void unverifiedEmailLinksNothing() {
        f = new OpenIdFixture(p -> p.linkByVerifiedEmail(true));
        UserRecord alice = f.localUser("alice@example.com");
        assertThat(f.refused(token("sub-a", "alice@example.com", false)).reason()).isEqualTo("not_linked");
        assertThat(f.links.findByUser(alice.id())).isEmpty();
    }

    @Test
    @DisplayName("link by e-mail: a verified address links nothing while the setting is off, the default")
    void emailLinkingOffByDefault() {
        f = new OpenIdFixture(p -> p);
        UserRecord alice = f.localUser("alice@example.com");
        assertThat(f.refused(token("sub-a", "alice@example.com", true)).reason()).isEqualTo("not_linked");
        assertThat(f.links.findByUser(alice.id())).isEmpty();
    }

    @Test
    @DisplayName("the link of a deleted user stands for nobody: refused without JIT, a new user with JIT")
    void deletedUser() {
        f = new OpenIdFixture(p -> p.justInTimeUsers(true));
        UserRecord gone = f.linkedUser("alice", "sub-a");
        f.auth.deleteUser(gone.id(), OpenIdFixture.CLIENT);
        TokenPair pair = f.login(token("sub-a"));
        String now = f.auth.validate(pair.accessToken()).userId();
        assertThat(now).isNotEqualTo(gone.id());
        assertThat(f.links.find("corp", "sub-a")).get().extracting(ExternalIdentity::userId).isEqualTo(now);
    }

    @Test
    @DisplayName("a disabled user is refused through the provider too (ACCOUNT_DISABLED)")
    void disabled() {
        f = new OpenIdFixture(p -> p);
        UserRecord alice = f.linkedUser("alice", "sub-a");
        f.stores.users().setEnabled(alice.id(), false);
        AuthException e = f.refused(token("sub-a"));
        assertThat(e.code()).isEqualTo(ErrorCode.ACCOUNT_DISABLED);
        assertThat(f.events(AuditEventType.LOGIN_FAILED)).last().extracting(AuditEvent::reason)
                .isEqualTo("account_disabled;provider=corp;sub=sub-a");
    }

    @Test
    @DisplayName("a user with a password and two linked identities logs in with each")
    void severalIdentitiesAndAPassword() {
        f = new OpenIdFixture(p -> p);
        UserRecord alice = f.linkedUser("alice", "sub-a");
        f.links.link(new ExternalIdentity("corp", "sub-a2", alice.id(), f.clock.instant()));
        assertThat(f.auth.validate(f.login(token("sub-a")).accessToken()).userId()).isEqualTo(alice.id());
        assertThat(f.auth.validate(f.login(token("sub-a2")).accessToken()).userId()).isEqualTo(alice.id());
        TokenPair byPassword = f.auth.login(new PasswordCredential("alice", "correct horse"), OpenIdFixture.CLIENT);
        assertThat(f.auth.validate(byPassword.accessToken()).userId()).isEqualTo(alice.id());
        assertThat(f.auth.sessions(alice.id())).hasSize(3);
    }
}
