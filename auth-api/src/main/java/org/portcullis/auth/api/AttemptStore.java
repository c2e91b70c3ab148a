package org.portcullis.auth.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Failed-login counters for throttling, in fixed windows. Shared by all nodes when the store is
 * shared, so that throttling holds cluster-wide.
 *
 * <p>Implementations must be thread-safe; {@link #recordFailure} must be atomic (concurrent calls
 * for one key each count once, and each sees a distinct count). Instants are kept to the
 * millisecond at least, and a window is open strictly before its end. A durable store keeps
 * counters, resets and purges across a restart. Every method throws
 * {@link StoreUnavailableException} when the store cannot be reached. All of it is checked by
 * {@code AttemptStoreContract}.
 */
public interface AttemptStore {

    /**
     * Counts one failure under {@code key} at {@code now}. If the key has no open window at
     * {@code now}, a new window of length {@code window} starts with a count of one.
     *
     * @return the state after counting
     */
    AttemptState recordFailure(String key, Instant now, Duration window);

    /** The state of the key's window if it is open at {@code now}. */
    Optional<AttemptState> find(String key, Instant now);

    /**
     * The states of those {@code keys} whose window is open at {@code now}: for each key the
     * answer {@link #find} would give, with the keys that have no open window left out. The engine
     * reads every counter that judges a login attempt with one call, so a store that can read
     * several rows in one round trip should override this; the default calls {@link #find} once
     * per key. Not a snapshot across keys: each key is read as {@code find} would read it.
     *
     * @param keys the keys to read; duplicates are read once, none may be {@code null}
     * @return an unmodifiable map from key to state, never {@code null}; empty when {@code keys} is
     * @throws NullPointerException if {@code keys}, one of them, or {@code now} is {@code null}
     */
    default Map<String, AttemptState> findAll(Collection<String> keys, Instant now) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(now, "now");
        Map<String, AttemptState> open = new HashMap<>();
        for (String key : keys) {
            Objects.requireNonNull(key, "key");
            if (!open.containsKey(key)) {
                find(key, now).ifPresent(state -> open.put(key, state));
            }
        }
        return Map.copyOf(open);
    }

    /** Forgets the key's failures (after a successful login). */
    void reset(String key);

    /**
     * Forgets the failures of every one of {@code keys}, as {@link #reset} does for each; keys
     * with no counter are ignored. The engine resets a login's counters with one call, so a store
     * that can delete several rows in one statement should override this; the default calls
     * {@link #reset} once per key. Inside a {@link StoreTransactions#inTransaction transaction} of
     * a store that has them, the resets commit or roll back with the rest.
     *
     * @throws NullPointerException if {@code keys} or one of them is {@code null}
     */
    default void resetAll(Collection<String> keys) {
        Objects.requireNonNull(keys, "keys");
        keys.forEach(key -> Objects.requireNonNull(key, "key"));
        keys.forEach(this::reset);
    }

    /**
     * Deletes at most {@code limit} counters whose window closed at or before {@code now}, in one
     * short transaction; concurrent calls delete each counter once between them.
     *
     * @return how many were deleted
     */
    int purge(Instant now, int limit);

    /**
     * The argument checks every {@link #recordFailure} makes before anything else, written once so
     * that every store refuses the same calls the same way.
     *
     * @throws NullPointerException     naming the first argument that is {@code null}
     * @throws IllegalArgumentException if {@code window} is zero or negative
     */
    static void requireFailureArguments(String key, Instant now, Duration window) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(window, "window");
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
    }
}
