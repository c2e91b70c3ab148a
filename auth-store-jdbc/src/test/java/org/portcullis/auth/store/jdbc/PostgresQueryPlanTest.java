package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.ClientInfo;

/**
 * The hot queries' PostgreSQL plans use an index, on tables big enough (and analysed) for the
 * planner to prefer one when it exists: 20,000 sessions of 2,000 users, 20,000 audit events and
 * 20,000 attempt counters.
 * Each test explains the very statement the store runs. The plans are also written to
 * {@code target/postgresql-query-plans.md} for the README.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("PostgreSQL query plans")
class PostgresQueryPlanTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final Map<String, List<String>> PLANS = new LinkedHashMap<>();

    private Backend backend;
    private Jdbi jdbi;

    @BeforeAll
    void seed() throws SQLException {
        backend = Backend.of(Backend.Kind.POSTGRESQL, 4);
        Seeder.sessions(backend.dataSource, JdbcDialect.POSTGRESQL, "live", 19_800, 2_000, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(1)));
        Seeder.sessions(backend.dataSource, JdbcDialect.POSTGRESQL, "gone", 200, 100, NOW.minus(Duration.ofDays(9)),
                NOW.minus(Duration.ofDays(2)));
        Seeder.auditEvents(backend.dataSource, JdbcDialect.POSTGRESQL, "ev", 20_000, 2_000, NOW.minus(Duration.ofDays(30)));
        try (Connection c = backend.dataSource.getConnection(); Statement s = c.createStatement()) {
            // 20,000 attempt counters whose windows close over the hour after NOW.
            s.execute("INSERT INTO portcullis_attempts (attempt_key, failures, window_start, window_end, last_failure)"
                    + " SELECT 'ip:' || x, 1, TIMESTAMPTZ '2026-06-01 00:00:00Z',"
                    + " TIMESTAMPTZ '2026-06-01 00:00:00Z' + (x % 3600) * INTERVAL '1 second',"
                    + " TIMESTAMPTZ '2026-06-01 00:00:00Z' FROM generate_series(1, 20000) AS g(x)");
            s.execute("ANALYZE");
        }
        jdbi = Jdbi.create(backend.dataSource);
    }

    @AfterAll
    void writePlans() throws IOException {
        StringBuilder md = new StringBuilder();
        PLANS.forEach((name, plan) -> md.append("**").append(name).append("**\n\n```\n")
                .append(String.join("\n", plan)).append("\n```\n\n"));
        Files.writeString(Path.of("target", "postgresql-query-plans.md"), md);
        backend.close();
    }

    private static OffsetDateTime ts(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private List<String> explain(String name, String sql, java.util.function.Consumer<org.jdbi.v3.core.statement.SqlStatement<?>> binder) {
        List<String> plan = jdbi.withHandle((Handle h) -> {
            var q = h.createQuery("EXPLAIN " + sql);
            binder.accept(q);
            return q.mapTo(String.class).list();
        });
        PLANS.put(name, plan);
        return plan;
    }

    private static void assertIndexed(List<String> plan, String table) {
        String text = String.join("\n", plan);
        assertThat(text).contains("Index").doesNotContain("Seq Scan on " + table);
    }

    @Test
    @DisplayName("finding a session by refresh-token hash uses the hash's primary key and the session's")
    void byHash() {
        List<String> plan = explain("find by refresh-token hash (SessionStore.findByRefreshTokenHash)",
                JdbcSessionStore.FIND_BY_HASH, q -> q.bind("hash", "liveh123"));
        assertIndexed(plan, "portcullis_refresh_tokens");
        assertThat(String.join("\n", plan)).contains("portcullis_refresh_tokens_pkey").contains("portcullis_sessions_pkey");
    }

    @Test
    @DisplayName("the rotation's conditional UPDATE finds its row by primary key")
    void rotate() {
        List<String> plan = explain("rotate (SessionStore.rotate, the compare-and-set)", JdbcSessionStore.ROTATE,
                q -> q.bind("newHash", "n").bind("now", ts(NOW)).bind("idle", ts(NOW.plusSeconds(60)))
                        .bind("renewCheckBefore", ts(NOW.plusSeconds(30))).bind("id", "live123").bind("expected", "liveh123"));
        assertIndexed(plan, "portcullis_sessions");
        assertThat(String.join("\n", plan)).contains("portcullis_sessions_pkey");
        List<String> retire = explain("retire the old hash (SessionStore.rotate, same transaction)",
                JdbcSessionStore.RETIRE_TOKEN, q -> q.bind("now", ts(NOW)).bind("expected", "liveh123"));
        assertIndexed(retire, "portcullis_refresh_tokens");
    }

    @Test
    @DisplayName("the one-statement rotation the store runs on PostgreSQL reads both tables by primary key only")
    void rotateInOne() {
        List<String> plan = explain("rotate in one statement (SessionStore.rotate on PostgreSQL: compare-and-set,"
                        + " retire the old hash, insert the new one)", JdbcSessionStore.ROTATE_IN_ONE,
                q -> q.bind("newHash", "n").bind("now", ts(NOW)).bind("idle", ts(NOW.plusSeconds(60)))
                        .bind("renewCheckBefore", ts(NOW.plusSeconds(30))).bind("id", "live123").bind("expected", "liveh123"));
        assertIndexed(plan, "portcullis_sessions");
        assertThat(String.join("\n", plan)).contains("portcullis_sessions_pkey").contains("portcullis_refresh_tokens_pkey")
                .doesNotContain("Seq Scan");
    }

    @Test
    @DisplayName("the rotation that writes its audit row too reads both session tables by primary key only")
    void rotateRecorded() {
        AuditEvent event = AuditEvent.builder(AuditEventType.TOKEN_REFRESHED, NOW)
                .client(new ClientInfo("192.0.2.1", "plan")).user("liveu7", "alice").session("live123")
                .reason("generation=1").build();
        List<String> plan = explain("rotate and record in one statement (SessionStore.rotateAndRecord on PostgreSQL:"
                        + " compare-and-set, retire the old hash, insert the new one, insert the audit row)",
                JdbcSessionStore.ROTATE_RECORDED,
                q -> JdbcAuditLog.bind((Query) q, event).bind("newHash", "n").bind("now", ts(NOW))
                        .bind("idle", ts(NOW.plusSeconds(60))).bind("renewCheckBefore", ts(NOW.plusSeconds(30)))
                        .bind("id", "live123").bind("expected", "liveh123"));
        assertIndexed(plan, "portcullis_sessions");
        assertThat(String.join("\n", plan)).contains("portcullis_sessions_pkey").contains("portcullis_refresh_tokens_pkey")
                .contains("portcullis_audit_events").doesNotContain("Seq Scan");
    }

    @Test
    @DisplayName("finding a session by id uses the primary key")
    void find() {
        assertIndexed(explain("find session (SessionStore.find)", JdbcSessionStore.FIND, q -> q.bind("id", "live42")),
                "portcullis_sessions");
    }

    @Test
    @DisplayName("listing a user's sessions uses the (user, created) index")
    void byUser() {
        List<String> plan = explain("list a user's active sessions (SessionStore.findActiveByUser)",
                JdbcSessionStore.ACTIVE_BY_USER, q -> q.bind("userId", "liveu7").bind("now", ts(NOW)));
        assertIndexed(plan, "portcullis_sessions");
        assertThat(String.join("\n", plan)).contains("portcullis_sessions_user_ix");
    }

    @Test
    @DisplayName("choosing a purge batch uses the purge-check and revocation indexes, and deleting it the keys")
    void purge() {
        List<String> expired = explain("purge: choose sessions due for a check (SessionStore.purge)", JdbcSessionStore.PURGE_DUE,
                q -> q.bind("now", ts(NOW)).bind("limit", 1000));
        assertIndexed(expired, "portcullis_sessions");
        assertThat(String.join("\n", expired)).contains("portcullis_sessions_purge_check_ix");
        List<String> revoked = explain("purge: choose long-revoked sessions (SessionStore.purge)", JdbcSessionStore.PURGE_REVOKED,
                q -> q.bind("now", ts(NOW)).bind("revokedBefore", ts(NOW.minus(Duration.ofDays(1)))).bind("limit", 1000));
        assertIndexed(revoked, "portcullis_sessions");
        assertThat(String.join("\n", revoked)).contains("portcullis_sessions_revoked_ix");
        List<String> ids = List.of("gone1", "gone2", "gone3");
        List<String> lock = explain("purge: lock the chosen sessions in id order (SessionStore.purge)",
                JdbcSessionStore.PURGE_LOCK, q -> q.bindArray("ids", String.class, ids).bind("now", ts(NOW))
                        .bind("revokedBefore", ts(NOW.minus(Duration.ofDays(1)))));
        assertIndexed(lock, "portcullis_sessions");
        assertLocksAfterSorting(lock);
        assertIndexed(explain("purge: move on the check time of live sessions among them", JdbcSessionStore.PURGE_RECHECK_LATER,
                q -> q.bindArray("ids", String.class, ids).bind("now", ts(NOW))), "portcullis_sessions");
        assertIndexed(explain("purge: delete the batch's hashes", JdbcSessionStore.PURGE_TOKENS,
                q -> q.bindArray("ids", String.class, ids)), "portcullis_refresh_tokens");
        assertIndexed(explain("purge: delete the batch's sessions", JdbcSessionStore.PURGE_SESSIONS,
                q -> q.bindArray("ids", String.class, ids)), "portcullis_sessions");
    }

    @Test
    @DisplayName("revoking all of a user's sessions chooses them along the user index and locks them by key in id order")
    void revokeAll() {
        List<String> choose = explain("revoke all: choose the user's sessions (SessionStore.revokeAll)",
                JdbcSessionStore.REVOKE_ALL_CHOOSE, q -> q.bind("userId", "liveu7"));
        assertIndexed(choose, "portcullis_sessions");
        assertThat(String.join("\n", choose)).contains("portcullis_sessions_user_ix");
        List<String> ids = List.of("live7", "live2007", "live4007");
        List<String> lock = explain("revoke all: lock them in id order", JdbcSessionStore.REVOKE_ALL_LOCK,
                q -> q.bindArray("ids", String.class, ids));
        assertIndexed(lock, "portcullis_sessions");
        assertLocksAfterSorting(lock);
        assertIndexed(explain("revoke all: revoke them", JdbcSessionStore.REVOKE_ALL_UPDATE,
                q -> q.bindArray("ids", String.class, ids).bind("now", ts(NOW)).bind("reason", "LOGOUT_ALL")),
                "portcullis_sessions");
    }

    /**
     * LockRows is the plan's top node, so rows are locked as they leave the ORDER BY id beneath it
     * (a Sort, or the primary key's scan, which already returns them in id order), whatever order
     * an index returned them in.
     */
    private static void assertLocksAfterSorting(List<String> plan) {
        assertThat(plan.get(0)).startsWith("LockRows");
        assertThat(String.join("\n", plan)).containsAnyOf("Sort Key: id", "Index Scan using portcullis_sessions_pkey");
    }

    @Test
    @DisplayName("an audit query by user and the audit purge use the audit indexes")
    void audit() {
        AuditQuery byUser = AuditQuery.all().forUser("evu5").between(NOW.minus(Duration.ofDays(30)), NOW).limit(100);
        List<String> query = explain("audit page by user and time (AuditLog.query)", JdbcAuditLog.querySql(byUser),
                q -> q.bind("userId", "evu5").bind("from", ts(byUser.from().orElseThrow()))
                        .bind("to", ts(byUser.to().orElseThrow())).bind("limit", 101));
        assertIndexed(query, "portcullis_audit_events");
        assertThat(String.join("\n", query)).contains("portcullis_audit_user_ix");
        List<String> purge = explain("audit purge: choose a batch (AuditLog.purge)", JdbcAuditLog.PURGE_CHOOSE,
                q -> q.bind("cutoff", ts(NOW.minus(Duration.ofDays(29)))).bind("limit", 1000));
        assertIndexed(purge, "portcullis_audit_events");
        assertThat(String.join("\n", purge)).contains("portcullis_audit_time_ix");
        assertIndexed(explain("audit purge: delete the batch", JdbcAuditLog.PURGE_DELETE,
                q -> q.bindArray("ids", String.class, List.of("ev1", "ev2")).bind("cutoff", ts(NOW))),
                "portcullis_audit_events");
    }

    @Test
    @DisplayName("counting a failed attempt is an upsert on the key's primary key")
    void attempts() {
        List<String> plan = explain("count a failed attempt (AttemptStore.recordFailure)", JdbcAttemptStore.PG_UPSERT,
                q -> q.bind("key", "user:alice").bind("now", ts(NOW)).bind("end", ts(NOW.plusSeconds(900))));
        assertThat(String.join("\n", plan)).contains("Conflict Arbiter Indexes: portcullis_attempts_pkey");
        assertIndexed(explain("attempt purge: choose a batch (AttemptStore.purge)", JdbcAttemptStore.PURGE_CHOOSE,
                q -> q.bind("now", ts(NOW.plusSeconds(60))).bind("limit", 1000)), "portcullis_attempts");
    }

    @Test
    @DisplayName("a login's reads and resets of its counters and its session count use the primary key and the user index")
    void login() {
        List<String> keys = List.of("user:alice", "ip:17", "pair:17|alice", "account:alice", "global:failures");
        assertIndexed(explain("read every counter of a login attempt (AttemptStore.findAll)", JdbcAttemptStore.PG_FIND_ALL,
                q -> q.bindArray("keys", String.class, keys).bind("now", ts(NOW))), "portcullis_attempts");
        // The driver prepares a statement on the server from its fifth run, and the server may then
        // keep one generic plan, made without the array or the instant: that plan must use the key too.
        List<String> generic = jdbi.withHandle((Handle h) -> {
            h.execute("SET plan_cache_mode = force_generic_plan");
            h.execute("PREPARE find_all(text[], timestamptz) AS "
                    + JdbcAttemptStore.PG_FIND_ALL.replace(":keys", "$1").replace(":now", "$2"));
            List<String> p = h.createQuery("EXPLAIN EXECUTE find_all('{user:alice,ip:17}', TIMESTAMPTZ '2026-06-01 00:00:00Z')")
                    .mapTo(String.class).list();
            h.execute("DEALLOCATE find_all");
            h.execute("RESET plan_cache_mode");
            return p;
        });
        PLANS.put("read every counter of a login attempt, generic plan of the prepared statement", generic);
        assertThat(String.join("\n", generic)).contains("Index Scan using portcullis_attempts_pkey").doesNotContain("Seq Scan")
                .doesNotContain("portcullis_attempts_window_end_ix");
        assertIndexed(explain("reset a successful login's counters (AttemptStore.resetAll)", JdbcAttemptStore.PG_RESET_ALL,
                q -> q.bindArray("keys", String.class, keys.subList(2, 4))), "portcullis_attempts");
        List<String> count = explain("count a user's active sessions (SessionStore.countActiveByUser)",
                JdbcSessionStore.COUNT_ACTIVE_BY_USER, q -> q.bind("userId", "liveu7").bind("now", ts(NOW)));
        assertIndexed(count, "portcullis_sessions");
        assertThat(String.join("\n", count)).contains("portcullis_sessions_user_ix");
    }
}
