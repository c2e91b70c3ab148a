package org.portcullis.auth.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Caffeine;

import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;

/**
 * An {@link AttemptStore} in a size-bounded Caffeine map, for tests, development and single-node
 * use (counters are not shared between processes, so throttling is per node).
 *
 * <p><b>Thread-safety.</b> Every method is safe from any thread; {@link #recordFailure} is one
 * atomic compute per key, so concurrent failures under one key each count once.
 *
 * <p><b>Bounded memory.</b> Keys come from requests (usernames and IPs an attacker chooses), so
 * the map holds at most {@code maxKeys} counters (default {@value #DEFAULT_MAX_KEYS}). Past the
 * cap Caffeine evicts the counters least likely to be used again (W-TinyLFU), which favours the
 * counters of repeated offenders over one-off keys. A counter whose window has closed is dropped
 * when it is next looked up, by {@link #purge}, and by a sweep every
 * {@value #SWEEP_EVERY_RECORDS} recorded failures.
 */
public final class InMemoryAttemptStore implements AttemptStore {

    /** Default cap on counters held. */
    public static final int DEFAULT_MAX_KEYS = 100_000;
    static final int SWEEP_EVERY_RECORDS = 1024;

    private final ConcurrentMap<String, AttemptState> counters;
    private final AtomicInteger recordsSinceSweep = new AtomicInteger();

    /** A store holding at most {@value #DEFAULT_MAX_KEYS} counters. */
    public InMemoryAttemptStore() {
        this(DEFAULT_MAX_KEYS);
    }

    /**
     * A store holding at most {@code maxKeys} counters.
     *
     * @throws IllegalArgumentException if {@code maxKeys} is below 1
     */
    public InMemoryAttemptStore(int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1: " + maxKeys);
        }
        // Eviction runs on the calling thread, so the cap holds without a background executor.
        this.counters = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .executor(Runnable::run)
                .<String, AttemptState>build()
                .asMap();
    }

    @Override
    public AttemptState recordFailure(String key, Instant now, Duration window) {
        AttemptStore.requireFailureArguments(key, now, window);
        if (recordsSinceSweep.incrementAndGet() >= SWEEP_EVERY_RECORDS) {
            recordsSinceSweep.set(0);
            purge(now, Integer.MAX_VALUE);
        }
        return counters.compute(key, (k, state) -> state != null && state.isOpenAt(now)
                ? new AttemptState(k, state.failures() + 1, state.windowStart(), state.windowEnd(), now)
                : new AttemptState(k, 1, now, now.plus(window), now));
    }

    @Override
    public Optional<AttemptState> find(String key, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        AttemptState state = counters.get(key);
        if (state == null) {
            return Optional.empty();
        }
        if (!state.isOpenAt(now)) {
            counters.remove(key, state);
            return Optional.empty();
        }
        return Optional.of(state);
    }

    @Override
    public void reset(String key) {
        Objects.requireNonNull(key, "key");
        counters.remove(key);
    }

    @Override
    public int purge(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        int removed = 0;
        for (Map.Entry<String, AttemptState> e : counters.entrySet()) {
            if (removed >= limit) {
                break;
            }
            // Conditional remove: a counter restarted concurrently is a new window and stays.
            if (!e.getValue().isOpenAt(now) && counters.remove(e.getKey(), e.getValue())) {
                removed++;
            }
        }
        return removed;
    }

    /** How many counters are held (closed windows not yet swept included). */
    public int size() {
        return counters.size();
    }

    @Override
    public String toString() {
        return "InMemoryAttemptStore[counters=" + counters.size() + "]";
    }
}
