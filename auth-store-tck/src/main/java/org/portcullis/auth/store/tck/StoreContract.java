package org.portcullis.auth.store.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * What every contract suite shares: a fresh {@link MutableClock} and a fresh store per test,
 * the optional-capability hooks, and a helper that starts real threads at one instant.
 *
 * <p>An implementer extends one of the concrete suites ({@link SessionStoreContract},
 * {@link UserStoreContract}, {@link AttemptStoreContract}, {@link SigningKeyStoreContract},
 * {@link AuditLogContract}), overrides {@link #createStore}, and inherits every check. Optional
 * capabilities are declared by overriding a hook; a check whose capability is not declared is
 * reported as skipped (aborted by an assumption), never silently left out.
 *
 * <p>Times used by the suites are whole milliseconds, so a store that keeps millisecond (or
 * finer) precision passes; "just before" an instant means {@link #JUST_BEFORE} before it.
 *
 * @param <S> the store SPI under test
 */
public abstract class StoreContract<S> {

    /** The smallest step the suites take in time; stores must keep at least this precision. */
    public static final Duration JUST_BEFORE = Duration.ofMillis(1);

    /** Threads used by the concurrency checks. */
    protected static final int THREADS = 32;

    /** The clock of the current test, at {@link MutableClock#DEFAULT_START} when the test begins. */
    protected MutableClock clock;
    /** The store of the current test, fresh and empty. */
    protected S store;

    /**
     * Creates a fresh, empty store for one test. Called before every test.
     *
     * @param clock the test's clock; a store that reads a clock for housekeeping should read this one
     */
    protected abstract S createStore(MutableClock clock);

    /** Releases what {@link #createStore} acquired; called after every test. The default does nothing. */
    protected void closeStore(S store) {
    }

    /**
     * Optional capability: durability. Return a new instance over the same backing data (a new
     * connection to the same database, the same files reopened) to have the suite check that state
     * survives a restart. The default returns empty: the store forgets everything on restart, and
     * durability checks are skipped.
     */
    protected Optional<S> reopen(S store) {
        return Optional.empty();
    }

    /**
     * Optional capability: failing closed. Return {@code true} and implement {@link #makeUnavailable}
     * to have the suite check that every method throws
     * {@link org.portcullis.auth.api.StoreUnavailableException} when the backend is gone.
     */
    protected boolean canMakeUnavailable() {
        return false;
    }

    /**
     * Cuts the store off from its backend (closes its connection pool, stops its database), for the
     * failing-closed checks. Called only when {@link #canMakeUnavailable()} is {@code true}.
     */
    protected void makeUnavailable(S store) {
        throw new UnsupportedOperationException("override makeUnavailable together with canMakeUnavailable");
    }

    @BeforeEach
    final void setUpStore() {
        clock = MutableClock.start();
        store = createStore(clock);
        if (store == null) {
            throw new IllegalStateException(getClass().getName() + ".createStore returned null");
        }
    }

    @AfterEach
    final void tearDownStore() {
        if (store != null) {
            closeStore(store);
        }
    }

    /** The reopened store, or an aborted (skipped) test when durability is not declared. */
    protected final S reopened() {
        Optional<S> again = reopen(store);
        Assumptions.assumeTrue(again.isPresent(), "durability not declared: override reopen(store)");
        return again.get();
    }

    /** Cuts the store off, or aborts (skips) the test when failing closed is not declared. */
    protected final void cutOff() {
        Assumptions.assumeTrue(canMakeUnavailable(),
                "failing closed not declared: override canMakeUnavailable() and makeUnavailable(store)");
        makeUnavailable(store);
    }

    /**
     * Runs {@code threads} tasks on real threads, released together by a latch so that they
     * contend, and returns their results in task order.
     */
    protected static <T> List<T> race(int threads, IntFunction<Callable<T>> task) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                Callable<T> work = task.apply(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return work.call();
                }));
            }
            if (!ready.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("threads did not start");
            }
            go.countDown();
            List<T> results = new ArrayList<>(threads);
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new AssertionError("a racing task failed", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
