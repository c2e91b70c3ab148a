package org.portcullis.auth.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * {@link SessionStore} over tables {@code portcullis_sessions} (one row per session, holding the
 * current and the previous refresh-token hash) and {@code portcullis_refresh_tokens} (every hash
 * the session has had, so an old one is recognised as reuse).
 *
 * <p>Thread-safe. {@link #rotate} is one conditional {@code UPDATE} (compare-and-set on the current
 * hash, "not revoked" and both expiries), so among concurrent rotations of one hash the database
 * lets exactly one win; the history row of the new hash is written in the same transaction (on
 * PostgreSQL in the same statement, one round trip).
 * Expiry is always compared with the instant passed in, never with the database's clock, and is
 * exclusive: a session is over at its expiry instant.
 */
final class JdbcSessionStore implements SessionStore {

    private static final String COLUMNS = "id, user_id, username, roles, created_at, last_refreshed_at, idle_expires_at,"
            + " absolute_expires_at, client_ip, user_agent, refresh_count, current_hash, previous_hash, rotated_at,"
            + " revoked_at, revocation_reason";


    // The hot statements, named so that the PostgreSQL plan test explains exactly these.
    static final String FIND = "SELECT " + COLUMNS + " FROM portcullis_sessions WHERE id = :id";
    static final String FIND_BY_HASH = "SELECT t.rotated_at AS token_rotated_at, " + prefixed("s")
            + " FROM portcullis_refresh_tokens t JOIN portcullis_sessions s ON s.id = t.session_id"
            + " WHERE t.token_hash = :hash";
    // The purge finds sessions through purge_check_at, an instant at or before the session's
    // expiry (see "Purge check" below), not through the expiry itself. The rotation leaves it
    // alone until it is within half the new idle period of :now (:renewCheckBefore), and then
    // moves it to the new expiry: about once per half idle timeout (3.5 days by default) instead
    // of at every refresh. A rotation that changes no indexed column is a HOT update on
    // PostgreSQL (the new row version stays in its page and no index gets an entry), which is
    // what makes most refreshes cheap; LEAST keeps the check time at or before the expiry even
    // when the idle timeout was shortened.
    static final String ROTATE = "UPDATE portcullis_sessions SET previous_hash = current_hash,"
            + " current_hash = :newHash, rotated_at = :now, refresh_count = refresh_count + 1,"
            + " last_refreshed_at = :now, idle_expires_at = :idle,"
            + " expires_at = LEAST(:idle, absolute_expires_at),"
            + " purge_check_at = CASE WHEN purge_check_at < :renewCheckBefore THEN LEAST(:idle, absolute_expires_at)"
            + " ELSE LEAST(purge_check_at, :idle, absolute_expires_at) END"
            + " WHERE id = :id AND current_hash = :expected AND revoked_at IS NULL"
            + " AND idle_expires_at > :now AND absolute_expires_at > :now";
    static final String RETIRE_TOKEN = "UPDATE portcullis_refresh_tokens SET rotated_at = :now WHERE token_hash = :expected";
    static final String INSERT_TOKEN = "INSERT INTO portcullis_refresh_tokens (token_hash, session_id, issued_at, rotated_at)"
            + " VALUES (:hash, :sessionId, :issuedAt, NULL)";
    // PostgreSQL: the whole rotation in one statement, so one round trip instead of three. The
    // compare-and-set is the first data-modifying CTE (ROTATE itself); the other two act only on
    // what it returned, so when it updates no row (we lost, or the session ended) nothing else is
    // written (PostgreSQL manual, "Data-Modifying Statements in WITH", §7.8.4: the sub-statements
    // share one snapshot and see each other's rows only through RETURNING). Under READ COMMITTED
    // a concurrent rotation of the same row makes this UPDATE wait for it and then re-check its
    // WHERE clause against the committed row (manual §13.2.1), exactly as the standalone UPDATE
    // does, so among concurrent rotations of one hash still exactly one wins.
    // The outer SELECT reports how many sessions rotated and how many token rows were inserted
    // (0 when the new hash is taken: ON CONFLICT, so the transaction is not aborted).
    static final String ROTATE_IN_ONE = "WITH rotated AS (" + ROTATE + " RETURNING id),"
            + " retired AS (UPDATE portcullis_refresh_tokens SET rotated_at = :now WHERE token_hash = :expected"
            + " AND EXISTS (SELECT 1 FROM rotated) RETURNING 1),"
            + " issued AS (INSERT INTO portcullis_refresh_tokens (token_hash, session_id, issued_at)"
            + " SELECT :newHash, id, :now FROM rotated ON CONFLICT DO NOTHING RETURNING 1)"
            + " SELECT (SELECT COUNT(*) FROM rotated) AS rotated, (SELECT COUNT(*) FROM issued) AS issued,"
            + " (SELECT COUNT(*) FROM retired) AS retired";
    static final String INSERT_SESSION = "INSERT INTO portcullis_sessions (id, user_id, username, roles,"
            + " created_at, last_refreshed_at, idle_expires_at, absolute_expires_at, expires_at, purge_check_at,"
            + " client_ip, user_agent, refresh_count, current_hash, previous_hash, rotated_at, revoked_at,"
            + " revocation_reason)"
            + " VALUES (:id, :userId, :username, :roles, :createdAt, :lastRefreshedAt, :idle, :absolute, :expires,"
            + " :expires, :ip, :ua, :count, :hash, NULL, NULL, :revokedAt, :reason)";
    // PostgreSQL, when the engine's audit sink is this database's own log: the session, its first
    // hash and the login's audit row in one statement, instead of three. The hash and the event
    // are written only from what the session insert returned, so a session id already taken
    // writes nothing; a hash already taken leaves the session row, and the caller's transaction
    // (see createAndRecord) is rolled back by the exception that follows. The foreign key of the
    // hash's row is checked at the end of the statement, when the session row exists.
    static final String CREATE_RECORDED = "WITH created AS (" + INSERT_SESSION + " ON CONFLICT DO NOTHING RETURNING id),"
            + " issued AS (INSERT INTO portcullis_refresh_tokens (token_hash, session_id, issued_at)"
            + " SELECT :hash, id, :lastRefreshedAt FROM created ON CONFLICT DO NOTHING RETURNING 1),"
            + " recorded AS (" + JdbcAuditLog.INSERT_COLUMNS + " SELECT " + JdbcAuditLog.VALUES
            + " FROM created ON CONFLICT DO NOTHING RETURNING 1)"
            + " SELECT (SELECT COUNT(*) FROM created) AS created, (SELECT COUNT(*) FROM issued) AS issued";
    // PostgreSQL, when the engine's audit sink is this database's own log: ROTATE_IN_ONE's three
    // writes and the audit event's row in one statement, run outside any transaction, so that the
    // statement is the transaction (one round trip; no separate INSERT for the event, no COMMIT).
    // A statement in autocommit mode is atomic on its own: all its sub-statements commit, or none.
    // The event's row is written only from what the compare-and-set returned, like the token rows.
    // The new hash is inserted WITHOUT "ON CONFLICT": with no transaction to roll back, a hash
    // already taken must fail the whole statement (unique violation), so that nothing of it stays.
    // The event's row keeps ON CONFLICT DO NOTHING: an id already stored changes nothing, exactly
    // as JdbcAuditLog.record (and it is the only other unique key the statement writes).
    static final String ROTATE_RECORDED = "WITH rotated AS (" + ROTATE + " RETURNING id),"
            + " retired AS (UPDATE portcullis_refresh_tokens SET rotated_at = :now WHERE token_hash = :expected"
            + " AND EXISTS (SELECT 1 FROM rotated) RETURNING 1),"
            + " issued AS (INSERT INTO portcullis_refresh_tokens (token_hash, session_id, issued_at)"
            + " SELECT :newHash, id, :now FROM rotated RETURNING 1),"
            + " recorded AS (" + JdbcAuditLog.INSERT_COLUMNS + " SELECT " + JdbcAuditLog.VALUES
            + " FROM rotated ON CONFLICT DO NOTHING RETURNING 1)"
            + " SELECT COUNT(*) AS rotated FROM rotated";
    /** A user's sessions that are active at {@code :now}. */
    private static final String ACTIVE_OF_USER = " FROM portcullis_sessions WHERE user_id = :userId"
            + " AND revoked_at IS NULL AND idle_expires_at > :now AND absolute_expires_at > :now";
    static final String ACTIVE_BY_USER = "SELECT " + COLUMNS + ACTIVE_OF_USER + " ORDER BY created_at, id";
    /** The same sessions as {@link #ACTIVE_BY_USER}, counted in the server: the per-user limit check at each login. */
    static final String COUNT_ACTIVE_BY_USER = "SELECT COUNT(*)" + ACTIVE_OF_USER;
    // Lock order. Every statement that locks more than one session row (the purge batch and
    // revokeAll) first chooses its rows without locking them, along whichever index serves the
    // choice, and then locks them by primary key in ascending id order (the ids sorted here
    // and ORDER BY id in the locking SELECT). Two such callers therefore queue for their common
    // rows in the same order and cannot deadlock. Choosing and locking in one statement took
    // the locks in index order, which differs per statement (expiry for the purge, user and
    // creation for revokeAll), and PostgreSQL (or H2) then aborted one of them as a deadlock.
    // The locking SELECT re-checks its condition, so a row changed in between drops out.

