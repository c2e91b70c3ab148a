package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Upgrading a version-2 PostgreSQL database that holds sessions, with two nodes starting at the
 * same moment (each with its own pool, released together): both end at version 3, each session's
 * check time is its expiry, and running the whole script once more (as an application that copied
 * it into its own migrations might) changes no row, not even a check time a rotation has since
 * moved.
 */
@DisplayName("upgrading a version-2 database to version 3")
class SchemaV3UpgradeTogetherTest {

    private static final Instant T0 = Instant.parse("2026-05-04T08:00:00Z");

    @Test
    @DisplayName("on PostgreSQL: two nodes migrating together both reach version 3; a second run of the script changes nothing")
    void twoNodesThenAgain() throws Exception {
        try (Backend b = Backend.of(Backend.Kind.POSTGRESQL, 4)) {
            SessionStore store = b.jdbc.stores().sessions();
            List<Session> sessions = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Session s = Session.start("s" + i, "u" + (i % 5), "user", Set.of("user"), T0.plus(Duration.ofMinutes(i)),
                        T0.plus(Duration.ofMinutes(i)).plus(Duration.ofHours(4)), T0.plus(Duration.ofDays(3)),
                        ClientInfo.ofIp("192.0.2.1"));
                store.create(s, "h" + i);
                sessions.add(s);
            }
            try (Connection c = b.dataSource.getConnection(); Statement st = c.createStatement()) {
                // Back to what version 2 had.
                st.execute("DROP INDEX portcullis_sessions_purge_check_ix");
                st.execute("ALTER TABLE portcullis_sessions DROP COLUMN purge_check_at");
                st.execute("CREATE INDEX portcullis_sessions_expires_ix ON portcullis_sessions (expires_at)");
                st.execute("ALTER TABLE portcullis_sessions RESET (fillfactor)");
                st.execute("DELETE FROM portcullis_schema_version WHERE version = 3");
            }
            assertThat(b.jdbc.installedSchemaVersion()).contains(2);

            assertThat(migrateTogether(b)).containsExactly(3, 3);
            Jdbi jdbi = Jdbi.create(b.dataSource);
            int versionRows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM portcullis_schema_version WHERE version = 3")
                    .mapTo(Integer.class).one());
            assertThat(versionRows).isEqualTo(1);
            for (Session s : sessions) {
                assertThat(checkTime(jdbi, s.id())).isEqualTo(s.expiresAt());
            }
            // A rotation under half the idle period ahead moves s0's check time: the script must keep it.
            assertThat(store.rotate("s0", "h0", "h0b", T0.plus(Duration.ofHours(3)), T0.plus(Duration.ofHours(7))))
                    .isEqualTo(RotationResult.ROTATED);
            Map<String, Object> before = snapshot(jdbi);
            jdbi.useHandle(h -> SchemaMigrator.statements(SchemaMigrator.script(JdbcDialect.POSTGRESQL)).forEach(h::execute));
            assertThat(snapshot(jdbi)).isEqualTo(before);
            assertThat(checkTime(jdbi, "s0")).isEqualTo(T0.plus(Duration.ofHours(7)));
            String options = jdbi.withHandle(h -> h.createQuery("SELECT reloptions::text FROM pg_class WHERE relname = 'portcullis_sessions'")
                    .mapTo(String.class).one());
            assertThat(options).contains("fillfactor=80");
            assertThat(store.purge(T0.plus(Duration.ofHours(4)).plus(Duration.ofMinutes(10)), T0, 100))
                    .extracting(Session::id).containsExactlyInAnyOrder("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10");
        }
    }

    /**
     * H2 has no advisory lock and commits at every DDL statement, so nothing in the database
     * serialises two migrations. Two stores of one process on one H2 file (two pools, say an
     * application and its admin tool) migrating together used to fail one of them now and then
     * (SQLState 90107 or HY000: one dropped the index or column the other was working on), two
     * rounds in five here; each round must now bring both to version 3.
     */
    @Test
    @DisplayName("on an H2 file: two stores of one process migrating a version-2 database together both reach version 3, every time")
    void twoStoresOnOneH2File() throws Exception {
        for (int round = 0; round < 10; round++) {
            try (Backend b = Backend.of(Backend.Kind.H2_FILE, 2)) {
                b.jdbc.stores().sessions().create(Session.start("s0", "u0", "user", Set.of("user"), T0,
                        T0.plus(Duration.ofHours(4)), T0.plus(Duration.ofDays(3)), ClientInfo.ofIp("192.0.2.1")), "h0");
                try (Connection c = b.dataSource.getConnection(); Statement st = c.createStatement()) {
                    st.execute("DROP INDEX portcullis_sessions_purge_check_ix");
                    st.execute("ALTER TABLE portcullis_sessions DROP COLUMN purge_check_at");
                    st.execute("CREATE INDEX portcullis_sessions_expires_ix ON portcullis_sessions (expires_at)");
                    st.execute("DELETE FROM portcullis_schema_version WHERE version = 3");
                }
                assertThat(migrateTogether(b)).as("round %d", round).containsExactly(3, 3);
                assertThat(checkTime(Jdbi.create(b.dataSource), "s0")).isEqualTo(T0.plus(Duration.ofHours(4)));
            }
        }
    }

    /** Two stores, each with a pool of its own on {@code b}'s database, migrating at the same moment. */
    private static List<Integer> migrateTogether(Backend b) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<HikariDataSource> pools = List.of(Backend.pool(b.url, 2), Backend.pool(b.url, 2));
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> nodes = new ArrayList<>();
            for (HikariDataSource ds : pools) {
                JdbcStores node = JdbcStores.create(ds, b.kek);
                nodes.add(pool.submit(() -> {
                    start.await();
                    return node.migrate();
                }));
            }
            start.countDown();
            List<Integer> versions = new ArrayList<>();
            for (Future<Integer> node : nodes) {
                versions.add(node.get(120, TimeUnit.SECONDS));
            }
            return versions;
        } finally {
            pool.shutdownNow();
            pools.forEach(HikariDataSource::close);
        }
    }

    private static Instant checkTime(Jdbi jdbi, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT purge_check_at FROM portcullis_sessions WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> Db.instant(rs, "purge_check_at")).one());
    }

    private static Map<String, Object> snapshot(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, purge_check_at, expires_at FROM portcullis_sessions")
                .map((rs, ctx) -> Map.entry(rs.getString("id"), (Object) (Db.instant(rs, "purge_check_at") + "/"
                        + Db.instant(rs, "expires_at"))))
                .list().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }
}
