package org.portcullis.auth.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Failed attempts counted under one key within one fixed window.
 *
 * @param key          the counter's key (for example {@code user:alice} or {@code ip:192.0.2.7})
 * @param failures     failures recorded since {@code windowStart}; at least 1
 * @param windowStart  when the first failure of this window was recorded
 * @param windowEnd    when the window closes and the count starts over
 * @param lastFailure  when the latest failure was recorded
 */
public record AttemptState(String key, int failures, Instant windowStart, Instant windowEnd, Instant lastFailure) {

    public AttemptState {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        Objects.requireNonNull(lastFailure, "lastFailure");
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1");
        }
    }

    /** Whether the window is still open at {@code now} (it closes at {@code windowEnd} exactly). */
    public boolean isOpenAt(Instant now) {
        return now.isBefore(windowEnd);
    }
}
