package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.store.memory.InMemoryAuditLog;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * An account change that lands while a login is verifying the old password: the change revokes
 * the sessions that exist at that moment, the login's session does not exist yet. The login must
 * not come out of it with a session (OWASP ASVS V3.3.1, V3.3.3). The change is made, on the
 * login's own thread, right after the verifier has read the user record and before it checks the
 * password against it, which is the widest window a real race has.
 */
@DisplayName("a login racing an account change")
class LoginRaceTest {

    private static final ClientInfo ADMIN = new ClientInfo("192.0.2.99", "admin-console");

    private final MutableClock clock = MutableClock.startingAt(Fixture.START);
    private final Stores base = InMemoryStores.create(clock);
    /** Run once, just after the next findByUsername of the login under test returned. */
    private final AtomicReference<Consumer<AuthService>> afterRead = new AtomicReference<>();
    private final AuthService auth = Portcullis.builder()
            .stores(new Stores(hooked(base.users()), base.sessions(), base.attempts(), base.signingKeys(),
                    base.audit(), base.transactions()))
            .clock(clock).passwordHasher(Fixture.FAST).startCleanupJob(false).build();
    private final String aliceId = addAlice();

    @AfterEach
    void close() {
        auth.close();
    }

    @Test
    @DisplayName("a password reset during the login ends the login's session and fails the login")
    void passwordReset() {
        afterRead.set(a -> assertThat(a.setPassword(aliceId, "a-brand-new-password", ADMIN)).isTrue());
        assertRaceLost(ErrorCode.INVALID_CREDENTIALS);
        // The new password works; the old one does not.
        assertThat(auth.login(new PasswordCredential("alice", "a-brand-new-password"), Fixture.CLIENT).sessionId())
                .isNotBlank();
    }

    @Test
    @DisplayName("disabling the account during the login ends the login's session and fails the login")
    void disable() {
        afterRead.set(a -> assertThat(a.disableUser(aliceId, ADMIN)).isTrue());
        assertRaceLost(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    @DisplayName("deleting the account during the login ends the login's session and fails the login")
    void delete() {
        afterRead.set(a -> assertThat(a.deleteUser(aliceId, ADMIN)).isTrue());
        assertRaceLost(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    @DisplayName("a change of roles during the login does not end it")
    void rolesOnly() {
        afterRead.set(a -> assertThat(a.setRoles(aliceId, Set.of("editor"), ADMIN)).isTrue());
        TokenPair pair = auth.login(new PasswordCredential("alice", "wonderland"), Fixture.CLIENT);
        assertThat(auth.validate(pair.accessToken()).userId()).isEqualTo(aliceId);
    }

    @Test
    @DisplayName("without a change the second look lets the login through, rehash or not")
    void noChange() {
        TokenPair pair = auth.login(new PasswordCredential("alice", "wonderland"), Fixture.CLIENT);
        assertThat(auth.validate(pair.accessToken()).userId()).isEqualTo(aliceId);
        assertThat(auth.sessions(aliceId)).hasSize(1);
    }

    private void assertRaceLost(ErrorCode expected) {
        assertThat(catchAuth(() -> auth.login(new PasswordCredential("alice", "wonderland"), Fixture.CLIENT)).code())
                .isEqualTo(expected);
        assertThat(afterRead.get()).as("the account change ran inside the login").isNull();
        assertThat(auth.sessions(aliceId)).as("no active session survives").isEmpty();
        InMemoryAuditLog log = (InMemoryAuditLog) base.audit();
        assertThat(log.events()).filteredOn(e -> e.type() == AuditEventType.SESSION_REVOKED)
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("account_changed_during_login"));
        assertThat(base.sessions().findActiveByUser(aliceId, clock.instant())).isEmpty();
        assertThat(log.events()).filteredOn(e -> e.type() == AuditEventType.LOGIN_SUCCEEDED)
                .singleElement()
                .satisfies(e -> assertThat(base.sessions().find(e.sessionId().orElseThrow()).orElseThrow()
                        .revocationReason()).contains(RevocationReason.ACCOUNT_CHANGED));
    }

    private String addAlice() {
        String id = UUID.randomUUID().toString();
        base.users().create(new UserRecord(id, "alice", Fixture.FAST.hash("wonderland"), Set.of("reader"), true));
        return id;
    }

    /** The memory user store, with {@link #afterRead} run once after a findByUsername. */
    private UserStore hooked(UserStore users) {
        return Fixture.observed(users, method -> {
            if (method.equals("findByUsername")) {
                Consumer<AuthService> hook = afterRead.getAndSet(null);
                if (hook != null) {
                    hook.accept(auth);
                }
            }
        });
    }
}
