package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.UserRecord;

@DisplayName("database failures")
class FailureTranslationTest {

    private static final String SECRET = "SECRETHASH0123456789";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A data source whose every connection attempt fails, with a message a careless store would leak. */
    private static final DataSource DOWN = (DataSource) java.lang.reflect.Proxy.newProxyInstance(
            FailureTranslationTest.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                if (method.getName().equals("getConnection")) {
                    throw new SQLException("Connection refused while binding " + SECRET, "08001");
                }
                if (method.getName().equals("toString")) {
                    return "DOWN";
                }
                throw new UnsupportedOperationException(method.getName());
            });

    static Stream<Arguments> everyStoreMethod() {
        Map<String, java.util.function.Consumer<Stores>> calls = new LinkedHashMap<>();
        Session s = Session.start("s", "u", "alice", Set.of(), T0, T0.plusSeconds(60), T0.plusSeconds(120), ClientInfo.UNKNOWN);
        calls.put("users.findByUsername", st -> st.users().findByUsername("alice"));
        calls.put("users.findById", st -> st.users().findById("u"));
        calls.put("users.create", st -> st.users().create(new UserRecord("u", "alice", SECRET, Set.of(), true)));
        calls.put("users.updatePasswordHash", st -> st.users().updatePasswordHash("u", SECRET, SECRET));
        calls.put("users.setEnabled", st -> st.users().setEnabled("u", false));
        calls.put("sessions.create", st -> st.sessions().create(s, SECRET));
        calls.put("sessions.find", st -> st.sessions().find("s"));
        calls.put("sessions.findByRefreshTokenHash", st -> st.sessions().findByRefreshTokenHash(SECRET));
        calls.put("sessions.rotate", st -> st.sessions().rotate("s", SECRET, SECRET + "2", T0, T0.plusSeconds(60)));
        calls.put("sessions.revoke", st -> st.sessions().revoke("s", RevocationReason.LOGOUT, T0));
        calls.put("sessions.revokeAll", st -> st.sessions().revokeAll("u", RevocationReason.LOGOUT_ALL, T0, Optional.empty()));
        calls.put("sessions.findActiveByUser", st -> st.sessions().findActiveByUser("u", T0));
        calls.put("sessions.purge", st -> st.sessions().purge(T0, T0, 10));
        calls.put("sessions.ping", st -> st.sessions().ping());
        calls.put("attempts.recordFailure", st -> st.attempts().recordFailure("k", T0, Duration.ofMinutes(1)));
        calls.put("attempts.find", st -> st.attempts().find("k", T0));
        calls.put("attempts.reset", st -> st.attempts().reset("k"));
        calls.put("attempts.purge", st -> st.attempts().purge(T0, 10));
        calls.put("signingKeys.findAll", st -> st.signingKeys().findAll());
        calls.put("signingKeys.create", st -> st.signingKeys().create(key()));
        calls.put("signingKeys.update", st -> st.signingKeys().update(key()));
        calls.put("signingKeys.purge", st -> st.signingKeys().purge(T0));
        calls.put("audit.record", st -> st.audit().record(AuditEvent.builder(AuditEventType.LOGIN_FAILED, T0).build()));
        calls.put("audit.query", st -> ((org.portcullis.auth.api.AuditLog) st.audit()).query(AuditQuery.all()));
        calls.put("audit.purge", st -> ((org.portcullis.auth.api.AuditLog) st.audit()).purge(T0, 10));
        calls.put("transactions.inTransaction", st -> st.transactions().inTransaction(() -> 1));
        calls.put("sessions.countActiveByUser", st -> st.sessions().countActiveByUser("u", T0));
        // Writes that record their event themselves: on PostgreSQL only, and only with the stores'
        // own log (on H2 they decline without touching the database).
        AuditEvent event = AuditEvent.builder(AuditEventType.TOKEN_REFRESHED, T0).user("u", "alice").session("s")
                .reason(SECRET).build();
        Map<String, java.util.function.Consumer<Stores>> recorded = new LinkedHashMap<>();
        recorded.put("sessions.rotateAndRecord", st -> st.sessions().rotateAndRecord("s", SECRET, SECRET + "2", T0,
                T0.plusSeconds(60), st.audit(), event));
        recorded.put("sessions.createAndRecord", st -> st.sessions().createAndRecord(s, SECRET, st.audit(), event));
        Stream.Builder<Arguments> out = Stream.builder();
        for (JdbcDialect d : JdbcDialect.values()) {
            calls.forEach((name, call) -> out.add(Arguments.of(d, name, call)));
            if (d == JdbcDialect.POSTGRESQL) {
                recorded.forEach((name, call) -> out.add(Arguments.of(d, name, call)));
            }
        }
        return out.build();
    }

    private static SigningKey key() {
        return new SigningKey("kid", SigningAlgorithm.HS256, new byte[0], new byte[32], T0, T0, Optional.empty(),
                Optional.empty());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyStoreMethod")
    @DisplayName("an unreachable database makes every store method throw StoreUnavailableException without the driver's text")
    void unreachable(JdbcDialect dialect, String name, java.util.function.Consumer<Stores> call) {
        Stores stores = JdbcStores.builder(DOWN, Backend.newKek()).dialect(dialect).build().stores();
        assertThatThrownBy(() -> call.accept(stores))
                .isInstanceOf(StoreUnavailableException.class)
                .satisfies(e -> assertThat(fullText(e)).doesNotContain(SECRET));
    }

    @Test
    @DisplayName("building on an unreachable database without a dialect throws StoreUnavailableException")
    void detectionFails() {
        assertThatThrownBy(() -> JdbcStores.create(DOWN, Backend.newKek()))
                .isInstanceOf(StoreUnavailableException.class)
                .satisfies(e -> assertThat(fullText(e)).doesNotContain(SECRET));
    }

    @Nested
    @DisplayName("a statement the database rejects")
    class Rejected {

        @Test
        @DisplayName("on H2 (whose messages quote the offending value) surfaces without the hash")
        void h2() {
            try (Backend b = Backend.of(Backend.Kind.H2_MEMORY, 2)) {
                assertRedacted(b);
            }
        }

        @Test
        @DisplayName("on PostgreSQL surfaces without the hash")
        void postgres() {
            try (Backend b = Backend.of(Backend.Kind.POSTGRESQL, 2)) {
                assertRedacted(b);
            }
        }

        private void assertRedacted(Backend b) {
            String tooLong = SECRET.repeat(20);
            Session s = Session.start("s-" + System.nanoTime(), "u", "alice", Set.of(), T0, T0.plusSeconds(60),
                    T0.plusSeconds(120), ClientInfo.UNKNOWN);
            assertThatThrownBy(() -> b.jdbc.stores().sessions().create(s, tooLong))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageStartingWith("sessions.create failed (SQLState ")
                    .satisfies(e -> assertThat(fullText(e)).doesNotContain(SECRET));
            assertThat(b.jdbc.stores().sessions().find(s.id())).isEmpty();
        }
    }

    @Test
    @DisplayName("refuses a key-encryption key that is not a 128/192/256-bit AES key")
    void badKek() {
        assertThatThrownBy(() -> JdbcStores.builder(DOWN, new SecretKeySpec(new byte[32], "HmacSHA256")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AES");
        assertThatThrownBy(() -> JdbcStores.builder(DOWN, new SecretKeySpec(new byte[20], "AES")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bits");
    }

    static String fullText(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