    // Purge check. purge_check_at is never after the session's expiry, so "purge_check_at <= now"
    // along its index finds every expired session; it may also find a live one whose check time
    // has passed (refreshed since, but not yet moved on by a rotation: idle for more than half the
    // idle timeout). The purge moves such a session's check time to its expiry instead of deleting
    // it, so it is not met again until then, and chooses again, up to MAX_PURGE_ROUNDS times: live
    // sessions in front of expired ones do not end a batch early. Only the first round waits for
    // locks; the later ones skip rows another transaction holds (SKIP LOCKED), because their ids
    // may sort before rows the earlier rounds already locked, and waiting for them could close a
    // cycle with a revokeAll that locked in id order (see "Lock order"). A skipped row waits for
    // the next call.
    //
    // Two choosing queries rather than one with OR: each walks its own index on both databases
    // (H2 answers an OR with a full scan, which made each batch cost as much as the whole table).
    static final String PURGE_DUE = "SELECT id FROM portcullis_sessions"
            + " WHERE purge_check_at <= :now FETCH FIRST :limit ROWS ONLY";
    static final String PURGE_REVOKED = "SELECT id FROM portcullis_sessions"
            + " WHERE revoked_at <= :revokedBefore AND expires_at > :now FETCH FIRST :limit ROWS ONLY";
    // By primary key, so the OR costs nothing here. "due" tells a session to delete from a live
    // one whose check time merely passed.
    static final String PURGE_LOCK = "SELECT " + COLUMNS + ", CASE WHEN expires_at <= :now OR revoked_at <= :revokedBefore"
            + " THEN 1 ELSE 0 END AS due FROM portcullis_sessions WHERE id = ANY(:ids)"
            + " AND (purge_check_at <= :now OR revoked_at <= :revokedBefore) ORDER BY id FOR UPDATE";
    static final String PURGE_LOCK_SKIPPING = PURGE_LOCK + " SKIP LOCKED";
    static final String PURGE_RECHECK_LATER = "UPDATE portcullis_sessions SET purge_check_at = expires_at"
            + " WHERE id = ANY(:ids) AND expires_at > :now";
    /**
     * Choosing rounds per purge call at most. A round that meets only live sessions (their check
     * time passed) moves them on and chooses again; the cap keeps one call, and so one
     * transaction, to at most this many times {@code limit} rows even when a great many live
     * sessions are due for a check at once (after the cleanup was off for days).
     */
    static final int MAX_PURGE_ROUNDS = 4;
    static final String REVOKE_ALL_CHOOSE = "SELECT id FROM portcullis_sessions"
            + " WHERE user_id = :userId AND revoked_at IS NULL";
    static final String REVOKE_ALL_LOCK = "SELECT id FROM portcullis_sessions WHERE id = ANY(:ids)"
            + " AND revoked_at IS NULL ORDER BY id FOR UPDATE";
    static final String REVOKE_ALL_UPDATE = "UPDATE portcullis_sessions SET revoked_at = :now,"
            + " revocation_reason = :reason WHERE id = ANY(:ids) AND revoked_at IS NULL";
    static final String PURGE_TOKENS = "DELETE FROM portcullis_refresh_tokens WHERE session_id = ANY(:ids)";
    static final String PURGE_SESSIONS = "DELETE FROM portcullis_sessions WHERE id = ANY(:ids)";

