package org.portcullis.auth.core.internal.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ForwardingSessionStore;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.store.memory.InMemorySessionStore;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The session-status view reads the store outside any lock, and concurrent checks of one session
 * that miss share one read: during an outage they fail together with that read's error instead of
 * each waiting for a pool timeout of its own, one after the other. Proved with a real in-memory
 * store whose reads wait on a latch; no timing is measured.
 */
@DisplayName("session status: shared store reads")
class SessionStatusSharedReadTest {

    private final MutableClock clock = MutableClock.start();
    private final InMemorySessionStore real = new InMemorySessionStore(clock);
    private final GatedStore store = new GatedStore(real);
    private final SessionStatus status = new SessionStatus(store, Duration.ofSeconds(5), 100, clock);
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final Instant now = clock.instant();

    @AfterEach
    void stop() {
        store.release.countDown();
        pool.shutdownNow();
    }

    private void createSession() {
        real.create(Session.start("s1", "u1", "alice", Set.of(), now, now.plusSeconds(600), now.plusSeconds(3600),
                ClientInfo.UNKNOWN), "hash-1");
    }

    /** Starts a check on the pool, waits until it is inside the store read, then starts a second and waits until it joins. */
    private List<Future<Boolean>> twoChecksSharingOneRead() throws InterruptedException {
        Future<Boolean> first = pool.submit(() -> status.isActive("s1", "u1", now));
        store.entered.await();
        Future<Boolean> second = pool.submit(() -> status.isActive("s1", "u1", now));
        while (status.waitingOn("s1") < 1) {
            Thread.onSpinWait();
        }
        return List.of(first, second);
    }

    @Test
    @DisplayName("two concurrent checks of one session read the store once and both get its answer")
    void concurrentChecksShareOneRead() throws Exception {
        createSession();
        List<Future<Boolean>> checks = twoChecksSharingOneRead();
        assertThat(store.reads).hasValue(1);
        store.release.countDown();
        assertThat(checks.get(0).get()).isTrue();
        assertThat(checks.get(1).get()).isTrue();
        assertThat(store.reads).hasValue(1);
        // Kept: the next check within the ttl does not read again.
        assertThat(status.isActive("s1", "u1", now)).isTrue();
        assertThat(store.reads).hasValue(1);
    }

    @Test
    @DisplayName("a failed read fails every check waiting on it, with its error, and is not kept")
    void failedReadIsSharedAndNotKept() throws Exception {
        createSession();
        store.failure.set(new StoreUnavailableException("pool timeout", null));
        List<Future<Boolean>> checks = twoChecksSharingOneRead();
        store.release.countDown();
        for (Future<Boolean> check : checks) {
            assertThatThrownBy(check::get).hasCauseInstanceOf(StoreUnavailableException.class);
        }
        // One read for both: the second check did not start a read of its own (no second timeout).
        assertThat(store.reads).hasValue(1);
        // Nothing was kept: once the store answers again, the next check reads it.
        store.failure.set(null);
        assertThat(status.isActive("s1", "u1", now)).isTrue();
        assertThat(store.reads).hasValue(2);
    }

    @Test
    @DisplayName("an eviction during a shared read is not undone: a check that arrives after it reads again")
    void evictionDuringReadForcesAFreshRead() throws Exception {
        createSession();
        Future<Boolean> first = pool.submit(() -> status.isActive("s1", "u1", now));
        store.entered.await();
        // Another node revoked the session while the first read was under way.
        real.revoke("s1", RevocationReason.LOGOUT, now);
        status.evictSession("s1");
        store.release.countDown();
        assertThat(first.get()).isTrue();
        // The first read began before the eviction: neither kept nor trusted by a later check.
        assertThat(status.isActive("s1", "u1", now)).isFalse();
        assertThat(store.reads).hasValue(2);
    }

    @Test
    @DisplayName("a check of another session is not held up by a read in flight")
    void otherSessionsDoNotWait() throws Exception {
        createSession();
        real.create(Session.start("s2", "u2", "bob", Set.of(), now, now.plusSeconds(600), now.plusSeconds(3600),
                ClientInfo.UNKNOWN), "hash-2");
        Future<Boolean> first = pool.submit(() -> status.isActive("s1", "u1", now));
        store.entered.await();
        store.passThrough.set(true);
        // Returns on this thread while s1's read still waits on the latch.
        assertThat(status.isActive("s2", "u2", now)).isTrue();
        assertThat(first.isDone()).isFalse();
        store.release.countDown();
        assertThat(first.get()).isTrue();
    }

    /**
     * The in-memory store, with {@code find} counted and held on a latch (unless passing through),
     * optionally failing after the latch as a pool timeout would. The answer is what the store held
     * when the read began, as with a database read that is slow to return.
     */
    private static final class GatedStore extends ForwardingSessionStore {
        final SessionStore delegate;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger reads = new AtomicInteger();
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        final AtomicBoolean passThrough = new AtomicBoolean();

        GatedStore(SessionStore delegate) {
            super(delegate);
            this.delegate = delegate;
        }

        @Override
        public Optional<Session> find(String sessionId) {
            if (passThrough.get()) {
                return delegate.find(sessionId);
            }
            reads.incrementAndGet();
            // What the store holds when the read begins; the answer then takes until the latch to arrive.
            Optional<Session> answer = delegate.find(sessionId);
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted", e);
            }
            RuntimeException f = failure.get();
            if (f != null) {
                throw f;
            }
            return answer;
        }
    }
}
