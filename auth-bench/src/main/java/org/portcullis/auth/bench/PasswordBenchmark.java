package org.portcullis.auth.bench;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.memory.InMemoryStores;

/**
 * One Argon2id verification with OWASP's parameters, the cost of every login, known user or not;
 * beside it a whole login with the same hasher (throttle check, verification, session, tokens,
 * audit) on the in-memory store, so the doc can say what a login adds to the hash. Each login
 * makes a session; the store's default cap (100,000) is far above what a run makes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PasswordBenchmark {

    private static final String PASSWORD = "correct horse battery staple";

    private final PasswordHasher hasher = PasswordHasher.owasp();
    private final String stored = hasher.hash(PASSWORD);
    private AuthService auth;

    @Setup(Level.Trial)
    public void setUp() {
        Clock clock = Clock.systemUTC();
        Stores stores = InMemoryStores.create(clock);
        stores.users().create(new UserRecord("u1", "alice", stored, Set.of("user"), true));
        auth = Portcullis.builder().stores(stores).clock(clock).passwordHasher(hasher).startCleanupJob(false).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        auth.close();
    }

    @Benchmark
    public boolean verifyOwasp() {
        return hasher.verify(PASSWORD, stored);
    }

    @Benchmark
    public TokenPair loginOwasp() {
        return auth.login(new PasswordCredential("alice", PASSWORD), ClientInfo.UNKNOWN);
    }
}
