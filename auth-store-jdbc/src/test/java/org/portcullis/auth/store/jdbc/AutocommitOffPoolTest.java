package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * A pool configured to hand out connections with autocommit off (HikariCP's {@code autoCommit=false},
 * common where the same pool also serves JPA) must not make the stores lose their writes. Jdbi
 * takes such a connection as one whose transaction someone else manages and never commits it, and
 * a statement run outside a transaction (the recorded rotation on PostgreSQL) would be rolled back
 * when the pool takes the connection back. What the engine wrote through such a pool is read
 * back through an ordinary one.
 */
@DisplayName("stores on a pool whose connections come with autocommit off")
class AutocommitOffPoolTest {

    private final MutableClock clock = MutableClock.start();

    private AuthService engine(JdbcStores stores) {
        return Portcullis.builder().stores(stores.stores()).clock(clock).settings(AuthSettings.defaults())
                .passwordHasher(TwoNodesEndToEndTest.FAST).startCleanupJob(false).build();
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_MEMORY", "POSTGRESQL"})
    @DisplayName("commit a login and a refresh, with their audit events")
    void loginAndRefreshAreCommitted(Backend.Kind kind) {
        try (Backend backend = Backend.of(kind, 4);
             HikariDataSource manual = Backend.pool(backend.url, 4, c -> c.setAutoCommit(false))) {
            UserRecord user = new UserRecord(UUID.randomUUID().toString(), "user-" + UUID.randomUUID(),
                    TwoNodesEndToEndTest.FAST.hash("pw"), Set.of("reader"), true);
            backend.jdbc.stores().users().create(user);
            // A node on an ordinary pool logged in first and so published the signing key (a node on
            // the manual pool alone fails its first login closed: its key store does not keep the key).
            try (AuthService first = engine(backend.jdbc)) {
                first.login(new PasswordCredential(user.username(), "pw"), TwoNodesEndToEndTest.CLIENT);
            }
            JdbcStores stores = JdbcStores.create(manual, backend.kek);
            TokenPair refreshed;
            try (AuthService auth = engine(stores)) {
                TokenPair first = auth.login(new PasswordCredential(user.username(), "pw"), TwoNodesEndToEndTest.CLIENT);
                clock.advance(Duration.ofSeconds(5));
                refreshed = auth.refresh(first.accessToken(), first.refreshToken(), TwoNodesEndToEndTest.CLIENT);
            }

            Session stored = backend.jdbc.stores().sessions().find(refreshed.sessionId()).orElseThrow();
            assertThat(stored.refreshCount()).isEqualTo(1);
            assertThat(backend.jdbc.auditLog().query(AuditQuery.all().forUser(user.id())).events())
                    .extracting(AuditEvent::type)
                    .contains(AuditEventType.LOGIN_SUCCEEDED, AuditEventType.TOKEN_REFRESHED);
        }
    }
}
