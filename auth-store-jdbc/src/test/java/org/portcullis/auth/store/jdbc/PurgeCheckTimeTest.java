package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * The purge finds sessions through {@code purge_check_at}, a time at or before the expiry that a
 * rotation moves only about once per half idle timeout, so that a rotation writes no index entry
 * (on PostgreSQL a HOT update). What the contract suite cannot see from outside: where the check
 * time stands after a rotation and after a purge, that a purge call stays bounded however many
 * live sessions are due a check, that a rotation on PostgreSQL really is HOT, and that a
 * version-1 database gets the column filled from its expiries.
 */
@DisplayName("the JDBC session store's purge check time")
class PurgeCheckTimeTest {

    private static final Instant T0 = Instant.parse("2026-05-04T08:00:00Z");
    private static final Duration IDLE = Duration.ofHours(4);
    private static final Duration ABSOLUTE = Duration.ofDays(3);

    private static Session start(Instant at) {
        return Session.start(UUID.randomUUID().toString(), "u-1", "alice", Set.of("user"), at, at.plus(IDLE),
                at.plus(ABSOLUTE), new ClientInfo("192.0.2.1", "PurgeCheckTimeTest"));
    }

    private static String hash() {
        return UUID.randomUUID().toString();
    }

    private static Instant checkTime(Backend b, String sessionId) {
        return Jdbi.create(b.dataSource).withHandle(h -> h
                .createQuery("SELECT purge_check_at FROM portcullis_sessions WHERE id = :id")
                .bind("id", sessionId)
                .map((rs, ctx) -> Db.instant(rs, "purge_check_at"))
                .one());
    }

