package org.portcullis.auth.core.internal;

import java.time.Clock;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Ticker;

/** Caffeine reads time through a {@link Ticker}; ours reads the injected {@link Clock}, so tests move it. */
public final class Tickers {

    private Tickers() {
    }

    /** Nanoseconds since the epoch, read from {@code clock}. */
    public static Ticker of(Clock clock) {
        return () -> {
            Instant i = clock.instant();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        };
    }
}
