package org.portcullis.auth.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.Portcullis;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * How the cost of a refresh and of the session cleanup grows with the number of sessions on
 * PostgreSQL: for each size (default 10,000, 100,000 and 1,000,000 sessions) a fresh embedded
 * PostgreSQL with durable commits ({@link BenchPostgres}) is bulk-loaded with {@code COPY}, not
 * by logging in a million times, and then:
 *
 * <ol>
 *   <li><b>refresh</b>: two threads, each with eight sessions of its own user logged in through
 *   the engine, refresh them in turn (warm-up, then the measured refreshes); reported as
 *   refreshes per second, mean µs per refresh per thread, and CPU per refresh of this JVM and of
 *   PostgreSQL's processes;</li>
 *   <li><b>routine purge</b>: one cleanup pass ({@code AuthService.purgeExpired()}) when 1,000 of
 *   the loaded sessions have expired, as a pass finds them on a live system: one full batch of
 *   the default 1,000 and the query that finds no more;</li>
 *   <li><b>purge of everything</b>: a cleanup pass by an engine whose clock is two hours on, when
 *   every loaded session has passed its idle expiry; reported as total time and sessions per
 *   second.</li>
 * </ol>
 *
 * Loaded sessions look like the engine's: random 16-byte ids and 32-byte refresh-token hashes
 * (base64url), two sessions per user, a user agent of a browser, and two refresh-token rows each
 * (the current one and one rotated away, so the history table is twice the sessions table).
 * Their idle expiry is one hour ahead (the routine-purge ones one hour behind); {@code ANALYZE}
 * runs after the load, as autovacuum would.
 *
 * <pre>
 * java -cp auth-bench/target/benchmarks.jar org.portcullis.auth.bench.PostgresScalingCurves [sizes] [refreshesPerThread]
 * </pre>
 *
 * {@code sizes} is comma-separated (default {@code 10000,100000,1000000}); {@code refreshesPerThread}
 * defaults to 2,000 (after 2,000 of warm-up, for the JIT).
 */
public final class PostgresScalingCurves {

    private static final int THREADS = 2;
    private static final int SESSIONS_PER_THREAD = 8;
    private static final int WARM_UP = 2_000;
    private static final int ROUTINE_EXPIRED = 1_000;
    private static final String UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private PostgresScalingCurves() {
    }

    public static void main(String[] args) throws Exception {
        String sizes = args.length > 0 ? args[0] : "10000,100000,1000000";
        int refreshes = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        System.out.println("sessions | load s | refresh/s (2 threads) | µs/refresh per thread | JVM CPU µs/refresh"
                + " | PostgreSQL CPU µs/refresh | routine purge pass ms (1,000 expired) | purge all: s | purge all: sessions/s");
        for (String s : sizes.split(",")) {
            run(Integer.parseInt(s.strip()), refreshes);
        }
    }

    private static void run(int sessions, int refreshes) throws Exception {
        Clock clock = Clock.systemUTC();
        try (BenchPostgres pg = new BenchPostgres(true)) {
            Instant now = clock.instant();
            long t0 = System.nanoTime();
            load(pg, sessions, now);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;

            AuthService auth = Portcullis.builder().stores(pg.stores.stores()).clock(clock)
                    .settings(AuthSettings.defaults()).passwordHasher(PostgresRefreshBenchmark.CHEAP)
                    .startCleanupJob(false).build();
            double[] refresh = refresh(pg, auth, refreshes);

            // Routine pass: exactly the ROUTINE_EXPIRED sessions loaded as expired.
            long p0 = System.nanoTime();
            int routine = auth.purgeExpired();
            double routineMs = (System.nanoTime() - p0) / 1e6;
            if (routine != ROUTINE_EXPIRED) {
                throw new IllegalStateException("the routine pass purged " + routine + ", not " + ROUTINE_EXPIRED);
            }
            auth.close();

            // Everything loaded has passed its idle expiry two hours on; the sessions the refresh
            // step logged in live for days and stay.
            AuthService later = Portcullis.builder().stores(pg.stores.stores())
                    .clock(Clock.offset(clock, Duration.ofHours(2))).settings(AuthSettings.defaults())
                    .passwordHasher(PostgresRefreshBenchmark.CHEAP).startCleanupJob(false).build();
            long a0 = System.nanoTime();
            int all = later.purgeExpired();
            double allSeconds = (System.nanoTime() - a0) / 1e9;
            later.close();
            if (all != sessions - ROUTINE_EXPIRED) {
                throw new IllegalStateException("the full pass purged " + all + ", not " + (sessions - ROUTINE_EXPIRED));
            }
            System.out.printf(Locale.ROOT, "%,d | %.1f | %,.0f | %,.0f | %,.0f | %,.0f | %.1f | %.1f | %,.0f%n",
                    sessions, loadSeconds, refresh[0], refresh[1], refresh[2], refresh[3], routineMs, allSeconds,
                    all / allSeconds);
        }
    }

