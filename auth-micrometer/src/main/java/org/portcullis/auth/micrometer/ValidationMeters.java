package org.portcullis.auth.micrometer;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.core.ValidationStats;

/**
 * The validation meters, all read from {@link ValidationStats} when the registry is scraped, so
 * that the validation hot path records nothing beyond the engine's own counts. The gauges hold
 * the statistics strongly; the function timer and counter, as Micrometer does, weakly (they follow
 * the service's life).
 */
final class ValidationMeters {

    private ValidationMeters() {
    }

    static void register(AuthService service, MeterRegistry registry) {
        Portcullis.validationStats(service).ifPresent(stats -> {
            FunctionTimer.builder(PortcullisMetrics.FIRST_SIGHT_TIMER, stats, ValidationStats::firstSightCount,
                            ValidationStats::firstSightNanos, TimeUnit.NANOSECONDS)
                    .description("Validations that verified a token's signature (not found in the token cache)")
                    .register(registry);
            FunctionCounter.builder(PortcullisMetrics.REPEATS, stats, s -> s.repeatCount())
                    .description("Validations answered from the token cache")
                    .register(registry);
            Gauge.builder(PortcullisMetrics.CACHE_SIZE, stats, s -> s.tokenCacheSize())
                    .description("Verified tokens held in this node's cache")
                    .strongReference(true)
                    .register(registry);
            Gauge.builder(PortcullisMetrics.CACHE_HIT_RATIO, stats, ValidationMeters::hitRatio)
                    .description("Share of validations answered from the token cache")
                    .strongReference(true)
                    .register(registry);
        });
    }

    static double hitRatio(ValidationStats s) {
        double repeats = s.repeatCount();
        double all = repeats + s.firstSightCount();
        return all == 0 ? Double.NaN : repeats / all;
    }
}
