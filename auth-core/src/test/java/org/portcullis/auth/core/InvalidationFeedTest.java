package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.InvalidationFeed;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The engine's side of {@link InvalidationFeed}, with a feed of the test's own (as a custom store
 * would offer): two nodes share one in-memory store, node A writes, and node B hears only what the
 * test hands its feed. The clock never moves, so B's session-status TTL cannot be what makes it
 * refuse.
 */
@DisplayName("the engine on an invalidation feed")
class InvalidationFeedTest {

    private final MutableClock clock = MutableClock.startingAt(Fixture.START);
    private final Stores shared = InMemoryStores.create(clock);
    private final ManualFeed feed = new ManualFeed();
    /** Runs once, inside node B's next {@code find}, after the store answered. */
    private final AtomicReference<Runnable> duringFind = new AtomicReference<>();
    private final AuthService a;
    private final AuthService b;

    InvalidationFeedTest() {
        SessionStore paused = (SessionStore) Proxy.newProxyInstance(SessionStore.class.getClassLoader(),
                new Class<?>[] {SessionStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(shared.sessions(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("find")) {
                        Runnable hook = duringFind.getAndSet(null);
                        if (hook != null) {
                            hook.run();
                        }
                    }
                    return result;
                });
        a = node(shared);
        b = node(new Stores(shared.users(), paused, shared.attempts(), shared.signingKeys(), shared.audit(),
                shared.transactions(), feed));
        shared.users().create(new UserRecord("u-alice", "alice", Fixture.FAST.hash("pw"), Set.of(), true));
        shared.users().create(new UserRecord("u-bob", "bob", Fixture.FAST.hash("pw"), Set.of(), true));
    }

    private AuthService node(Stores stores) {
        return Portcullis.builder().stores(stores).clock(clock).passwordHasher(Fixture.FAST)
                .startCleanupJob(false).build();
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private TokenPair login(String username) {
        return a.login(new PasswordCredential(username, "pw"), Fixture.CLIENT);
    }

    @Test
    @DisplayName("a node subscribes once when built, and closing it ends the subscription")
    void subscription() {
        assertThat(feed.listeners).hasSize(1);
        b.close();
        assertThat(feed.listeners).isEmpty();
    }

    @Test
    @DisplayName("without a message, another node's logout reaches B only through its TTL; with one, at once")
    void sessionRevoked() {
        TokenPair pair = login("alice");
        b.validate(pair.accessToken());
        a.logout(a.validate(pair.accessToken()), Fixture.CLIENT);
        assertThat(b.validate(pair.accessToken()).sessionId()).isEqualTo(pair.sessionId());

        feed.send(l -> l.sessionRevoked(pair.sessionId()));

        assertThat(catchAuth(() -> b.validate(pair.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
    }

    @Test
    @DisplayName("a user message evicts every session of that user, and no one else's")
    void userChanged() {
        TokenPair one = login("alice");
        TokenPair two = login("alice");
        TokenPair bobs = login("bob");
        for (TokenPair p : List.of(one, two, bobs)) {
            b.validate(p.accessToken());
        }
        a.revokeAllSessions("u-alice", RevocationReason.REVOKED_BY_ADMIN);
        // Bob's session is revoked behind B's back too, without a message: B must keep its cached view of it.
        shared.sessions().revoke(bobs.sessionId(), RevocationReason.REVOKED_BY_ADMIN, clock.instant());

        feed.send(l -> l.userChanged("u-alice"));

        assertThat(catchAuth(() -> b.validate(one.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(catchAuth(() -> b.validate(two.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(b.validate(bobs.accessToken()).userId()).isEqualTo("u-bob");
    }

    @Test
    @DisplayName("'forget everything' evicts every session")
    void invalidateAll() {
        TokenPair alices = login("alice");
        TokenPair bobs = login("bob");
        b.validate(alices.accessToken());
        b.validate(bobs.accessToken());
        a.revokeAllSessions("u-alice", RevocationReason.REVOKED_BY_ADMIN);
        a.revokeAllSessions("u-bob", RevocationReason.REVOKED_BY_ADMIN);

        feed.send(InvalidationFeed.Listener::invalidateAll);

        assertThat(catchAuth(() -> b.validate(alices.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(catchAuth(() -> b.validate(bobs.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
    }

    @Test
    @DisplayName("a key message makes B verify cached tokens again against the keys as the store now has them")
    void signingKeysChanged() {
        TokenPair pair = login("alice");
        b.validate(pair.accessToken());
        ValidationStats stats = Portcullis.validationStats(b).orElseThrow();
        b.validate(pair.accessToken());
        assertThat(stats.firstSightCount()).isEqualTo(1);

        var key = shared.signingKeys().findAll().get(0);
        shared.signingKeys().update(key.retire(clock.instant(), clock.instant()));
        // Without a message, B answers from its token cache and its loaded keys...
        assertThat(b.validate(pair.accessToken()).sessionId()).isEqualTo(pair.sessionId());

        feed.send(InvalidationFeed.Listener::signingKeysChanged);

        // ...with one, it reads the keys again and checks the signature again.
        assertThat(catchAuth(() -> b.validate(pair.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_INVALID);
        assertThat(stats.firstSightCount()).isEqualTo(2);
    }

    @Test
    @DisplayName("a session message leaves B's other cached tokens alone: repeat validation stays a cache hit")
    void repeatValidationUnaffected() {
        TokenPair kept = login("bob");
        TokenPair ended = login("alice");
        AuthPrincipal first = b.validate(kept.accessToken());
        ValidationStats stats = Portcullis.validationStats(b).orElseThrow();
        long firstSights = stats.firstSightCount();

        a.logout(a.validate(ended.accessToken()), Fixture.CLIENT);
        feed.send(l -> l.sessionRevoked(ended.sessionId()));
        feed.send(l -> l.userChanged("u-alice"));

        assertThat(b.validate(kept.accessToken())).isEqualTo(first);
        assertThat(stats.firstSightCount()).isEqualTo(firstSights);
    }

    @Test
    @DisplayName("a store read that began before a revoke-all and ends after its message is not kept in B's cache")
    void readOverlappingAnEviction() throws Exception {
        TokenPair pair = login("alice");
        CountDownLatch readDone = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        duringFind.set(() -> {
            readDone.countDown();
            await(release);
        });
        // B's first look at the session: its store read sees the session active, then waits inside the load.
        CompletableFuture<AuthPrincipal> inFlight = CompletableFuture.supplyAsync(() -> b.validate(pair.accessToken()));
        await(readDone);

        a.revokeAllSessions("u-alice", RevocationReason.REVOKED_BY_ADMIN);
        feed.send(l -> l.userChanged("u-alice"));
        release.countDown();

        // The overlapping call answers with what it read (it began before the revocation)...
        assertThat(inFlight.get(60, TimeUnit.SECONDS).sessionId()).isEqualTo(pair.sessionId());
        // ...but does not leave it behind for the next one.
        assertThat(catchAuth(() -> b.validate(pair.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
    }

    @Test
    @DisplayName("the in-memory store offers no feed: one process needs none")
    void memoryStoreHasNoFeed() {
        assertThat(shared.invalidations()).isSameAs(InvalidationFeed.NONE);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(60, TimeUnit.SECONDS)).as("latch released").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A feed the test drives by hand, as a custom store's feed would deliver: on its caller's thread. */
    static final class ManualFeed implements InvalidationFeed {
        final List<Listener> listeners = new CopyOnWriteArrayList<>();

        @Override
        public Subscription subscribe(Listener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        void send(Consumer<Listener> message) {
            listeners.forEach(message);
        }
    }
}