    private static RotationResult rotate(SessionStore store, Session s, String from, String to, Instant now) {
        Instant idle = now.plus(IDLE).isBefore(s.absoluteExpiresAt()) ? now.plus(IDLE) : s.absoluteExpiresAt();
        return store.rotate(s.id(), from, to, now, idle);
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_MEMORY", "POSTGRESQL"})
    @DisplayName("a rotation keeps the check time while more than half the idle period is ahead, then moves it to the new expiry")
    void rotationMovesCheckTimeRarely(Backend.Kind kind) {
        try (Backend b = Backend.of(kind, 2)) {
            SessionStore store = b.jdbc.stores().sessions();
            Session s = start(T0);
            String h0 = hash();
            store.create(s, h0);
            assertThat(checkTime(b, s.id())).isEqualTo(T0.plus(IDLE));

            // Three and a half hours of the first four still ahead: kept (no index entry).
            String h1 = hash();
            assertThat(rotate(store, s, h0, h1, T0.plus(Duration.ofMinutes(30)))).isEqualTo(RotationResult.ROTATED);
            assertThat(checkTime(b, s.id())).isEqualTo(T0.plus(IDLE));

            // Under half ahead (T0 + 4 h is 1 h 50 min away, less than half of the new 4 h): moved to the new expiry.
            Instant later = T0.plus(Duration.ofMinutes(130));
            assertThat(rotate(store, s, h1, hash(), later)).isEqualTo(RotationResult.ROTATED);
            assertThat(checkTime(b, s.id())).isEqualTo(later.plus(IDLE));
        }
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_MEMORY", "POSTGRESQL"})
    @DisplayName("the check time never passes the session's expiry, and ends at the absolute expiry when that comes first")
    void checkTimeNeverPassesExpiry(Backend.Kind kind) {
        try (Backend b = Backend.of(kind, 2)) {
            SessionStore store = b.jdbc.stores().sessions();
            Instant end = T0.plus(Duration.ofHours(5));
            Session s = Session.start(UUID.randomUUID().toString(), "u-1", "alice", Set.of("user"), T0, T0.plus(IDLE),
                    end, new ClientInfo("192.0.2.1", "PurgeCheckTimeTest"));
            String h = hash();
            store.create(s, h);
            for (Instant now = T0.plus(Duration.ofMinutes(50)); now.isBefore(end); now = now.plus(Duration.ofMinutes(50))) {
                String next = hash();
                assertThat(rotate(store, s, h, next, now)).isEqualTo(RotationResult.ROTATED);
                h = next;
                assertThat(checkTime(b, s.id())).isBeforeOrEqualTo(store.find(s.id()).orElseThrow().expiresAt());
            }
            assertThat(checkTime(b, s.id())).isEqualTo(end);
            assertThat(store.purge(end.minus(Duration.ofMillis(1)), T0, 10)).isEmpty();
            assertThat(store.purge(end, T0, 10)).extracting(Session::id).containsExactly(s.id());
        }
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_MEMORY", "POSTGRESQL"})
    @DisplayName("a purge moves a live session it meets to its expiry, and looks at no more than four times its limit per call")
    void purgeMovesLiveSessionsOnInBoundedSteps(Backend.Kind kind) {
        try (Backend b = Backend.of(kind, 2)) {
            SessionStore store = b.jdbc.stores().sessions();
            List<Session> live = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Session s = start(T0);
                String h0 = hash();
                store.create(s, h0);
                assertThat(rotate(store, s, h0, hash(), T0.plus(Duration.ofHours(1)))).isEqualTo(RotationResult.ROTATED);
                live.add(s);
            }
            // Each was refreshed to T0 + 5 h but keeps its check time T0 + 4 h: all ten are due at T0 + 4 h.
            Instant now = T0.plus(IDLE);

            assertThat(store.purge(now, T0, 2)).isEmpty();
            long moved = live.stream().filter(s -> checkTime(b, s.id()).isAfter(now)).count();
            assertThat(moved).isEqualTo(2L * JdbcSessionStore.MAX_PURGE_ROUNDS);

            assertThat(store.purge(now, T0, 2)).isEmpty();
            assertThat(live).allSatisfy(s -> assertThat(checkTime(b, s.id())).isEqualTo(T0.plus(Duration.ofHours(5))));
            assertThat(store.findActiveByUser("u-1", now)).hasSize(10);
            assertThat(store.purge(T0.plus(Duration.ofHours(5)), T0, 20)).hasSize(10);
        }
    }

    @Test
    @DisplayName("on PostgreSQL a rotation updates the session row and the retired token row in place (HOT), even in filled pages")
    void rotationIsHotOnPostgres() throws SQLException {
        try (Backend b = Backend.of(Backend.Kind.POSTGRESQL, 2)) {
            // Pages filled as far as the table's fillfactor lets an insert fill them.
            Seeder.sessions(b.dataSource, JdbcDialect.POSTGRESQL, "s", 4_000, 100, T0, T0.plus(IDLE));
            Db db = new Db(Jdbi.create(b.dataSource), JdbcDialect.POSTGRESQL, false);
            JdbcSessionStore store = new JdbcSessionStore(db);
            long[] counts = db.inTransaction("test", h -> {
                // One session in every hundred: each in a page of its own.
                for (int i = 100; i <= 4_000; i += 100) {
                    assertThat(store.rotate("s" + i, "sh" + i, "next" + i, T0.plus(Duration.ofMinutes(5)), T0.plus(IDLE)))
                            .isEqualTo(RotationResult.ROTATED);
                }
                // This transaction's own counts, so nothing waits for the statistics collector.
                return h.createQuery("SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables"
                                + " WHERE relname IN ('portcullis_sessions', 'portcullis_refresh_tokens') ORDER BY relname")
                        .map((rs, ctx) -> new long[] {rs.getLong(2), rs.getLong(3)})
                        .list().stream().flatMapToLong(java.util.Arrays::stream).toArray();
            });
            // refresh_tokens: updated, HOT; sessions: updated, HOT.
            assertThat(counts).containsExactly(40, 40, 40, 40);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_FILE", "POSTGRESQL"})
    @DisplayName("a version-2 database (the last release) gets each session's expiry as its check time, and loses the expiry index")
    void upgradeFromVersionTwo(Backend.Kind kind) throws SQLException {
        try (Backend b = Backend.of(kind, 2)) {
            SessionStore store = b.jdbc.stores().sessions();
            Session s = start(T0);
            store.create(s, hash());
            try (Connection c = b.dataSource.getConnection(); Statement st = c.createStatement()) {
                // What versions 1 and 2 had: an index on expires_at, no purge_check_at.
                st.execute("DROP INDEX portcullis_sessions_purge_check_ix");
                st.execute("ALTER TABLE portcullis_sessions DROP COLUMN purge_check_at");
                st.execute("CREATE INDEX portcullis_sessions_expires_ix ON portcullis_sessions (expires_at)");
                st.execute("DELETE FROM portcullis_schema_version WHERE version = 3");
            }
            assertThat(b.jdbc.installedSchemaVersion()).contains(2);

            assertThat(b.jdbc.migrate()).isEqualTo(3);

            assertThat(checkTime(b, s.id())).isEqualTo(s.expiresAt());
            List<String> indexes = Jdbi.create(b.dataSource).withHandle(h -> h
                    .createQuery(kind == Backend.Kind.POSTGRESQL
                            ? "SELECT indexname FROM pg_indexes WHERE tablename = 'portcullis_sessions'"
                            : "SELECT LOWER(index_name) FROM information_schema.indexes WHERE LOWER(table_name) = 'portcullis_sessions'")
                    .mapTo(String.class)
                    .list());
            assertThat(indexes).contains("portcullis_sessions_purge_check_ix")
                    .doesNotContain("portcullis_sessions_expires_ix");
            assertThat(store.purge(s.expiresAt().minus(Duration.ofMillis(1)), T0, 10)).isEmpty();
            assertThat(store.purge(s.expiresAt(), T0, 10)).extracting(Session::id).containsExactly(s.id());
        }
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_FILE", "POSTGRESQL"})
    @DisplayName("during a rolling upgrade, a session inserted by version-2 code (no check time) is stored and purged once expired")
    void versionTwoInsertAfterUpgrade(Backend.Kind kind) throws SQLException {
        try (Backend b = Backend.of(kind, 2)) {
            // The column's default is the database's clock, so this test's times follow that clock.
            Instant created = Jdbi.create(b.dataSource).withHandle(h -> h
                    .createQuery("SELECT CURRENT_TIMESTAMP AS now")
                    .map((rs, ctx) -> Db.instant(rs, "now"))
                    .one()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            Instant expires = created.plus(Duration.ofHours(1));
            try (Connection c = b.dataSource.getConnection();
                 java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO portcullis_sessions (id, user_id,"
                         + " username, roles, created_at, last_refreshed_at, idle_expires_at, absolute_expires_at,"
                         + " expires_at, client_ip, user_agent, refresh_count, current_hash)"
                         + " VALUES ('v2-session', 'u-1', 'alice', 'user', ?, ?, ?, ?, ?, '', '', 0, 'h-v2')")) {
                java.sql.Timestamp t0 = java.sql.Timestamp.from(created);
                java.sql.Timestamp t1 = java.sql.Timestamp.from(expires);
                ps.setTimestamp(1, t0);
                ps.setTimestamp(2, t0);
                ps.setTimestamp(3, t1);
                ps.setTimestamp(4, java.sql.Timestamp.from(created.plus(Duration.ofDays(1))));
                ps.setTimestamp(5, t1);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(checkTime(b, "v2-session")).isBeforeOrEqualTo(expires);
            SessionStore store = b.jdbc.stores().sessions();
            assertThat(store.purge(expires.minusSeconds(60), expires.minusSeconds(60), 10)).isEmpty();
            assertThat(store.find("v2-session")).isPresent();
            assertThat(store.purge(expires, expires, 10)).extracting(Session::id).containsExactly("v2-session");
            assertThat(store.find("v2-session")).isEmpty();
        }
    }
}
