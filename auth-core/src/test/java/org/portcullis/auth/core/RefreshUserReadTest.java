package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * A refresh asks whether the account still stands (OWASP ASVS V3.3.1) and what its roles are now
 * ({@code CredentialVerifier.rolesAtRefresh}); the built-in verifier gives both answers from one read of the user store (one database round
 * trip on a JDBC store instead of two), and they stay what they were: a disabled or deleted account
 * ends the session, a change of roles reaches the next access token.
 */
@DisplayName("a refresh reads the user once")
class RefreshUserReadTest {

    private static final ClientInfo ADMIN = new ClientInfo("192.0.2.99", "admin-console");

    private final MutableClock clock = MutableClock.startingAt(Fixture.START);
    private final Stores base = InMemoryStores.create(clock);
    private final AtomicInteger findById = new AtomicInteger();
    private final AuthService auth = Portcullis.builder()
            .stores(new Stores(counting(base.users()), base.sessions(), base.attempts(), base.signingKeys(),
                    base.audit(), base.transactions()))
            .clock(clock).passwordHasher(Fixture.FAST).startCleanupJob(false).build();
    private final String aliceId = addAlice();

    @AfterEach
    void close() {
        auth.close();
    }

    @Test
    @DisplayName("one findById per refresh, and the refreshed token carries the roles as they are now")
    void oneReadAndCurrentRoles() {
        TokenPair first = login();
        assertThat(auth.setRoles(aliceId, Set.of("reader", "editor"), ADMIN)).isTrue();
        findById.set(0);
        TokenPair second = auth.refresh(first.accessToken(), first.refreshToken(), Fixture.CLIENT);
        assertThat(findById.get()).isEqualTo(1);
        assertThat(auth.validate(second.accessToken()).roles()).containsExactlyInAnyOrder("reader", "editor");
    }

    @Test
    @DisplayName("a disabled account's refresh is refused and ends the session")
    void disabled() {
        TokenPair first = login();
        assertThat(auth.disableUser(aliceId, ADMIN)).isTrue();
        assertThat(catchAuth(() -> auth.refresh(first.accessToken(), first.refreshToken(), Fixture.CLIENT)).code())
                .isEqualTo(ErrorCode.TOKEN_REVOKED);
    }

    @Test
    @DisplayName("a deleted account's refresh is refused")
    void deleted() {
        TokenPair first = login();
        // Deleted behind the engine's back (straight in the store), so that only the refresh's read can notice.
        assertThat(base.users().delete(aliceId)).isTrue();
        assertThat(catchAuth(() -> auth.refresh(first.accessToken(), first.refreshToken(), Fixture.CLIENT)).code())
                .isEqualTo(ErrorCode.TOKEN_REVOKED);
    }

    private TokenPair login() {
        return auth.login(new PasswordCredential("alice", "wonderland"), Fixture.CLIENT);
    }

    private String addAlice() {
        String id = UUID.randomUUID().toString();
        base.users().create(new UserRecord(id, "alice", Fixture.FAST.hash("wonderland"), Set.of("reader"), true));
        return id;
    }

    /** The memory user store, counting its findById calls. */
    private UserStore counting(UserStore users) {
        return Fixture.observed(users, method -> {
            if (method.equals("findById")) {
                findById.incrementAndGet();
            }
        });
    }
}
