package org.portcullis.auth.core.internal.validate;

import java.time.Instant;

/**
 * Instants as nanoseconds since the epoch in one {@code long}, saturated at its ends (about the
 * years 1677 and 2262), so the caches of this package compare deadlines without allocating.
 */
final class EpochNanos {

    private EpochNanos() {
    }

    static long of(Instant t) {
        long s = t.getEpochSecond();
        if (s > Long.MAX_VALUE / 1_000_000_000L - 1) {
            return Long.MAX_VALUE;
        }
        if (s < Long.MIN_VALUE / 1_000_000_000L + 1) {
            return Long.MIN_VALUE;
        }
        return s * 1_000_000_000L + t.getNano();
    }

    /** {@code x + y}, saturated instead of wrapping. */
    static long plus(long x, long y) {
        long r = x + y;
        // Overflow only when both have the same sign and the result has the other.
        return ((x ^ r) & (y ^ r)) < 0 ? (x < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }
}
