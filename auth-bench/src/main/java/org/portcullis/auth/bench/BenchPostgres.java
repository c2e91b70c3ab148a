package org.portcullis.auth.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.portcullis.auth.store.jdbc.JdbcStores;

/**
 * One embedded PostgreSQL (zonky, in child processes of this JVM's machine) with the JDBC stores on
 * a HikariCP pool configured as the standalone server configures its own ({@code JdbcBackend}:
 * at most max(4, min(threads, 32)) connections, 16 with the server's default of 16 worker threads;
 * at least one idle; 3 s connection timeout).
 *
 * <p>Durability: zonky starts PostgreSQL with {@code synchronous_commit=off}, which a production
 * server does not have. Here it is {@code on} unless asked otherwise, so that every commit waits
 * for its WAL record to reach the disk, as PostgreSQL's default does; {@code fsync} stays at
 * PostgreSQL's default ({@code on}).
 *
 * <p>Also reads the CPU time the PostgreSQL processes have used (Linux {@code /proc}), for
 * {@link PostgresCpuProfiler}: the JVM's own CPU time does not include the database's work.
 */
final class BenchPostgres implements AutoCloseable {

    /** The server's pool size with its default of 16 worker threads. */
    static final int POOL_SIZE = 16;

    /** The postmaster of the PostgreSQL started last in this JVM; 0 when none. */
    static volatile long postmasterPid;

    final EmbeddedPostgres server;
    final HikariDataSource pool;
    final JdbcStores stores;

    BenchPostgres(boolean synchronousCommit) {
        this(synchronousCommit, false);
    }

    /** @param statementStatistics whether to load {@code pg_stat_statements} (for {@link PostgresRoundTrips}) */
    BenchPostgres(boolean synchronousCommit, boolean statementStatistics) {
        try {
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setServerConfig("synchronous_commit", synchronousCommit ? "on" : "off")
                    .setServerConfig("fsync", "on");
            if (statementStatistics) {
                b.setServerConfig("shared_preload_libraries", "pg_stat_statements")
                        .setServerConfig("pg_stat_statements.track", "all")
                        .setServerConfig("track_wal_io_timing", "on");
            }
            server = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("bench");
        hc.setJdbcUrl(server.getJdbcUrl("postgres", "postgres"));
        hc.setUsername("postgres");
        hc.setMaximumPoolSize(POOL_SIZE);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(3_000);
        hc.setValidationTimeout(2_000);
        pool = new HikariDataSource(hc);
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        SecretKey kek = new SecretKeySpec(k, "AES");
        stores = JdbcStores.create(pool, kek);
        stores.migrate();
        postmasterPid = findPostmaster();
    }

    private long findPostmaster() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return parentOf(rs.getLong(1));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot find the postmaster", e);
        }
    }

    private static long parentOf(long pid) {
        String[] f = stat(pid);
        return f == null ? 0 : Long.parseLong(f[1]);
    }

    /** Fields of {@code /proc/pid/stat} after the command name (index 0 is the state, 1 the parent); null when gone. */
    private static String[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * CPU time, in clock ticks, used so far by the postmaster, its live children (backends,
     * WAL writer, checkpointer, autovacuum) and the children it has reaped; -1 when unknown.
     */
    static long postgresCpuTicks() {
        long pm = postmasterPid;
        String[] own = pm == 0 ? null : stat(pm);
        if (own == null) {
            return -1;
        }
        // utime, stime, cutime, cstime are fields 14 to 17 of stat; here 11 to 14.
        long ticks = Long.parseLong(own[11]) + Long.parseLong(own[12]) + Long.parseLong(own[13]) + Long.parseLong(own[14]);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                String[] f = stat(Long.parseLong(name));
                if (f != null && Long.parseLong(f[1]) == pm) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks;
    }

    @Override
    public void close() {
        pool.close();
        postmasterPid = 0;
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