    /** The savepoint of {@link #underSavepoint}; never nested, so one name serves. */
    private static final String REFUSABLE = "portcullis_refusable";

    private final Db db;

    JdbcSessionStore(Db db) {
        this.db = db;
    }

    @Override
    public void create(Session session, String refreshTokenHash) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(refreshTokenHash, "refreshTokenHash");
        db.inTransaction("sessions.create", h -> {
            int inserted = db.insertIfAbsent(h, INSERT_SESSION, u -> bindSession(u, session, refreshTokenHash));
            if (inserted == 0) {
                throw new IllegalArgumentException("a session with this id already exists");
            }
            if (insertToken(h, refreshTokenHash, session.id(), session.lastRefreshedAt()) == 0) {
                // Thrown inside the transaction, so the session row above is rolled back with it.
                throw new IllegalArgumentException("this refresh-token hash is already in use");
            }
            return null;
        });
    }

    /**
     * On PostgreSQL, when {@code audit} is this database's own {@link JdbcAuditLog}: the session,
     * its first hash and the event's row in one statement ({@link #CREATE_RECORDED}), inside the
     * caller's transaction if one is open (a login's), else in one of its own. {@code false} on
     * H2 and for any other sink.
     */
    @Override
    public boolean createAndRecord(Session session, String refreshTokenHash, AuditSink audit, AuditEvent event) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(refreshTokenHash, "refreshTokenHash");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(event, "event");
        if (db.dialect() != JdbcDialect.POSTGRESQL || !(audit instanceof JdbcAuditLog log && log.writesTo(db))) {
            return false;
        }
        db.inTransaction("sessions.create", h -> {
            long[] counts = JdbcAuditLog.bind(bindSession(h.createQuery(CREATE_RECORDED), session, refreshTokenHash), event)
                    .map((rs, ctx) -> new long[] {rs.getLong("created"), rs.getLong("issued")})
                    .one();
            if (counts[0] == 0) {
                throw new IllegalArgumentException("a session with this id already exists");
            }
            if (counts[1] == 0) {
                // Thrown inside the transaction, so the session row and the event are rolled back with it.
                throw new IllegalArgumentException("this refresh-token hash is already in use");
            }
            return null;
        });
        return true;
    }

    /** Binds the parameters of {@link #ROTATE}, which every rotation statement contains. */
    private static <S extends SqlStatement<S>> S bindRotation(S statement, String sessionId, String expectedHash,
                                                              String newHash, Instant now, Instant newIdleExpiresAt) {
        return statement.bind("newHash", newHash)
                .bind("now", Db.ts(now))
                .bind("idle", Db.ts(newIdleExpiresAt))
                .bind("renewCheckBefore", Db.ts(renewCheckBefore(now, newIdleExpiresAt)))
                .bind("id", sessionId)
                .bind("expected", expectedHash);
    }

    /** Binds the parameters of {@link #INSERT_SESSION}. */
    private static <S extends SqlStatement<S>> S bindSession(S statement, Session session, String refreshTokenHash) {
        return statement.bind("id", session.id())
                .bind("userId", session.userId())
                .bind("username", session.username())
                .bind("roles", Db.encodeRoles(session.roles()))
                .bind("createdAt", Db.ts(session.createdAt()))
                .bind("lastRefreshedAt", Db.ts(session.lastRefreshedAt()))
                .bind("idle", Db.ts(session.idleExpiresAt()))
                .bind("absolute", Db.ts(session.absoluteExpiresAt()))
                .bind("expires", Db.ts(session.expiresAt()))
                .bind("ip", Db.clip(session.client().ip(), 255))
                .bind("ua", Db.clip(session.client().userAgent(), ClientInfo.MAX_USER_AGENT_LENGTH))
                .bind("count", session.refreshCount())
                .bind("hash", refreshTokenHash)
                .bind("revokedAt", Db.ts(session.revokedAt().orElse(null)))
                .bind("reason", session.revocationReason().map(Enum::name).orElse(null));
    }

    @Override
    public Optional<Session> find(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        return db.withHandle("sessions.find", h -> h
                .createQuery(FIND)
                .bind("id", sessionId)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public Optional<RefreshTokenMatch> findByRefreshTokenHash(String refreshTokenHash) {
        Objects.requireNonNull(refreshTokenHash, "refreshTokenHash");
        return db.withHandle("sessions.findByRefreshTokenHash", h -> h
                .createQuery(FIND_BY_HASH)
                .bind("hash", refreshTokenHash)
                .map((rs, ctx) -> match(rs, refreshTokenHash))
                .findOne());
    }

    @Override
    public RotationResult rotate(String sessionId, String expectedHash, String newHash, Instant now,
                                 Instant newIdleExpiresAt) {
        SessionStore.requireRotateArguments(sessionId, expectedHash, newHash, now, newIdleExpiresAt);
        if (db.dialect() == JdbcDialect.POSTGRESQL) {
            return rotateInOneStatement(sessionId, expectedHash, newHash, now, newIdleExpiresAt);
        }
        return db.inTransaction("sessions.rotate", h -> {
            // The compare-and-set. Under concurrency the database serialises writers on the row and
            // re-checks the WHERE clause for each (PostgreSQL's READ COMMITTED re-evaluation, H2's row
            // lock), so exactly one caller sees 1 row updated. No read precedes this write.
            int updated = bindRotation(h.createUpdate(ROTATE), sessionId, expectedHash, newHash, now, newIdleExpiresAt)
                    .execute();
            if (updated == 1) {
                h.createUpdate(RETIRE_TOKEN)
                        .bind("now", Db.ts(now))
                        .bind("expected", expectedHash)
                        .execute();
                if (insertToken(h, newHash, sessionId, now) == 0) {
                    throw new IllegalArgumentException("the new refresh-token hash is already in use");
                }
                return RotationResult.ROTATED;
            }
            return lost(h, sessionId, now);
        });
    }

    /** {@link #rotate} on PostgreSQL: {@link #ROTATE_IN_ONE}, then a read only when it did not rotate. */
    private RotationResult rotateInOneStatement(String sessionId, String expectedHash, String newHash, Instant now,
                                                Instant newIdleExpiresAt) {
        return db.inTransaction("sessions.rotate", h -> {
            long[] counts = bindRotation(h.createQuery(ROTATE_IN_ONE), sessionId, expectedHash, newHash, now,
                            newIdleExpiresAt)
                    .map((rs, ctx) -> new long[] {rs.getLong("rotated"), rs.getLong("issued")})
                    .one();
            if (counts[0] == 1) {
                if (counts[1] == 0) {
                    // Thrown inside the transaction (or rotateAndRecord's savepoint), so the rotation
                    // above is rolled back with it.
                    throw new IllegalArgumentException("the new refresh-token hash is already in use");
                }
                return RotationResult.ROTATED;
            }
            return lost(h, sessionId, now);
        });
    }

    /**
     * On PostgreSQL, when {@code audit} is this database's own {@link JdbcAuditLog}: the rotation
     * and the event's row in one statement ({@link #ROTATE_RECORDED}) with no transaction around
     * it, one round trip in all. Called inside a transaction already open on this thread, it joins
     * that transaction and writes as {@link #rotate} and {@link JdbcAuditLog#record} do, under a
     * savepoint (see {@link #underSavepoint}), so that a taken hash neither aborts the caller's
     * transaction nor leaves any of the rotation in it. Empty on H2 and for any other sink.
     */
    @Override
    public Optional<RotationResult> rotateAndRecord(String sessionId, String expectedHash, String newHash,
                                                    Instant now, Instant newIdleExpiresAt, AuditSink audit,
                                                    AuditEvent eventIfRotated) {
        SessionStore.requireRotateArguments(sessionId, expectedHash, newHash, now, newIdleExpiresAt);
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(eventIfRotated, "eventIfRotated");
        if (db.dialect() != JdbcDialect.POSTGRESQL || !(audit instanceof JdbcAuditLog log && log.writesTo(db))) {
            return Optional.empty();
        }
        return Optional.of(db.withHandle("sessions.rotate", h -> {
            if (h.isInTransaction()) {
                return underSavepoint(h, joined -> {
                    RotationResult r = rotateInOneStatement(sessionId, expectedHash, newHash, now, newIdleExpiresAt);
                    if (r == RotationResult.ROTATED) {
                        log.record(eventIfRotated);
                    }
                    return r;
                });
            }
            long rotated;
            try {
                rotated = bindRotation(JdbcAuditLog.bind(h.createQuery(ROTATE_RECORDED), eventIfRotated),
                                sessionId, expectedHash, newHash, now, newIdleExpiresAt)
                        .map((rs, ctx) -> rs.getLong("rotated"))
                        .one();
            } catch (JdbiException e) {
                // The only unique key the statement can break is the new hash's (see ROTATE_RECORDED);
                // the statement failed as a whole, so nothing was written.
                if (Db.isUniqueViolation(e)) {
                    throw new IllegalArgumentException("the new refresh-token hash is already in use");
                }
                throw e;
            }
            return rotated == 1 ? RotationResult.ROTATED : lost(h, sessionId, now);
        }));
    }

    /**
     * Runs {@code work}, a write that may refuse ({@link IllegalArgumentException}: a hash already
     * taken) after it has written part of itself, under a savepoint of the transaction the caller
     * holds, and rolls back to it on refusal: the caller may handle the refusal and go on, and what
     * it then commits holds nothing of the refused write, as the SPI promises (without it, a
     * session would keep as its current hash one whose row belongs to another session).
     */
    private static <T> T underSavepoint(Handle h, HandleCallback<T, RuntimeException> work) {
        h.savepoint(REFUSABLE);
        T result;
        try {
            result = work.withHandle(h);
        } catch (IllegalArgumentException refused) {
            h.rollbackToSavepoint(REFUSABLE);
            throw refused;
        }
        h.releaseSavepoint(REFUSABLE);
        return result;
    }

    /**
     * The rotation moves the purge check time on only when it is earlier than this: halfway from
     * {@code now} to the new idle expiry (see {@link #ROTATE}).
     */
    static Instant renewCheckBefore(Instant now, Instant newIdleExpiresAt) {
        if (!newIdleExpiresAt.isAfter(now)) {
            return newIdleExpiresAt;
        }
        return now.plus(Duration.between(now, newIdleExpiresAt).dividedBy(2));
    }

    /** After a compare-and-set that changed nothing: we lost a race (STALE) or the session has ended (INACTIVE). */
    private static RotationResult lost(Handle h, String sessionId, Instant now) {
        // Nothing is written from here on.
        Optional<Session> current = h.createQuery(FIND)
                .bind("id", sessionId)
                .map((rs, ctx) -> map(rs))
                .findOne();
        return current.filter(s -> s.isActiveAt(Db.ts(now).toInstant()))
                .map(s -> RotationResult.STALE)
                .orElse(RotationResult.INACTIVE);
    }

    @Override
    public boolean revoke(String sessionId, RevocationReason reason, Instant now) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(now, "now");
        return db.inTransaction("sessions.revoke", h -> {
            boolean revoked = h.createUpdate("UPDATE portcullis_sessions SET revoked_at = :now, revocation_reason = :reason"
                            + " WHERE id = :id AND revoked_at IS NULL")
                    .bind("now", Db.ts(now))
                    .bind("reason", reason.name())
                    .bind("id", sessionId)
                    .execute() == 1;
            if (revoked) {
                db.announce(h, InvalidationMessages.session(sessionId));
            }
            return revoked;
        });
    }

    @Override
    public List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> exceptSessionId) {
        SessionStore.requireRevokeAllArguments(userId, reason, now, exceptSessionId);
        // Choose, then lock in id order (see "Lock order" above), then revoke what was locked. The
        // UPDATE re-checks "not revoked" and reports what it changed, so two concurrent calls never
        // both claim the same session.
        String update = db.dialect() == JdbcDialect.POSTGRESQL
                ? REVOKE_ALL_UPDATE + " RETURNING id"
                : "SELECT id FROM FINAL TABLE (" + REVOKE_ALL_UPDATE + ")";
        return db.inTransaction("sessions.revokeAll", h -> {
            List<String> chosen = new ArrayList<>(h.createQuery(REVOKE_ALL_CHOOSE)
                    .bind("userId", userId)
                    .mapTo(String.class)
                    .list());
            exceptSessionId.ifPresent(chosen::remove);
            List<String> locked = lockInIdOrder(h, REVOKE_ALL_LOCK, chosen, q -> { })
                    .mapTo(String.class)
                    .list();
            if (locked.isEmpty()) {
                return List.of();
            }
            List<String> revoked = h.createQuery(update)
                    .bind("now", Db.ts(now))
                    .bind("reason", reason.name())
                    .bindArray("ids", String.class, locked)
                    .mapTo(String.class)
                    .list();
            if (!revoked.isEmpty()) {
                // One message for the user, however many sessions: a list of ids could outgrow a payload.
                db.announce(h, InvalidationMessages.user(userId));
            }
            return revoked;
        });
    }

    @Override
    public List<Session> findActiveByUser(String userId, Instant now) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(now, "now");
        return db.withHandle("sessions.findActiveByUser", h -> h
                .createQuery(ACTIVE_BY_USER)
                .bind("userId", userId)
                .bind("now", Db.ts(now))
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public int countActiveByUser(String userId, Instant now) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(now, "now");
        return db.withHandle("sessions.countActiveByUser", h -> h
                .createQuery(COUNT_ACTIVE_BY_USER)
                .bind("userId", userId)
                .bind("now", Db.ts(now))
                .mapTo(Integer.class)
                .one());
    }

    @Override
    public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
        SessionStore.requirePurgeArguments(now, revokedBefore, limit);
        // One short transaction that deletes at most `limit` sessions and looks at no more than
        // MAX_PURGE_ROUNDS times as many (keycloak#20073: never one giant delete). Each round
        // chooses along the purge-check (then revocation) index and locks in id order (see "Lock
        // order" and "Purge check" above). A round whose candidates were live, or were taken or
        // held by a concurrent caller, is followed by another, so the batch comes back short only
        // when no candidate is left or the rounds ran out; the caller's next run takes the rest.
        return db.inTransaction("sessions.purge", h -> {
            List<Session> purged = new ArrayList<>();
            for (int round = 0; round < MAX_PURGE_ROUNDS && purged.size() < limit; round++) {
                int wanted = limit - purged.size();
                List<String> chosen = choose(h, now, revokedBefore, wanted);
                if (chosen.isEmpty()) {
                    break;
                }
                purged.addAll(purgeChosen(h, round == 0 ? PURGE_LOCK : PURGE_LOCK_SKIPPING, chosen, now, revokedBefore));
                if (chosen.size() < wanted) {
                    // Every candidate there was has been seen: nothing is left for another round.
                    break;
                }
            }
            return purged;
        });
    }

    /** Up to {@code limit} candidates: due for a purge check first, then long revoked. */
    private static List<String> choose(Handle h, Instant now, Instant revokedBefore, int limit) {
        List<String> chosen = new ArrayList<>(h.createQuery(PURGE_DUE)
                .bind("now", Db.ts(now))
                .bind("limit", limit)
                .mapTo(String.class)
                .list());
        if (chosen.size() < limit) {
            chosen.addAll(h.createQuery(PURGE_REVOKED)
                    .bind("revokedBefore", Db.ts(revokedBefore))
                    .bind("now", Db.ts(now))
                    .bind("limit", limit - chosen.size())
                    .mapTo(String.class)
                    .list());
        }
        return chosen;
    }

    /**
     * Locks the chosen sessions in id order (see "Lock order" above), deletes those that have
     * ended with their hashes, moves on the check time of those that have not, and returns the
     * deleted ones. The lock keeps a concurrent rotation from extending a session between
     * deciding and deleting; the locking SELECT drops a row that was extended, moved on or purged
     * by someone else meanwhile.
     */
    private static List<Session> purgeChosen(Handle h, String lockSql, List<String> chosen, Instant now,
                                             Instant revokedBefore) {
        List<Session> ended = new ArrayList<>();
        List<String> live = new ArrayList<>();
        lockInIdOrder(h, lockSql, chosen,
                q -> q.bind("now", Db.ts(now)).bind("revokedBefore", Db.ts(revokedBefore)))
                .map((rs, ctx) -> {
                    Session s = map(rs);
                    if (rs.getInt("due") == 1) {
                        ended.add(s);
                    } else {
                        live.add(s.id());
                    }
                    return s;
                })
                .list();
        if (!live.isEmpty()) {
            // Already locked, in id order, by the SELECT above.
            h.createUpdate(PURGE_RECHECK_LATER)
                    .bindArray("ids", String.class, live)
                    .bind("now", Db.ts(now))
                    .execute();
        }
        if (ended.isEmpty()) {
            return ended;
        }
        List<String> ids = ended.stream().map(Session::id).toList();
        h.createUpdate(PURGE_TOKENS)
                .bindArray("ids", String.class, ids)
                .execute();
        h.createUpdate(PURGE_SESSIONS)
                .bindArray("ids", String.class, ids)
                .execute();
        return ended;
    }

    @Override
    public void ping() {
        db.ping("sessions.ping");
    }

    /**
     * Prepares a locking SELECT over {@code ids} (bound as {@code :ids}, sorted), whose SQL ends in
     * {@code ORDER BY id FOR UPDATE}. PostgreSQL locks the rows as they leave the ORDER BY, so in
     * id order whatever the plan; H2 locks the rows as it reads them, here through the primary key
     * for a sorted list of keys, which every caller passes in the same order.
     */
    private static Query lockInIdOrder(Handle h, String sql, List<String> ids, Consumer<Query> binder) {
        List<String> sorted = ids.stream().distinct().sorted().toList();
        var q = h.createQuery(sql).bindArray("ids", String.class, sorted);
        binder.accept(q);
        return q;
    }

    private int insertToken(Handle h, String hash, String sessionId, Instant issuedAt) {
        return db.insertIfAbsent(h, INSERT_TOKEN,
                u -> u.bind("hash", hash).bind("sessionId", sessionId).bind("issuedAt", Db.ts(issuedAt)));
    }

    private static String prefixed(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    private static RefreshTokenMatch match(ResultSet rs, String hash) throws SQLException {
        Session session = map(rs);
        if (same(hash, rs.getString("current_hash"))) {
            return new RefreshTokenMatch(session, RefreshTokenMatch.State.CURRENT, Optional.empty());
        }
        if (same(hash, rs.getString("previous_hash"))) {
            Instant rotatedAt = Db.instant(rs, "rotated_at");
            return new RefreshTokenMatch(session, RefreshTokenMatch.State.PREVIOUS,
                    Optional.of(rotatedAt != null ? rotatedAt : session.lastRefreshedAt()));
        }
        Instant rotatedAt = Db.instant(rs, "token_rotated_at");
        return new RefreshTokenMatch(session, RefreshTokenMatch.State.RETIRED,
                Optional.of(rotatedAt != null ? rotatedAt : session.lastRefreshedAt()));
    }

    private static boolean same(String a, String b) {
        return b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static Session map(ResultSet rs) throws SQLException {
        String reason = rs.getString("revocation_reason");
        return new Session(rs.getString("id"), rs.getString("user_id"), rs.getString("username"),
                Db.decodeRoles(rs.getString("roles")), Db.instant(rs, "created_at"),
                Db.instant(rs, "last_refreshed_at"), Db.instant(rs, "idle_expires_at"),
                Db.instant(rs, "absolute_expires_at"),
                new ClientInfo(rs.getString("client_ip"), rs.getString("user_agent")), rs.getLong("refresh_count"),
                Db.optionalInstant(rs, "revoked_at"),
                Optional.ofNullable(reason).map(RevocationReason::valueOf));
    }
}
