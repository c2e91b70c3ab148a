package org.portcullis.auth.bench;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;

/**
 * Refreshes per second on PostgreSQL: the whole engine (check the access token, find the refresh
 * token, check the account, rotate, sign, audit) on the real JDBC store over HikariCP, against an
 * embedded PostgreSQL started once per trial on this machine ({@link BenchPostgres}; durable
 * commits unless {@code -p synchronousCommit=off}). Each JMH thread has a user of its own with
 * {@link #SESSIONS_PER_THREAD} sessions and refreshes them in turn, as separate clients would; run
 * with {@code -t 1}, {@code -t 2}, {@code -t 4} for the scaling curve (JMH reports the threads'
 * total). Each thread first makes {@link #WARM_UP_REFRESHES} refreshes in its set-up, for the JIT.
 * Add {@code -prof org.portcullis.auth.bench.PostgresCpuProfiler} for the database's CPU.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PostgresRefreshBenchmark {

    static final int SESSIONS_PER_THREAD = 8;
    /** Refreshes of one session before it is replaced by a new login (the engine ends a session after 6,480). */
    static final int REFRESHES_PER_SESSION = 5_000;
    /** Refreshes each thread makes in its set-up, before JMH's warm-up iterations. */
    static final int WARM_UP_REFRESHES = 1_000;
    static final PasswordHasher CHEAP = PasswordHasher.withParameters(64, 1, 1);

    /** The database and one engine, shared by the threads of a trial. */
    @State(Scope.Benchmark)
    public static class Database {
        /** {@code on} (PostgreSQL's default, durable) or {@code off} (a crash may lose the last commits). */
        @Param({"on"})
        public String synchronousCommit;

        BenchPostgres pg;
        AuthService auth;
        final AtomicInteger users = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() {
            pg = new BenchPostgres(!"off".equals(synchronousCommit));
            auth = Portcullis.builder().stores(pg.stores.stores()).clock(Clock.systemUTC())
                    .settings(AuthSettings.defaults()).passwordHasher(CHEAP).startCleanupJob(false).build();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            auth.close();
            pg.close();
        }

        String newUser() {
            String name = "bench-" + users.incrementAndGet();
            pg.stores.stores().users().create(new UserRecord("id-" + name, name, CHEAP.hash("pw"), Set.of("user"), true));
            return name;
        }
    }

    private AuthService auth;
    private String username;
    private final TokenPair[] sessions = new TokenPair[SESSIONS_PER_THREAD];
    private final int[] refreshes = new int[SESSIONS_PER_THREAD];
    private int next;

    @Setup(Level.Trial)
    public void setUp(Database db) {
        auth = db.auth;
        username = db.newUser();
        for (int i = 0; i < SESSIONS_PER_THREAD; i++) {
            sessions[i] = login();
        }
        // Before JMH's own warm-up: the JDBC path (Jdbi, the driver, HikariCP) takes a few thousand
        // calls to be compiled, more than the short warm-up of a run on a loaded machine gives.
        for (int i = 0; i < WARM_UP_REFRESHES; i++) {
            refresh();
        }
    }

    private TokenPair login() {
        return auth.login(new PasswordCredential(username, "pw"), ClientInfo.UNKNOWN);
    }

    @Benchmark
    public TokenPair refresh() {
        int i = next;
        next = (i + 1) % SESSIONS_PER_THREAD;
        if (++refreshes[i] == REFRESHES_PER_SESSION) {
            refreshes[i] = 0;
            sessions[i] = login();
        }
        TokenPair pair = auth.refresh(sessions[i].accessToken(), sessions[i].refreshToken(), ClientInfo.UNKNOWN);
        sessions[i] = pair;
        return pair;
    }
}
