package org.portcullis.auth.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
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
 * What a login costs beyond its one Argon2id verification (issue #15: at most 5 %), measured as a
 * paired difference. Each invocation runs a whole login (OWASP Argon2id, m=19456 KiB, t=2, p=1:
 * throttle check, user lookup, verification, session, refresh token, one signature, audit) and one
 * bare {@link PasswordHasher#verify} of the same password against the same stored hash, back to
 * back, in alternating order, timing each with this thread's CPU clock and with the wall clock. A
 * pair shares the machine's state of that moment (load, memory bandwidth, frequency), so the
 * difference {@code login − verify} is the login's own work with the machine's drift cancelled,
 * which two separate benchmarks cannot give: their noise (hundreds of ms on a loaded machine) is far
 * larger than what is measured.
 *
 * <p>Printed after each iteration, and for all measured pairs at the end of the trial with a
 * 99.9 % interval from the pairs' spread: the ratio Σ(login − verify) / Σ verify, for CPU and for
 * wall time, and the mean difference per login in µs. JMH's own score is the time of a pair. On
 * PostgreSQL the thread's CPU clock does not see the database's work (another process) and the
 * wall figure carries the commit's wait for the disk: read the wall figure there. Before
 * measuring, the set-up compiles the login path with cheap logins of other users ({@link #warmUp}).
 *
 * <p>Users: 64 with the same stored hash, logged in in turn, so no account comes near the
 * per-user session cap (whose enforcement is not a typical login's work).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 4)
@Fork(1)
@Threads(1)
public class LoginCostBenchmark {

    private static final String PASSWORD = "correct horse battery staple";
    private static final int USERS = 64;
    /** Logins made in the set-up to compile the login path (see {@link #warmUp}); 40 sessions per warm-up user. */
    private static final int WARM_UP_LOGINS = 40 * USERS;

    /** {@code memory} (the in-memory store) or {@code postgresql} (embedded, durable commits, {@link BenchPostgres}). */
    @Param({"memory", "postgresql"})
    public String store;

    private final PasswordHasher hasher = PasswordHasher.owasp();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private String stored;
    private BenchPostgres pg;
    private AuthService auth;
    private int next;
    private boolean loginFirst;
    // Over the whole measured trial, per pair: sums for the ratio and its spread.
    private long pairs;
    private double sumVerifyCpu;
    private double sumDiffCpu;
    private double sumDiffCpuSq;
    private double sumVerifyWall;
    private double sumDiffWall;
    private double sumDiffWallSq;
    private boolean measuring;

    // The current iteration's sums, printed at its end.
    private long iterPairs;
    private double iterVerifyCpu;
    private double iterDiffCpu;
    private double iterVerifyWall;
    private double iterDiffWall;

    @Setup(Level.Trial)
    public void setUp() {
        stored = hasher.hash(PASSWORD);
        Clock clock = Clock.systemUTC();
        Stores stores;
        if ("postgresql".equals(store)) {
            pg = new BenchPostgres(true);
            stores = pg.stores.stores();
        } else {
            stores = InMemoryStores.create(clock);
        }
        for (int i = 0; i < USERS; i++) {
            stores.users().create(new UserRecord("u" + i, "user" + i, stored, Set.of("user"), true));
        }
        auth = Portcullis.builder().stores(stores).clock(clock).passwordHasher(hasher).startCleanupJob(false).build();
        warmUp(stores, clock);
    }

    /**
     * Compiles the login's own code before anything is measured: {@link #WARM_UP_LOGINS} logins of
     * other users through a second engine on the same store whose hasher is cheap, so that they take
     * seconds, not minutes. The JIT compiles methods, not engines, so this engine's login path
     * (flows, store, driver, pool) is then compiled too; with OWASP hashing alone a run makes a few
     * hundred logins, and the login's JDBC path would still be interpreted.
     */
    private static void warmUp(Stores stores, Clock clock) {
        PasswordHasher cheap = PasswordHasher.withParameters(64, 1, 1);
        String cheapHash = cheap.hash(PASSWORD);
        for (int i = 0; i < USERS; i++) {
            stores.users().create(new UserRecord("w" + i, "warm" + i, cheapHash, Set.of("user"), true));
        }
        try (AuthService warm = Portcullis.builder().stores(stores).clock(clock).passwordHasher(cheap)
                .startCleanupJob(false).build()) {
            for (int i = 0; i < WARM_UP_LOGINS; i++) {
                warm.login(new PasswordCredential("warm" + (i % USERS), PASSWORD), ClientInfo.UNKNOWN);
            }
        }
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        // Only pairs of measured iterations enter the trial's summary.
        measuring = params.getType() == IterationType.MEASUREMENT;
        iterPairs = 0;
        iterVerifyCpu = iterDiffCpu = iterVerifyWall = iterDiffWall = 0;
    }

    @TearDown(Level.Iteration)
    public void iterationDone() {
        if (iterPairs > 0) {
            System.out.printf(Locale.ROOT, "  [%s] login − verify: CPU %+.2f %% (%.0f µs), wall %+.2f %% (%.0f µs), %d pairs%n",
                    measuring ? "measured" : "warm-up", 100 * iterDiffCpu / iterVerifyCpu, iterDiffCpu / iterPairs / 1e3,
                    100 * iterDiffWall / iterVerifyWall, iterDiffWall / iterPairs / 1e3, iterPairs);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pairs > 1) {
            double ratio = sumDiffCpu / sumVerifyCpu;
            System.out.println();
            System.out.println(summary("CPU ", ratio, sumDiffCpu, sumDiffCpuSq, sumVerifyCpu));
            System.out.println(summary("wall", sumDiffWall / sumVerifyWall, sumDiffWall, sumDiffWallSq, sumVerifyWall));
        }
        auth.close();
        if (pg != null) {
            pg.close();
        }
    }

    /** The ratio Σd / Σv with a 99.9 % interval (normal approximation, 3.29 standard errors of the mean difference). */
    private String summary(String what, double ratio, double sumD, double sumD2, double sumV) {
        double n = pairs;
        double meanD = sumD / n;
        double sd = Math.sqrt(Math.max(0, (sumD2 - n * meanD * meanD) / (n - 1)));
        double meanV = sumV / n;
        double err = 3.29 * sd / Math.sqrt(n) / meanV;
        return String.format(Locale.ROOT, "%s: login = verify × (1 + %.2f %% ± %.2f %%), non-hash work %.0f ± %.0f µs"
                        + " per login, verify %.1f ms; %d pairs (99.9 %% interval)", what, 100 * ratio, 100 * err,
                meanD / 1e3, 3.29 * sd / Math.sqrt(n) / 1e3, meanV / 1e6, pairs);
    }

    /** One login and one bare verification, timed separately; the score is the pair's time. */
    @Benchmark
    public TokenPair loginAndVerify() {
        int i = next;
        next = (i + 1) % USERS;
        PasswordCredential credential = new PasswordCredential("user" + i, PASSWORD);
        TokenPair pair;
        long loginCpu;
        long loginWall;
        long verifyCpu;
        long verifyWall;
        loginFirst = !loginFirst;
        if (loginFirst) {
            long c0 = threads.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            pair = auth.login(credential, ClientInfo.UNKNOWN);
            long c1 = threads.getCurrentThreadCpuTime();
            long w1 = System.nanoTime();
            verify();
            verifyCpu = threads.getCurrentThreadCpuTime() - c1;
            verifyWall = System.nanoTime() - w1;
            loginCpu = c1 - c0;
            loginWall = w1 - w0;
        } else {
            long c0 = threads.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            verify();
            long c1 = threads.getCurrentThreadCpuTime();
            long w1 = System.nanoTime();
            pair = auth.login(credential, ClientInfo.UNKNOWN);
            loginCpu = threads.getCurrentThreadCpuTime() - c1;
            loginWall = System.nanoTime() - w1;
            verifyCpu = c1 - c0;
            verifyWall = w1 - w0;
        }
        iterPairs++;
        iterVerifyCpu += verifyCpu;
        iterDiffCpu += loginCpu - verifyCpu;
        iterVerifyWall += verifyWall;
        iterDiffWall += loginWall - verifyWall;
        if (measuring) {
            pairs++;
            sumVerifyCpu += verifyCpu;
            double dc = loginCpu - verifyCpu;
            sumDiffCpu += dc;
            sumDiffCpuSq += dc * dc;
            sumVerifyWall += verifyWall;
            double dw = loginWall - verifyWall;
            sumDiffWall += dw;
            sumDiffWallSq += dw * dw;
        }
        return pair;
    }

    private void verify() {
        if (!hasher.verify(PASSWORD, stored)) {
            throw new IllegalStateException("the stored hash does not verify");
        }
    }
}
