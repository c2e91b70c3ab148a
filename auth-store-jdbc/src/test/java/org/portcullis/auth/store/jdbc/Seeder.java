package org.portcullis.auth.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

/**
 * Fills tables fast for the volume tests: one set-based INSERT ... SELECT over a generated range
 * per table (PostgreSQL's generate_series, H2's SYSTEM_RANGE), instead of one round trip per row.
 * Session {@code prefix + i} gets refresh-token hash {@code prefix + "h" + i} and user
 * {@code prefix + "u" + (i % users)}.
 */
final class Seeder {

    private Seeder() {
    }

    static void sessions(DataSource ds, JdbcDialect dialect, String prefix, int count, int users, Instant createdAt,
                         Instant expiresAt) throws SQLException {
        String range = range(dialect);
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO portcullis_sessions (id, user_id, username, roles,"
                    + " created_at, last_refreshed_at, idle_expires_at, absolute_expires_at, expires_at, purge_check_at, client_ip,"
                    + " user_agent, refresh_count, current_hash) SELECT CAST(? AS VARCHAR(64)) || CAST(r.x AS VARCHAR(20)),"
                    + " CAST(? AS VARCHAR(64)) || CAST(MOD(r.x, ?) AS VARCHAR(20)), 'seeded', 'user', ?, ?, ?, ?, ?, ?, '', '', 0,"
                    + " CAST(? AS VARCHAR(64)) || CAST(r.x AS VARCHAR(20)) FROM " + range)) {
                ps.setString(1, prefix);
                ps.setString(2, prefix + "u");
                ps.setInt(3, users);
                OffsetDateTime created = OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC);
                OffsetDateTime expires = OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC);
                ps.setObject(4, created);
                ps.setObject(5, created);
                ps.setObject(6, expires);
                ps.setObject(7, expires);
                ps.setObject(8, expires);
                ps.setObject(9, expires);
                ps.setString(10, prefix + "h");
                ps.setInt(11, count);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO portcullis_refresh_tokens (token_hash, session_id,"
                    + " issued_at) SELECT CAST(? AS VARCHAR(64)) || CAST(r.x AS VARCHAR(20)),"
                    + " CAST(? AS VARCHAR(64)) || CAST(r.x AS VARCHAR(20)), ? FROM " + range)) {
                ps.setString(1, prefix + "h");
                ps.setString(2, prefix);
                ps.setObject(3, OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC));
                ps.setInt(4, count);
                ps.executeUpdate();
            }
        }
    }

    /** Audit events {@code prefix + i}, one second apart from {@code from}, for users {@code prefix + "u" + (i % users)}. */
    static void auditEvents(DataSource ds, JdbcDialect dialect, String prefix, int count, int users, Instant from)
            throws SQLException {
        String at = dialect == JdbcDialect.POSTGRESQL
                ? "CAST(? AS TIMESTAMP WITH TIME ZONE) + r.x * INTERVAL '1 second'"
                : "DATEADD(SECOND, r.x, CAST(? AS TIMESTAMP WITH TIME ZONE))";
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO portcullis_audit_events (id, event_type, occurred_at,"
                     + " outcome, user_id, username, session_id, client_ip, user_agent, reason)"
                     + " SELECT CAST(? AS VARCHAR(64)) || CAST(r.x AS VARCHAR(20)), 'TOKEN_REFRESHED', " + at + ", 'SUCCESS',"
                     + " CAST(? AS VARCHAR(64)) || CAST(MOD(r.x, ?) AS VARCHAR(20)), 'seeded', NULL, '', '', '' FROM "
                     + range(dialect).replace("?", "?"))) {
            ps.setString(1, prefix);
            ps.setObject(2, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setString(3, prefix + "u");
            ps.setInt(4, users);
            ps.setInt(5, count);
            ps.executeUpdate();
        }
    }

    private static String range(JdbcDialect dialect) {
        return dialect == JdbcDialect.POSTGRESQL ? "generate_series(1, ?) AS r(x)" : "SYSTEM_RANGE(1, ?) AS r";
    }
}
