package org.portcullis.auth.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;

import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.Portcullis;

/**
 * What one refresh (or, with a third argument {@code login}, one login) asks of PostgreSQL: every statement the JDBC store sends, with how many times
 * per refresh and its mean execution time inside the server ({@code pg_stat_statements}), and the
 * commits per refresh ({@code pg_stat_database}). Not a timing of the whole refresh (that is
 * {@link PostgresRefreshBenchmark}): a count, to see the round trips a refresh costs.
 *
 * <pre>
 * java -cp auth-bench/target/benchmarks.jar org.portcullis.auth.bench.PostgresRoundTrips [count [synchronous_commit: on|off [refresh|login [ip]]]]
 * </pre>
 *
 * <p>With {@code ip} the logins come from a client address, so the throttle also judges them by
 * their source (per-source, per-pair and global counters); without it the client is unknown.
 */
public final class PostgresRoundTrips {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** Users logged in in turn (cheap hashing: the statements are what is counted). */
    private static final int USERS = 64;

    private PostgresRoundTrips() {
    }

    public static void main(String[] args) throws SQLException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        boolean durable = args.length < 2 || !"off".equals(args[1]);
        boolean logins = args.length > 2 && "login".equals(args[2]);
        String what = logins ? "login" : "refresh";
        ClientInfo client = args.length > 3 && "ip".equals(args[3]) ? new ClientInfo("192.0.2.7", "RoundTrips/1.0")
                : ClientInfo.UNKNOWN;
        try (BenchPostgres pg = new BenchPostgres(durable, true);
             AuthService auth = Portcullis.builder().stores(pg.stores.stores()).clock(Clock.systemUTC())
                     .settings(AuthSettings.defaults()).passwordHasher(PostgresRefreshBenchmark.CHEAP)
                     .startCleanupJob(false).build()) {
            String cheapHash = PostgresRefreshBenchmark.CHEAP.hash("pw");
            for (int u = 0; u < USERS; u++) {
                pg.stores.stores().users().create(new UserRecord("id-user" + u, "user" + u, cheapHash, Set.of("user"), true));
            }
            TokenPair pair = auth.login(new PasswordCredential("user0", "pw"), ClientInfo.UNKNOWN);
            for (int i = 0; i < 200; i++) { // warm-up: JIT, prepared statements on the pooled connections
                pair = auth.refresh(pair.accessToken(), pair.refreshToken(), ClientInfo.UNKNOWN);
                auth.login(new PasswordCredential("user" + (i % USERS), "pw"), ClientInfo.UNKNOWN);
            }
            try (Connection c = pg.pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                s.execute("SELECT pg_stat_statements_reset()");
                s.execute("SELECT pg_stat_reset()");
                s.execute("SELECT pg_stat_reset_shared('wal')");
            }
            long commitsBefore = commits(pg);
            long pgTicks = BenchPostgres.postgresCpuTicks();
            long jvmCpu = OS.getProcessCpuTime();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (logins) {
                    auth.login(new PasswordCredential("user" + (i % USERS), "pw"), client);
                } else {
                    pair = auth.refresh(pair.accessToken(), pair.refreshToken(), ClientInfo.UNKNOWN);
                }
            }
            long wall = System.nanoTime() - start;
            double jvmCpuMicros = (OS.getProcessCpuTime() - jvmCpu) / 1e3 / n;
            double pgCpuMicros = (BenchPostgres.postgresCpuTicks() - pgTicks) * 10_000.0 / n;
            // The statistics collector reports a backend's counts when its transaction ends, at most twice a second.
            sleepQuietly(1_000);
            long commits = commits(pg) - commitsBefore;
            System.out.printf(Locale.ROOT, "%d %ss in %.0f ms: %.0f µs each (one thread, wall clock)%n", n, what,
                    wall / 1e6, wall / 1e3 / n);
            System.out.printf(Locale.ROOT, "CPU per %s: JVM %.0f µs, PostgreSQL %.0f µs (its processes, 10 ms ticks)%n",
                    what, jvmCpuMicros, pgCpuMicros);
            System.out.printf(Locale.ROOT, "commits per %s: %.2f%n", what, (double) commits / n);
            System.out.println("calls/" + what + "  mean µs in server  statement");
            double total = 0;
            double begins = 0;
            try (Connection c = pg.pool.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT calls, mean_exec_time, query FROM pg_stat_statements"
                         + " WHERE query NOT LIKE '%pg_stat%' ORDER BY calls DESC, query")) {
                while (rs.next()) {
                    double perRefresh = (double) rs.getLong(1) / n;
                    if (perRefresh < 0.01) {
                        continue;
                    }
                    String q = rs.getString(3).replaceAll("\\s+", " ");
                    String note = "";
                    if (q.startsWith("SELECT 1 FROM ONLY")) {
                        note = "[foreign-key check run by the server inside an INSERT: no round trip] ";
                    } else if (q.equals("BEGIN")) {
                        note = "[sent together with the transaction's first statement: no round trip of its own] ";
                        begins += perRefresh;
                    } else {
                        total += perRefresh;
                    }
                    System.out.printf(Locale.ROOT, "%13.2f  %17.1f  %s%s%n", perRefresh, rs.getDouble(2) * 1000, note,
                            q.length() > 150 ? q.substring(0, 150) + "…" : q);
                }
            }
            // Each explicit transaction began with a BEGIN and ends with a COMMIT, a round trip of its
            // own that pg_stat_statements does not list; an autocommitted statement has none.
            System.out.printf(Locale.ROOT, "round trips per %s: %.2f statements + %.2f COMMIT (one per BEGIN)%n",
                    what, total, begins);
            try (Connection c = pg.pool.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT wal_records, wal_bytes, wal_sync, wal_sync_time FROM pg_stat_wal")) {
                rs.next();
                System.out.printf(Locale.ROOT, "WAL per %s: %.1f records, %.0f bytes; WAL flushes to disk: %.2f per"
                                + " %s, %.0f µs each on average (a commit waits for one)%n",
                        what, rs.getDouble(1) / n, rs.getDouble(2) / n, rs.getDouble(3) / n, what,
                        rs.getDouble(3) == 0 ? 0 : rs.getDouble(4) * 1000 / rs.getDouble(3));
            }
            try (Connection c = pg.pool.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT relname, n_tup_upd, n_tup_hot_upd, n_tup_ins FROM pg_stat_user_tables"
                         + " WHERE relname IN ('portcullis_sessions', 'portcullis_refresh_tokens') ORDER BY relname DESC")) {
                while (rs.next()) {
                    System.out.printf(Locale.ROOT, "%s: row updates done in place (HOT, no index entries): %d of %d;"
                            + " rows inserted: %d%n", rs.getString(1), rs.getLong(3), rs.getLong(2), rs.getLong(4));
                }
            }
        }
    }

    private static long commits(BenchPostgres pg) throws SQLException {
        try (Connection c = pg.pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
