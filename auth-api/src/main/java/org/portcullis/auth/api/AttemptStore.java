package org.portcullis.auth.api;

import java.time.Duration;
import java.time.Instant;
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

    /** Forgets the key's failures (after a successful login). */
    void reset(String key);

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
