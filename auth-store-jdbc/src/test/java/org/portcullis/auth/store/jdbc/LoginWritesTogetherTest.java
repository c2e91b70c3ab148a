package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * A successful login's writes (the throttle resets, the new device token, the session with its
 * refresh token and its audit event) are one transaction on a real database: one durable commit
 * per login, and never half a login.
 */
@DisplayName("a login's writes commit together")
class LoginWritesTogetherTest {

    private final MutableClock clock = MutableClock.start();

    private AuthService engine(Stores stores) {
        return Portcullis.builder().stores(stores).clock(clock).settings(AuthSettings.defaults())
                .passwordHasher(TwoNodesEndToEndTest.FAST).startCleanupJob(false).build();
    }

    private static UserRecord newUser(Stores stores) {
        UserRecord user = new UserRecord(UUID.randomUUID().toString(), "user-" + UUID.randomUUID(),
                TwoNodesEndToEndTest.FAST.hash("pw"), Set.of("reader"), true);
        stores.users().create(user);
        return user;
    }

    /** One wrong password from the client, so that the pair and account counters hold a failure. */
    private void failOnce(AuthService auth, UserRecord user) {
        assertThatThrownBy(() -> auth.login(new PasswordCredential(user.username(), "wrong"), TwoNodesEndToEndTest.CLIENT))
                .isInstanceOf(AuthException.class);
        clock.advance(Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("on PostgreSQL every row a successful login writes carries one transaction id, and the counters it ends are gone")
    void oneTransaction() throws SQLException {
        try (Backend backend = Backend.of(Backend.Kind.POSTGRESQL, 4);
             AuthService auth = engine(backend.jdbc.stores())) {
            UserRecord user = newUser(backend.jdbc.stores());
            failOnce(auth, user);
            Map<String, Integer> before = counters(backend);
            Instant at = clock.instant();

            TokenPair pair = auth.login(new PasswordCredential(user.username(), "pw"), TwoNodesEndToEndTest.CLIENT);

            assertThat(pair.deviceToken()).as("a new device token was issued").isPresent();
            List<String> xids = new ArrayList<>();
            xids.addAll(column(backend, "SELECT xmin::text FROM portcullis_sessions WHERE id = ?", pair.sessionId()));
            xids.addAll(column(backend, "SELECT xmin::text FROM portcullis_refresh_tokens WHERE session_id = ?",
                    pair.sessionId()));
            xids.addAll(column(backend, "SELECT xmin::text FROM portcullis_audit_events WHERE session_id = ?",
                    pair.sessionId()));
            // The device's record and the account's count of new devices, both written at the login's instant.
            List<String> attemptXids = column(backend, "SELECT xmin::text FROM portcullis_attempts WHERE last_failure = ?",
                    Db.ts(at));
            assertThat(attemptXids).as("rows the device token wrote").hasSize(2);
            xids.addAll(attemptXids);
            assertThat(xids).hasSize(5);
            assertThat(new HashSet<>(xids)).as("transaction ids of the login's rows").hasSize(1);

            Map<String, Integer> after = counters(backend);
            Set<String> ended = new HashSet<>(before.keySet());
            ended.removeAll(after.keySet());
            assertThat(ended).as("counters the success reset").hasSize(2)
                    .anyMatch(k -> k.startsWith("pair:")).anyMatch(k -> k.startsWith("account:"));
            before.keySet().removeAll(ended);
            assertThat(after).as("the other counters keep their failures").containsAllEntriesOf(before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_MEMORY", "POSTGRESQL"})
    @DisplayName("a login whose session cannot be stored leaves nothing behind: no session, no device, no event, no reset")
    void noHalfLogin(Backend.Kind kind) throws SQLException {
        try (Backend backend = Backend.of(kind, 4)) {
            Stores real = backend.jdbc.stores();
            Stores broken = new Stores(real.users(), insertThenFail(real.sessions()), real.attempts(),
                    real.signingKeys(), real.audit(), real.transactions(), real.invalidations());
            try (AuthService auth = engine(broken)) {
                UserRecord user = newUser(real);
                failOnce(auth, user);
                Map<String, Integer> before = counters(backend);

                assertThatThrownBy(() -> auth.login(new PasswordCredential(user.username(), "pw"),
                        TwoNodesEndToEndTest.CLIENT)).isInstanceOf(StoreUnavailableException.class);

                assertThat(counters(backend)).as("every counter as before: none reset, no device recorded")
                        .isEqualTo(before);
                assertThat(real.sessions().countActiveByUser(user.id(), clock.instant())).isZero();
                assertThat(backend.jdbc.auditLog().query(AuditQuery.all().forUser(user.id())).events())
                        .extracting(AuditEvent::type).doesNotContain(AuditEventType.LOGIN_SUCCEEDED);
            }
        }
    }

    /** Every throttle counter in the table, by key, with its failures. */
    private static Map<String, Integer> counters(Backend backend) throws SQLException {
        Map<String, Integer> all = new HashMap<>();
        try (Connection c = backend.dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT attempt_key, failures FROM portcullis_attempts");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                all.put(rs.getString(1), rs.getInt(2));
            }
        }
        return all;
    }

    static List<String> column(Backend backend, String sql, Object parameter) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = backend.dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    /**
     * The real JDBC session store, whose {@code create} (or {@code createAndRecord}, when it
     * wrote) writes its rows and then fails, as a
     * connection lost before the answer would; every other call goes to the real store unchanged.
     */
    private static SessionStore insertThenFail(SessionStore real) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            // createAndRecord is what the engine calls (on PostgreSQL it writes the session and
            // the event); create when a store declines it.
            if (method.getName().equals("create")
                    || method.getName().equals("createAndRecord") && Boolean.TRUE.equals(result)) {
                throw new StoreUnavailableException("sessions.create failed after its insert (injected)");
            }
            return result;
        };
        return (SessionStore) Proxy.newProxyInstance(SessionStore.class.getClassLoader(),
                new Class<?>[] {SessionStore.class}, handler);
    }
}
