package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.Session;

/**
 * One purge call on a table where a great many live sessions are due a check at once (the cleanup
 * was off for days: 200,000 sessions whose check time passed, none expired). The call must stay
 * bounded by its limit, not by the table: it reads no row by a sequential scan, fetches rows in proportion to {@code MAX_PURGE_ROUNDS × limit}, moves exactly that many
 * check times on, and deletes nothing. Measured with the transaction's own statistics
 * ({@code pg_stat_xact_*}), so no figure depends on timing or on the statistics collector.
 */
@DisplayName("a purge call over 200,000 live sessions due a check, on PostgreSQL")
class PurgeBoundOnPostgresTest {

    private static final Instant NOW = Instant.parse("2026-05-04T08:00:00Z");
    private static final int ROWS = 200_000;
    private static final int LIMIT = 100;

    @Test
    @DisplayName("reads and writes in proportion to its limit, never to the table")
    void boundedByTheLimit() throws Exception {
        try (Backend b = Backend.of(Backend.Kind.POSTGRESQL, 2)) {
            Seeder.sessions(b.dataSource, JdbcDialect.POSTGRESQL, "s", ROWS, 10_000, NOW.minus(Duration.ofDays(3)),
                    NOW.plus(Duration.ofDays(1)));
            try (Connection c = b.dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE portcullis_sessions SET purge_check_at = ?")) {
                ps.setObject(1, OffsetDateTime.ofInstant(NOW.minus(Duration.ofHours(1)), ZoneOffset.UTC));
                assertThat(ps.executeUpdate()).isEqualTo(ROWS);
                try (Statement st = c.createStatement()) {
                    st.execute("VACUUM ANALYZE portcullis_sessions");
                }
            }
            Db db = new Db(Jdbi.create(b.dataSource), JdbcDialect.POSTGRESQL, false);
            JdbcSessionStore store = new JdbcSessionStore(db);
            long[] stats = db.inTransaction("test", h -> {
                List<Session> purged = store.purge(NOW, NOW.minus(Duration.ofDays(1)), LIMIT);
                assertThat(purged).isEmpty();
                return h.createQuery("SELECT seq_scan, seq_tup_read, n_tup_upd, n_tup_del, idx_tup_fetch"
                                + " FROM pg_stat_xact_user_tables WHERE relname = 'portcullis_sessions'")
                        .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                                rs.getLong(5)})
                        .one();
            });
            int rounds = JdbcSessionStore.MAX_PURGE_ROUNDS;
            assertThat(stats[2]).as("check times moved on").isEqualTo((long) rounds * LIMIT);
            assertThat(stats[3]).as("rows deleted").isZero();
            // Choosing, locking and moving on each fetch the chosen rows once (three per row); the
            // bound leaves room for plan differences but is far below the table's 200,000 rows.
            assertThat(stats[1] + stats[4]).as("rows read (%d by %d sequential scans, %d through indexes)",
                    stats[1], stats[0], stats[4]).isLessThanOrEqualTo(10L * rounds * LIMIT);
            long due = Jdbi.create(b.dataSource).withHandle(h -> h
                    .createQuery("SELECT COUNT(*) FROM portcullis_sessions WHERE purge_check_at <= :now")
                    .bind("now", Db.ts(NOW)).mapTo(Long.class).one());
            assertThat(due).isEqualTo(ROWS - (long) rounds * LIMIT);
        }
    }
}
