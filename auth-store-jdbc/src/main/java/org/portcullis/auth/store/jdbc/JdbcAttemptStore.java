package org.portcullis.auth.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * {@link AttemptStore} over table {@code portcullis_attempts}, one row per key and window.
 *
 * <p>Thread-safe, and {@link #recordFailure} is atomic across nodes: on PostgreSQL it is one
 * {@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING} statement; on H2 it is an
 * {@code UPDATE} of the row (which takes the row lock, so concurrent increments queue up and
 * none is lost), and when no row exists an {@code INSERT}, retried as an update if another
 * caller inserted first.
 */
final class JdbcAttemptStore implements AttemptStore {

    /** Width of the key column; longer keys are stored as a digest ({@link #column}). */
    static final int MAX_KEY = 1024;

    private static final String RETURNED = "attempt_key, failures, window_start, window_end, last_failure";

    // Inside SET every column reference reads the row as it was before this statement (SQL standard),
    // so the CASE tests below all see the old window_end.
    private static final String INCREMENT = "failures = CASE WHEN %1$s.window_end > :now THEN %1$s.failures + 1 ELSE 1 END,"
            + " window_start = CASE WHEN %1$s.window_end > :now THEN %1$s.window_start ELSE :now END,"
            + " window_end = CASE WHEN %1$s.window_end > :now THEN %1$s.window_end ELSE :end END,"
            + " last_failure = :now";

    /** PostgreSQL: insert the first failure or count one more, in one atomic statement. */
    static final String PG_UPSERT = "INSERT INTO portcullis_attempts AS a (" + RETURNED + ")"
            + " VALUES (:key, 1, :now, :end, :now)"
            + " ON CONFLICT (attempt_key) DO UPDATE SET " + INCREMENT.formatted("a")
            + " RETURNING " + RETURNED;

    /**
     * PostgreSQL: every open counter of a login attempt in one round trip (see {@link #findAll}),
     * one primary-key lookup per key. Not {@code attempt_key = ANY(:keys) AND window_end > :now}:
     * the driver prepares the statement on the server from its fifth run, and the generic plan
     * made then knows neither the array nor the instant, so on a small or unanalysed table it
     * chose a scan of every open counter (all live device records among them) through the
     * window index, about 15 times the time of a lookup. The lateral subquery with its
     * {@code LIMIT 1} (a key has at most one row) is not pulled up into a join, so each key is an
     * index lookup whatever the statistics say.
     */
    static final String PG_FIND_ALL = "SELECT k.i, a." + RETURNED.replace(", ", ", a.")
            + " FROM unnest(CAST(:keys AS VARCHAR[])) WITH ORDINALITY AS k(wanted, i)"
            + " CROSS JOIN LATERAL (SELECT " + RETURNED + " FROM portcullis_attempts"
            + " WHERE attempt_key = k.wanted AND window_end > :now LIMIT 1) a";
    /** PostgreSQL: a successful login's resets in one statement (see {@link #resetAll}). */
    static final String PG_RESET_ALL = "DELETE FROM portcullis_attempts WHERE attempt_key = ANY(:keys)";

    static final String PURGE_CHOOSE = "SELECT attempt_key FROM portcullis_attempts WHERE window_end <= :now"
            + " FETCH FIRST :limit ROWS ONLY";
    static final String PURGE_DELETE = "DELETE FROM portcullis_attempts WHERE attempt_key = ANY(:keys) AND window_end <= :now";

    private static final int H2_ATTEMPTS = 5;

    private final Db db;

    JdbcAttemptStore(Db db) {
        this.db = db;
    }

    @Override
    public AttemptState recordFailure(String key, Instant now, Duration window) {
        AttemptStore.requireFailureArguments(key, now, window);
        String column = column(key);
        Instant end = now.plus(window);
        if (db.dialect() == JdbcDialect.POSTGRESQL) {
            return db.withHandle("attempts.recordFailure", h -> h
                    .createQuery(PG_UPSERT)
                    .bind("key", column)
                    .bind("now", Db.ts(now))
                    .bind("end", Db.ts(end))
                    .map((rs, ctx) -> map(rs, key))
                    .one());
        }
        return db.inTransaction("attempts.recordFailure", h -> {
            for (int attempt = 0; attempt < H2_ATTEMPTS; attempt++) {
                Optional<AttemptState> counted = incrementH2(h, key, column, now, end);
                if (counted.isPresent()) {
                    return counted.get();
                }
                if (db.insertIfAbsent(h, "INSERT INTO portcullis_attempts (" + RETURNED + ")"
                                + " VALUES (:key, 1, :now, :end, :now)",
                        u -> u.bind("key", column).bind("now", Db.ts(now)).bind("end", Db.ts(end))) == 1) {
                    return new AttemptState(key, 1, Db.ts(now).toInstant(), Db.ts(end).toInstant(),
                            Db.ts(now).toInstant());
                }
                // Another caller inserted the row between our update and our insert: count on it.
            }
            throw new StoreUnavailableException("attempts.recordFailure failed: too much contention on one key");
        });
    }

    private Optional<AttemptState> incrementH2(Handle h, String key, String column, Instant now, Instant end) {
        return h.createQuery("SELECT " + RETURNED + " FROM FINAL TABLE (UPDATE portcullis_attempts SET "
                        + INCREMENT.formatted("portcullis_attempts") + " WHERE attempt_key = :key)")
                .bind("key", column)
                .bind("now", Db.ts(now))
                .bind("end", Db.ts(end))
                .map((rs, ctx) -> map(rs, key))
                .findOne();
    }

    @Override
    public Optional<AttemptState> find(String key, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        return db.withHandle("attempts.find", h -> h
                .createQuery("SELECT " + RETURNED + " FROM portcullis_attempts WHERE attempt_key = :key AND window_end > :now")
                .bind("key", column(key))
                .bind("now", Db.ts(now))
                .map((rs, ctx) -> map(rs, key))
                .findOne());
    }

    /**
     * On PostgreSQL one statement ({@link #PG_FIND_ALL}) instead of one per key. H2 runs in this
     * process, so there is no round trip to save: it reads key by key, each by primary key.
     */
    @Override
    public Map<String, AttemptState> findAll(Collection<String> keys, Instant now) {
        if (db.dialect() != JdbcDialect.POSTGRESQL) {
            return AttemptStore.super.findAll(keys, now);
        }
        Map<String, String> byColumn = columns(keys);
        Objects.requireNonNull(now, "now");
        if (byColumn.isEmpty()) {
            return Map.of();
        }
        Map<String, AttemptState> open = new HashMap<>();
        List<String> wanted = List.copyOf(byColumn.keySet());
        // Each row names its key by position in the array sent, not by the text read back: the
        // driver sends a character UTF-8 cannot encode (a lone surrogate) as '?', so the stored
        // key can differ from the caller's string (as it does for find, which answers by the
        // caller's key too).
        db.withHandle("attempts.findAll", h -> h
                .createQuery(PG_FIND_ALL)
                .bindArray("keys", String.class, wanted)
                .bind("now", Db.ts(now))
                .map((rs, ctx) -> map(rs, byColumn.get(wanted.get(rs.getInt("i") - 1))))
                .list())
                .forEach(state -> open.put(state.key(), state));
        return Map.copyOf(open);
    }

    /** On PostgreSQL one statement ({@link #PG_RESET_ALL}) instead of one per key; on H2 (in process) key by key. */
    @Override
    public void resetAll(Collection<String> keys) {
        if (db.dialect() != JdbcDialect.POSTGRESQL) {
            AttemptStore.super.resetAll(keys);
            return;
        }
        Map<String, String> byColumn = columns(keys);
        if (byColumn.isEmpty()) {
            return;
        }
        db.withHandle("attempts.resetAll", h -> h
                .createUpdate(PG_RESET_ALL)
                .bindArray("keys", String.class, byColumn.keySet())
                .execute());
    }

    /** The stored value of each key (see {@link #column}), mapped back to the key it stands for. */
    private static Map<String, String> columns(Collection<String> keys) {
        Objects.requireNonNull(keys, "keys");
        Map<String, String> byColumn = new LinkedHashMap<>();
        for (String key : keys) {
            byColumn.put(column(Objects.requireNonNull(key, "key")), key);
        }
        return byColumn;
    }

    @Override
    public void reset(String key) {
        Objects.requireNonNull(key, "key");
        db.withHandle("attempts.reset", h -> h
                .createUpdate("DELETE FROM portcullis_attempts WHERE attempt_key = :key")
                .bind("key", column(key))
                .execute());
    }

    @Override
    public int purge(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        // Choose along the window_end index, then delete by key, re-checking the window so that a
        // counter reopened in between is kept.
        return db.inTransaction("attempts.purge", h -> {
            List<String> keys = h.createQuery(PURGE_CHOOSE)
                    .bind("now", Db.ts(now))
                    .bind("limit", limit)
                    .mapTo(String.class)
                    .list();
            if (keys.isEmpty()) {
                return 0;
            }
            return h.createUpdate(PURGE_DELETE)
                    .bindArray("keys", String.class, keys)
                    .bind("now", Db.ts(now))
                    .execute();
        });
    }

    /**
     * The value stored for a key. Keys are built from client input (a username, an IP), so one
     * longer than the column is stored as its SHA-256 digest rather than rejected: the same key
     * always maps to the same row, and an oversized input cannot make a login fail.
     */
    static String column(String key) {
        if (key.length() <= MAX_KEY) {
            return key;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "#sha256:" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static AttemptState map(ResultSet rs, String key) throws SQLException {
        return new AttemptState(key, rs.getInt("failures"), Db.instant(rs, "window_start"),
                Db.instant(rs, "window_end"), Db.instant(rs, "last_failure"));
    }
}