    /** @return refreshes/s, µs per refresh per thread, JVM CPU µs per refresh, PostgreSQL CPU µs per refresh */
    private static double[] refresh(BenchPostgres pg, AuthService auth, int perThread) throws Exception {
        List<TokenPair[]> perThreadSessions = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String name = "bench-" + t;
            pg.stores.stores().users().create(new UserRecord("id-" + name, name,
                    PostgresRefreshBenchmark.CHEAP.hash("pw"), Set.of("user"), true));
            TokenPair[] mine = new TokenPair[SESSIONS_PER_THREAD];
            for (int i = 0; i < mine.length; i++) {
                mine[i] = auth.login(new PasswordCredential(name, "pw"), ClientInfo.UNKNOWN);
            }
            perThreadSessions.add(mine);
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            runAll(pool, auth, perThreadSessions, WARM_UP);
            long cpu0 = OS.getProcessCpuTime();
            long pg0 = BenchPostgres.postgresCpuTicks();
            long w0 = System.nanoTime();
            runAll(pool, auth, perThreadSessions, perThread);
            double wall = (System.nanoTime() - w0) / 1e9;
            double cpu = (OS.getProcessCpuTime() - cpu0) / 1e3;
            double pgCpu = (BenchPostgres.postgresCpuTicks() - pg0) * 10_000.0;
            int total = THREADS * perThread;
            return new double[] {total / wall, wall * 1e6 / perThread, cpu / total, pgCpu / total};
        } finally {
            pool.shutdown();
        }
    }

    private static void runAll(ExecutorService pool, AuthService auth, List<TokenPair[]> sessions, int each)
            throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (TokenPair[] mine : sessions) {
            done.add(pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    int k = i % mine.length;
                    mine[k] = auth.refresh(mine[k].accessToken(), mine[k].refreshToken(), ClientInfo.UNKNOWN);
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    /** COPYs {@code n} sessions (the first {@link #ROUTINE_EXPIRED} already expired) with two refresh-token rows each. */
    private static void load(BenchPostgres pg, int n, Instant now) throws SQLException {
        String created = now.minus(Duration.ofHours(1)).toString();
        String live = now.plus(Duration.ofHours(1)).toString();
        String expired = now.minus(Duration.ofMinutes(1)).toString();
        String absolute = now.plus(Duration.ofDays(29)).toString();
        try (Connection c = pg.pool.getConnection()) {
            CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
            CopyIn sessionsIn = copy.copyIn("COPY portcullis_sessions (id, user_id, username, roles, created_at,"
                    + " last_refreshed_at, idle_expires_at, absolute_expires_at, expires_at, purge_check_at, client_ip, user_agent,"
                    + " refresh_count, current_hash, previous_hash, rotated_at) FROM STDIN");
            StringBuilder tokens = new StringBuilder(1 << 20);
            StringBuilder rows = new StringBuilder(1 << 20);
            List<String> tokenChunks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = random(16);
                String current = random(32);
                String previous = random(32);
                String idle = i < ROUTINE_EXPIRED ? expired : live;
                int user = i / 2;
                rows.append(id).append('\t').append("lu").append(user).append('\t').append("loaded").append(user)
                        .append("\tuser\t").append(created).append('\t').append(created).append('\t').append(idle)
                        .append('\t').append(absolute).append('\t').append(idle).append('\t').append(idle).append("\t10.0.")
                        .append((i >> 8) & 255).append('.').append(i & 255).append('\t').append(UA)
                        .append("\t1\t").append(current).append('\t').append(previous).append('\t').append(created)
                        .append('\n');
                tokens.append(previous).append('\t').append(id).append('\t').append(created).append('\t')
                        .append(created).append('\n');
                tokens.append(current).append('\t').append(id).append('\t').append(created).append("\t\\N\n");
                if (rows.length() > (1 << 20)) {
                    write(sessionsIn, rows);
                    tokenChunks.add(tokens.toString());
                    tokens.setLength(0);
                }
            }
            // Simple and bounded: the session COPY must finish before the token COPY (foreign key),
            // so the token rows wait in memory (about 200 bytes a session).
            write(sessionsIn, rows);
            sessionsIn.endCopy();
            tokenChunks.add(tokens.toString());
            CopyIn tokensIn = copy.copyIn("COPY portcullis_refresh_tokens (token_hash, session_id, issued_at, rotated_at)"
                    + " FROM STDIN");
            for (String chunk : tokenChunks) {
                byte[] b = chunk.getBytes(StandardCharsets.UTF_8);
                tokensIn.writeToCopy(b, 0, b.length);
            }
            tokensIn.endCopy();
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
        }
    }

    private static void write(CopyIn in, StringBuilder rows) throws SQLException {
        byte[] b = rows.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(b, 0, b.length);
        rows.setLength(0);
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
