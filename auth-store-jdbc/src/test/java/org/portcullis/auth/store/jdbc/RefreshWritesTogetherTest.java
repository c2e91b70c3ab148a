package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * A refresh's writes (the session's new state, the old hash retired, the new hash, the audit
 * event) are one atomic write on a real database: on PostgreSQL one statement outside any
 * transaction, on H2 one transaction. Each refresh is recorded exactly once.
 */
@DisplayName("a refresh's writes commit together")
class RefreshWritesTogetherTest {

    private final MutableClock clock = MutableClock.start();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_MEMORY", "POSTGRESQL"})
    @DisplayName("every row a refresh writes carries one transaction id (PostgreSQL), and each refresh is audited once")
    void oneWrite(Backend.Kind kind) throws SQLException {
        try (Backend backend = Backend.of(kind, 4);
             AuthService auth = Portcullis.builder().stores(backend.jdbc.stores()).clock(clock)
                     .settings(AuthSettings.defaults()).passwordHasher(TwoNodesEndToEndTest.FAST)
                     .startCleanupJob(false).build()) {
            UserRecord user = new UserRecord(UUID.randomUUID().toString(), "user-" + UUID.randomUUID(),
                    TwoNodesEndToEndTest.FAST.hash("pw"), Set.of("reader"), true);
            backend.jdbc.stores().users().create(user);
            TokenPair pair = auth.login(new PasswordCredential(user.username(), "pw"), TwoNodesEndToEndTest.CLIENT);
            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofSeconds(7));
                pair = auth.refresh(pair.accessToken(), pair.refreshToken(), TwoNodesEndToEndTest.CLIENT);
            }

            List<AuditEvent> refreshed = backend.jdbc.auditLog().query(AuditQuery.all().forUser(user.id()))
                    .events().stream().filter(e -> e.type() == AuditEventType.TOKEN_REFRESHED).toList();
            assertThat(refreshed).extracting(AuditEvent::reason)
                    .containsExactly("generation=1", "generation=2", "generation=3");

            if (kind == Backend.Kind.POSTGRESQL) {
                String sid = pair.sessionId();
                List<String> xids = new ArrayList<>();
                xids.addAll(LoginWritesTogetherTest.column(backend,
                        "SELECT xmin::text FROM portcullis_sessions WHERE id = ?", sid));
                // The hash just retired and the one just issued.
                xids.addAll(LoginWritesTogetherTest.column(backend, "SELECT xmin::text FROM portcullis_refresh_tokens"
                        + " WHERE session_id = ? ORDER BY issued_at DESC FETCH FIRST 2 ROWS ONLY", sid));
                xids.addAll(LoginWritesTogetherTest.column(backend, "SELECT xmin::text FROM portcullis_audit_events"
                        + " WHERE session_id = ? AND reason = 'generation=3'", sid));
                assertThat(xids).hasSize(4);
                assertThat(new HashSet<>(xids)).as("transaction ids of the last refresh's rows").hasSize(1);
            }
        }
    }
}
