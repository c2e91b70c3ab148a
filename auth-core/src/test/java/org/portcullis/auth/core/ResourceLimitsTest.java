package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.Credential;
import org.portcullis.auth.api.CredentialVerifier;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.Identity;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.StoreTransactions;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.store.memory.InMemoryAttemptStore;
import org.portcullis.auth.store.memory.InMemoryAuditLog;
import org.portcullis.auth.store.memory.InMemorySessionStore;
import org.portcullis.auth.store.memory.InMemorySigningKeyStore;
import org.portcullis.auth.store.memory.InMemoryUserStore;
import org.portcullis.auth.store.tck.MutableClock;

/** One account cannot take what belongs to everyone: sessions, and the workers that check passwords. */
@DisplayName("resource limits per account")
class ResourceLimitsTest {

    private final MutableClock clock = MutableClock.startingAt(Fixture.START);
    /** A small store, so that filling it takes a few thousand logins. */
    private final InMemorySessionStore sessions = new InMemorySessionStore(clock, 1_000, Duration.ofDays(1));
    private final Stores stores = new Stores(new InMemoryUserStore(), sessions, new InMemoryAttemptStore(),
            new InMemorySigningKeyStore(), new InMemoryAuditLog(), StoreTransactions.NONE);
    private final InMemoryAuditLog audit = (InMemoryAuditLog) stores.audit();

    private String addUser(String name, String password) {
        String id = UUID.randomUUID().toString();
        stores.users().create(new UserRecord(id, name, Fixture.FAST.hash(password), Set.of(), true));
        return id;
    }

    @Test
    @DisplayName("a user keeps at most 100 sessions by default: the 101st login evicts the oldest, audited SESSION_LIMIT_EVICTED")
    void hundredByDefault() {
        try (AuthService auth = Portcullis.builder().stores(stores).clock(clock).passwordHasher(Fixture.FAST)
                .startCleanupJob(false).build()) {
            assertThat(auth.settings().maxSessionsPerUser()).isEqualTo(100);
            String id = addUser("mallory", "many-sessions");
            TokenPair first = auth.login(new PasswordCredential("mallory", "many-sessions"), Fixture.CLIENT);
            for (int i = 1; i < 100; i++) {
                clock.advance(Duration.ofMillis(1));
                auth.login(new PasswordCredential("mallory", "many-sessions"), Fixture.CLIENT);
            }
            assertThat(auth.sessions(id)).hasSize(100);
            assertThat(auth.validate(first.accessToken()).userId()).isEqualTo(id);
            clock.advance(Duration.ofMillis(1));
            auth.login(new PasswordCredential("mallory", "many-sessions"), Fixture.CLIENT);
            assertThat(auth.sessions(id)).hasSize(100).noneMatch(s -> s.id().equals(first.sessionId()));
            assertThat(catchAuth(() -> auth.validate(first.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(stores.sessions().find(first.sessionId()).orElseThrow().revocationReason())
                    .contains(RevocationReason.SESSION_LIMIT);
            assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.SESSION_LIMIT_EVICTED).singleElement()
                    .satisfies(e -> assertThat(e.sessionId()).contains(first.sessionId()));
        }
    }

    @Test
    @DisplayName("one account logging in 5,000 times does not fill the in-memory store: other users still log in")
    void oneAccountCannotFillTheStore() {
        try (AuthService auth = Portcullis.builder().stores(stores).clock(clock).passwordHasher(Fixture.FAST)
                .startCleanupJob(false).build()) {
            addUser("mallory", "many-sessions");
            addUser("alice", "wonderland");
            for (int i = 0; i < 5_000; i++) {
                auth.login(new PasswordCredential("mallory", "many-sessions"), Fixture.CLIENT);
            }
            TokenPair alice = auth.login(new PasswordCredential("alice", "wonderland"), Fixture.CLIENT);
            assertThat(auth.validate(alice.accessToken()).username()).isEqualTo("alice");
        }
    }

    @Test
    @DisplayName("an attempt waits at most a second for the one before it on the same username, then is THROTTLED with Retry-After; other usernames never wait")
    void serialisationTimesOut() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CredentialVerifier stuck = new CredentialVerifier() {
            @Override
            public Identity verify(Credential c) {
                PasswordCredential pc = (PasswordCredential) c;
                if (pc.username().equals("carol")) {
                    inside.countDown();
                    try {
                        // Stands for a slow hash or a slow store under a flood.
                        release.await(1, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return Identity.of("id-" + pc.username(), pc.username(), Set.of());
            }

            @Override
            public boolean isStillAllowed(String userId) {
                return true;
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (AuthService auth = Portcullis.builder().stores(stores).clock(clock).credentialVerifier(stuck)
                .startCleanupJob(false).build()) {
            Future<TokenPair> first = pool.submit(() -> auth.login(new PasswordCredential("carol", "x"), Fixture.CLIENT));
            assertThat(inside.await(1, TimeUnit.MINUTES)).isTrue();
            Future<ErrorCode> second = pool.submit(() -> {
                try {
                    auth.login(new PasswordCredential("Carol", "x"), Fixture.CLIENT);
                    return null;
                } catch (AuthException e) {
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
                    assertThat(e.reason()).isEqualTo("busy");
                    return e.code();
                }
            });
            assertThat(second.get(1, TimeUnit.MINUTES)).isEqualTo(ErrorCode.THROTTLED);
            // Meanwhile another username is not queued behind carol.
            assertThat(auth.login(new PasswordCredential("dave", "x"), Fixture.CLIENT).sessionId()).isNotBlank();
            assertThat(first.isDone()).isFalse();
            release.countDown();
            assertThat(first.get(1, TimeUnit.MINUTES).sessionId()).isNotBlank();
        } finally {
            pool.shutdownNow();
        }
    }
}
