package org.portcullis.auth.store.tck;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * What every contract suite shares: a fresh {@link MutableClock} and a fresh store per test,
 * the optional-capability hooks, and a helper that starts real threads at one instant.
 *
 * <p>An implementer extends one of the concrete suites ({@link SessionStoreContract},
 * {@link UserStoreContract}, {@link AttemptStoreContract}, {@link SigningKeyStoreContract},
 * {@link AuditLogContract}, {@link ExternalIdentityStoreContract}), overrides {@link #createStore}, and inherits every check. Optional
 * capabilities are declared by overriding a hook; a check whose capability is not declared is
 * reported as skipped (aborted by an assumption), never silently left out.
 *
 * <p><b>Reporting.</b> The checks are plain inherited {@code @Test} methods (no {@code @Nested}
 * groups), so Surefire and IDEs file every result under the implementer's own test class, and
 * two stores in one project are counted apart. A failing check is reported with the store's
 * class and the behaviour it breaks, for example
 * {@code MySessionStore breaks "revoking: revoking a session records when and why"}.
 *
 * <p><b>Time.</b> Every test starts its clock at {@link #START}, which is not on a whole second,
 * and the suites step in odd milliseconds: a store must keep instants to the millisecond (finer
 * is fine); one that rounds to seconds, up or down, fails. "Just before" an instant means
 * {@link #JUST_BEFORE} before it.
 *
 * <p><b>Concurrency.</b> Races run on real threads released together by a latch, in several
 * rounds ({@link #ROUNDS}), so that a check-then-write window is hit every run, not now and then.
 *
 * @param <S> the store SPI under test
 */
@ExtendWith(StoreContract.NamesTheStore.class)
public abstract class StoreContract<S> {

    /**
     * Where every test's clock starts: deliberately not on a whole second (nor a whole minute), so
     * that a store which rounds instants to seconds in either direction is caught.
     */
    public static final Instant START = Instant.parse("2031-05-17T10:42:17.381Z");

    /** The smallest step the suites take in time; stores must keep at least this precision. */
    public static final Duration JUST_BEFORE = Duration.ofMillis(1);

    /** Threads used by the concurrency checks. */
    protected static final int THREADS = 16;

    /** How many times each race is run; every round starts from a fresh state. */
    protected static final int ROUNDS = 12;

    /** The clock of the current test, at {@link #START} when the test begins. */
    protected MutableClock clock;
    /** The store of the current test, fresh and empty. */
    protected S store;

    private ExecutorService pool;

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
        clock = MutableClock.startingAt(START);
        store = createStore(clock);
        if (store == null) {
            throw new IllegalStateException(getClass().getName() + ".createStore returned null");
        }
    }

    @AfterEach
    final void tearDownStore() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
        if (store != null) {
            closeStore(store);
        }
    }

    /** The store under test, by class name, for failure messages. */
    final String storeName() {
        return store == null ? getClass().getSimpleName() : store.getClass().getName();
    }

    /** A call to one store method, for {@link #assertEveryMethodFailsClosed}. */
    @FunctionalInterface
    protected interface StoreCall {
        /** Calls the method; what it returns is ignored. */
        void call() throws Exception;
    }

    /**
     * Checks that each named call throws {@link StoreUnavailableException}, and on failure names
     * every method that did not (returned normally, or threw something else), not only the first.
     *
     * @param calls method name to call, in the order to try them
     */
    protected final void assertEveryMethodFailsClosed(Map<String, StoreCall> calls) {
        Map<String, String> wrong = new LinkedHashMap<>();
        for (Map.Entry<String, StoreCall> c : calls.entrySet()) {
            try {
                c.getValue().call();
                wrong.put(c.getKey(), "returned normally");
            } catch (StoreUnavailableException expected) {
                // failing closed, as it should
            } catch (Exception | Error e) {
                wrong.put(c.getKey(), "threw " + e.getClass().getName());
            }
        }
        if (!wrong.isEmpty()) {
            StringBuilder msg = new StringBuilder("with the backend gone, these methods did not throw StoreUnavailableException:");
            wrong.forEach((method, what) -> msg.append("\n  ").append(method).append(": ").append(what));
            throw new AssertionError(msg.toString());
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
    protected final <T> List<T> race(int threads, IntFunction<Callable<T>> task) {
        if (pool == null) {
            pool = Executors.newCachedThreadPool();
        }
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
        }
    }

    /**
     * Names the store and the behaviour in every failed check, so that a report with several
     * stores says which one broke what. The original failure stays attached as the cause.
     */
    static final class NamesTheStore implements TestExecutionExceptionHandler {
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
            // A skipped check (an undeclared capability) is not a failure: let it through as it is.
            if (thrown instanceof TestAbortedException
                    || !(context.getTestInstance().orElse(null) instanceof StoreContract<?> suite)) {
                throw thrown;
            }
            String detail = thrown instanceof AssertionError ? thrown.getMessage() : "the store threw " + thrown;
            AssertionError named = new AssertionError(suite.storeName() + " breaks \"" + context.getDisplayName()
                    + "\"\n" + detail, thrown);
            named.setStackTrace(thrown.getStackTrace());
            throw named;
        }
    }
}
