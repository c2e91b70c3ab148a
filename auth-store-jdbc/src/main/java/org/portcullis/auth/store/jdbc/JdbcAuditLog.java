package org.portcullis.auth.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jdbi.v3.core.statement.SqlStatement;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.ClientInfo;

/**
 * {@link AuditLog} over table {@code portcullis_audit_events}.
 *
 * <p>Queries page by key set, not by offset: a page ends with the (time, id) of its last event,
 * and the next page starts strictly after it, so a page costs the same however deep it is and
 * events recorded meanwhile never shift a page. Indexes on (time, id), (user, time, id) and
 * (type, time, id) serve each filter. Recording an event whose id is already stored changes
 * nothing (the id de-duplicates). Thread-safe.
 */
final class JdbcAuditLog implements AuditLog {

    private static final String COLUMNS = "id, event_type, occurred_at, outcome, user_id, username, session_id,"
            + " client_ip, user_agent, reason";
    private static final String CURSOR_VERSION = "a1";
    /** Width of the {@code reason} column in both schema scripts. */
    static final int MAX_REASON = 200;
    // Purge in two steps of one transaction: choose the oldest ids along the time index, then delete
    // them by primary key. (A single DELETE ... WHERE id IN (SELECT ... LIMIT) lets PostgreSQL pick a
    // hash semi-join over a full scan of the table; the plan test caught it.)
    static final String PURGE_CHOOSE = "SELECT id FROM portcullis_audit_events WHERE occurred_at < :cutoff"
            + " ORDER BY occurred_at FETCH FIRST :limit ROWS ONLY";
    static final String PURGE_DELETE = "DELETE FROM portcullis_audit_events WHERE id = ANY(:ids) AND occurred_at < :cutoff";

    private final Db db;

    JdbcAuditLog(Db db) {
        this.db = db;
    }

    /** The columns of an event's row, in the order {@link #VALUES} names their parameters. */
    static final String INSERT_COLUMNS = "INSERT INTO portcullis_audit_events (" + COLUMNS + ")";
    /** The parameters {@link #bind} sets, one per column of {@link #INSERT_COLUMNS}. */
    static final String VALUES = ":auditId, :auditType, :auditAt, :auditOutcome, :auditUserId, :auditUsername,"
            + " :auditSessionId, :auditIp, :auditUa, :auditReason";

    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        db.inTransaction("audit.record", h -> db.insertIfAbsent(h, INSERT_COLUMNS + " VALUES (" + VALUES + ")",
                u -> bind(u, event)));
    }

    /** Whether this log writes to the database of {@code other}, so that a store there can write its rows. */
    boolean writesTo(Db other) {
        return db == other;
    }

    /**
     * Binds {@code event} to the parameters of {@link #VALUES}: the one place that decides how an
     * event becomes a row, for {@link #record} and for a store that writes the row in a statement
     * of its own ({@code JdbcSessionStore.rotateAndRecord}).
     */
    static <S extends SqlStatement<S>> S bind(S statement, AuditEvent event) {
        return statement.bind("auditId", event.id())
                .bind("auditType", event.type().name())
                .bind("auditAt", Db.ts(event.at()))
                .bind("auditOutcome", event.outcome().name())
                .bind("auditUserId", event.userId().orElse(null))
                .bind("auditUsername", event.username().map(n -> Db.clip(n, JdbcUserStore.MAX_USERNAME)).orElse(null))
                .bind("auditSessionId", event.sessionId().orElse(null))
                .bind("auditIp", Db.clip(event.clientIp(), 255))
                .bind("auditUa", Db.clip(event.userAgent(), ClientInfo.MAX_USER_AGENT_LENGTH))
                // Cut to the column rather than fail the write (and with it the request) on PostgreSQL.
                .bind("auditReason", Db.clip(event.reason(), MAX_REASON));
    }

    @Override
    public AuditPage query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        Optional<Cursor> after = query.cursor().map(Cursor::parse);
        String sql = querySql(query);
        List<AuditEvent> rows = db.withHandle("audit.query", h -> {
            // One row more than asked tells whether a next page exists.
            var q = h.createQuery(sql).bind("limit", query.limit() + 1);
            query.userId().ifPresent(u -> q.bind("userId", u));
            if (!query.types().isEmpty()) {
                q.bindList("types", query.types().stream().map(Enum::name).sorted().toList());
            }
            query.from().ifPresent(f -> q.bind("from", Db.ts(f)));
            query.to().ifPresent(t -> q.bind("to", Db.ts(t)));
            after.ifPresent(c -> q.bind("cursorAt", Db.ts(c.at())).bind("cursorId", c.id()));
            return q.map((rs, ctx) -> map(rs)).list();
        });
        if (rows.size() <= query.limit()) {
            return new AuditPage(rows, Optional.empty());
        }
        List<AuditEvent> page = new ArrayList<>(rows.subList(0, query.limit()));
        AuditEvent last = page.get(page.size() - 1);
        return new AuditPage(page, Optional.of(new Cursor(last.at(), last.id()).encode()));
    }

    /** The statement {@link #query} runs for {@code query}: only the filters it uses, so each can use its index. */
    static String querySql(AuditQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM portcullis_audit_events WHERE 1 = 1");
        query.userId().ifPresent(u -> sql.append(" AND user_id = :userId"));
        if (!query.types().isEmpty()) {
            sql.append(" AND event_type IN (<types>)");
        }
        query.from().ifPresent(f -> sql.append(" AND occurred_at >= :from"));
        query.to().ifPresent(t -> sql.append(" AND occurred_at < :to"));
        query.cursor().ifPresent(c -> sql.append(" AND (occurred_at, id) > (:cursorAt, :cursorId)"));
        return sql.append(" ORDER BY occurred_at, id FETCH FIRST :limit ROWS ONLY").toString();
    }

    @Override
    public int purge(Instant cutoff, int limit) {
        Objects.requireNonNull(cutoff, "cutoff");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        // At most `limit` rows, oldest first, in one short transaction (keycloak#47016, #20073).
        return db.inTransaction("audit.purge", h -> {
            List<String> ids = h.createQuery(PURGE_CHOOSE)
                    .bind("cutoff", Db.ts(cutoff))
                    .bind("limit", limit)
                    .mapTo(String.class)
                    .list();
            if (ids.isEmpty()) {
                return 0;
            }
            return h.createUpdate(PURGE_DELETE)
                    .bindArray("ids", String.class, ids)
                    .bind("cutoff", Db.ts(cutoff))
                    .execute();
        });
    }

    private static AuditEvent map(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getString("id"), AuditEventType.valueOf(rs.getString("event_type")),
                Db.instant(rs, "occurred_at"), AuditEvent.Outcome.valueOf(rs.getString("outcome")),
                Optional.ofNullable(rs.getString("user_id")), Optional.ofNullable(rs.getString("username")),
                Optional.ofNullable(rs.getString("session_id")), rs.getString("client_ip"), rs.getString("user_agent"),
                rs.getString("reason"));
    }

    /** Where a page ended: the (time, id) of its last event, as opaque base64url text. */
    record Cursor(Instant at, String id) {

        String encode() {
            String raw = CURSOR_VERSION + "|" + at.getEpochSecond() + "|" + at.getNano() + "|" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String cursor) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                String[] parts = raw.split("\\|", 4);
                if (parts.length != 4 || !parts[0].equals(CURSOR_VERSION)) {
                    throw new IllegalArgumentException("malformed audit cursor");
                }
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(parts[1]), Integer.parseInt(parts[2])), parts[3]);
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                throw new IllegalArgumentException("malformed audit cursor");
            }
        }
    }
}
