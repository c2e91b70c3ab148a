package org.portcullis.auth.bench;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.micrometer.PortcullisMetrics;
import org.portcullis.auth.store.memory.InMemoryStores;

/**
 * A repeat validation (token-cache hit, the default EdDSA key) with and without auth-micrometer's
 * decorators: {@code metrics=on} instruments the stores' audit sink and wraps the service exactly
 * as the Spring Boot starter does, with a registry that has read the validation meters once.
 * The budget is 1 µs per repeat validation with metrics on (issue 13).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBenchmark {

    @Param({"off", "on"})
    public String metrics;

    private AuthService service;
    private String token;

    @Setup(Level.Trial)
    public void setUp() {
        Clock clock = Clock.systemUTC();
        Stores stores = InMemoryStores.create(clock);
        PasswordHasher cheap = PasswordHasher.withParameters(64, 1, 1);
        stores.users().create(new UserRecord("u1", "alice", cheap.hash("pw"), Set.of("user"), true));
        boolean on = "on".equals(metrics);
        MeterRegistry registry = new SimpleMeterRegistry();
        AuthService built = Portcullis.builder()
                .stores(on ? PortcullisMetrics.instrument(stores, registry) : stores)
                .clock(clock).passwordHasher(cheap).startCleanupJob(false).build();
        service = on ? PortcullisMetrics.instrument(built, registry) : built;
        TokenPair pair = service.login(new PasswordCredential("alice", "pw"), ClientInfo.UNKNOWN);
        token = pair.accessToken();
        service.validate(token);
        if (on && registry.get(PortcullisMetrics.CACHE_SIZE).gauge().value() != 1) {
            throw new IllegalStateException("metrics are not wired");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        service.close();
    }

    @Benchmark
    public AuthPrincipal validateRepeat() {
        return service.validate(token);
    }
}
