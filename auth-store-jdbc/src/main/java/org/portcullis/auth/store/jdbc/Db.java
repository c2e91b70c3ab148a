package org.portcullis.auth.store.jdbc;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Update;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * What every JDBC store shares: the Jdbi instance, the dialect, exception translation and the
 * encoding of times and role sets.
 *
 * <p>Transactions: Jdbi keeps the handle of an open {@code withHandle}/{@code inTransaction}
 * call in a per-thread scope, and a nested call on the same thread gets that same handle; a
 * nested {@code Handle.inTransaction} on a handle already in a transaction simply runs its
 * callback. So a store method called inside {@link JdbcTransactions#inTransaction} joins the
 * outer transaction without any bookkeeping here (checked for Jdbi 3.55 by the tests).
 */
final class Db {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Db.class);

    private final Jdbi jdbi;
    private final JdbcDialect dialect;
    private final boolean notify;

    /**
     * @param notify whether revoking writes announce themselves on the invalidation channel
     *               ({@code pg_notify}); only honoured on PostgreSQL
     */
    Db(Jdbi jdbi, JdbcDialect dialect, boolean notify) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.notify = notify && dialect == JdbcDialect.POSTGRESQL;
    }

    JdbcDialect dialect() {
        return dialect;
    }

    /** Runs {@code work} on this thread's handle (opening one if none is open), without a transaction of its own. */
    <T> T withHandle(String operation, HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            throw translate(operation, e);
        }
    }

    /** Runs {@code work} in a transaction, joining the one already open on this thread, if any. */
    <T> T inTransaction(String operation, HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.inTransaction(work);
        } catch (JdbiException e) {
            throw translate(operation, e);
        }
    }

    /**
     * Announces {@code payload} (see {@link InvalidationMessages}) to every node listening, on
     * {@code h}, inside the transaction of the write it describes: PostgreSQL delivers a
     * notification only when its transaction commits, and never when it rolls back, so no node
     * hears of a revocation that did not happen, nor before it can read it. Nothing on H2, or
     * when the feed is switched off.
     */
    void announce(Handle h, String payload) {
        if (notify) {
            h.createQuery("SELECT 1 FROM (SELECT pg_notify(:channel, :payload)) n")
                    .bind("channel", InvalidationMessages.CHANNEL)
                    .bind("payload", payload)
                    .mapTo(Integer.class)
                    .one();
        }
    }

    /**
     * Turns a Jdbi failure into the API's {@link StoreUnavailableException}.
     *
     * <p>Neither message nor cause carries the driver's text: Jdbi and the drivers put bound
     * parameters (token hashes) and row values into their messages. The cause is a stand-in
     * that keeps the SQLState, the driver's exception class and its stack trace for logs.
     */
    static StoreUnavailableException translate(String operation, JdbiException e) {
        SQLException sql = findSqlException(e);
        String state = sql == null ? null : sql.getSQLState();
        // Only the operation and the SQLState: the driver's message may quote bound values.
        LOG.debug("{} failed: SQLState {}, {}", operation, state, sql == null ? e.getClass().getName() : sql.getClass().getName());
        return new StoreUnavailableException(operation + " failed" + (state == null ? "" : " (SQLState " + state + ")"),
                redacted(e, sql));
    }

    /**
     * Inserts one row unless a unique key is taken, without failing the surrounding transaction:
     * PostgreSQL aborts a whole transaction on an error, so there the conflict is declared in the
     * statement ({@code ON CONFLICT DO NOTHING}); H2 fails only the statement, so there the
     * unique violation (SQLState 23505) is caught.
     *
     * @return 1 if inserted, 0 if a unique key was taken
     */
    int insertIfAbsent(Handle h, String insertSql, java.util.function.Consumer<Update> binder) {
        if (dialect == JdbcDialect.POSTGRESQL) {
            Update u = h.createUpdate(insertSql + " ON CONFLICT DO NOTHING");
            binder.accept(u);
            return u.execute();
        }
        try {
            Update u = h.createUpdate(insertSql);
            binder.accept(u);
            return u.execute();
        } catch (JdbiException e) {
            if (isUniqueViolation(e)) {
                return 0;
            }
            throw e;
        }
    }

    static boolean isUniqueViolation(JdbiException e) {
        SQLException sql = findSqlException(e);
        return sql != null && "23505".equals(sql.getSQLState());
    }

    private static SQLException findSqlException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    private static Throwable redacted(JdbiException e, SQLException sql) {
        Throwable source = sql != null ? sql : e;
        SQLException stand = new SQLException("[driver message redacted] " + source.getClass().getName()
                + (sql == null ? " from " + e.getClass().getName() : ""),
                sql == null ? null : sql.getSQLState(), sql == null ? 0 : sql.getErrorCode());
        stand.setStackTrace(source.getStackTrace());
        return stand;
    }

    // ---- times: stored as TIMESTAMP WITH TIME ZONE in UTC, truncated to microseconds (PostgreSQL's precision).
    // Truncation only moves an instant earlier, so a stored expiry never outlives the real one.

    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(instant(rs, column));
    }

    // ---- role sets: sorted, each name percent-encoded, joined with commas ("admin,user"), so any name round-trips.

    static String encodeRoles(Set<String> roles) {
        return roles.stream().sorted()
                .map(r -> URLEncoder.encode(r, StandardCharsets.UTF_8))
                .collect(Collectors.joining(","));
    }

    static Set<String> decodeRoles(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Set.of();
        }
        return Arrays.stream(encoded.split(",", -1))
                .map(r -> URLDecoder.decode(r, StandardCharsets.UTF_8))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Cuts free text from a client to the column's width rather than fail the write. */
    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** Used by the tests and health checks: a trivial round trip. */
    void ping(String operation) {
        withHandle(operation, (Handle h) -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
    }
}
