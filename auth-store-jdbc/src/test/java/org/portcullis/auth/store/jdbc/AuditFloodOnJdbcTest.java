package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.tck.MutableClock;

/** The JDBC audit log under a flood of unauthenticated failures: a bounded number of rows, the earlier login kept. */
@DisplayName("the JDBC audit log under a flood of unauthenticated failures")
class AuditFloodOnJdbcTest {

    private final Backend backend = Backend.of(Backend.Kind.H2_MEMORY);
    private final MutableClock clock = MutableClock.start();
    private final AuthService auth = Portcullis.builder().stores(backend.jdbc.stores()).clock(clock)
            .passwordHasher(TwoNodesEndToEndTest.FAST).startCleanupJob(false).build();

    @AfterEach
    void close() {
        auth.close();
        backend.close();
    }

    private List<AuditEvent> everything() {
        List<AuditEvent> all = new ArrayList<>();
        AuditQuery q = AuditQuery.all().limit(AuditQuery.MAX_LIMIT);
        while (true) {
            AuditPage page = backend.jdbc.auditLog().query(q);
            all.addAll(page.events());
            if (page.nextCursor().isEmpty()) {
                return all;
            }
            q = q.after(page.nextCursor().get());
        }
    }

    @Test
    @DisplayName("10,000 garbage refreshes, unknown refresh tokens and rejected logins write a few dozen rows; LOGIN_SUCCEEDED is still there")
    void bounded() {
        backend.jdbc.stores().users().create(new UserRecord(UUID.randomUUID().toString(), "alice",
                TwoNodesEndToEndTest.FAST.hash("pw"), Set.of(), true));
        TokenPair alice = auth.login(new PasswordCredential("alice", "pw"), TwoNodesEndToEndTest.CLIENT);
        for (int i = 0; i < 10_000; i++) {
            ClientInfo from = new ClientInfo("198.51.100." + (i % 5), "flood");
            try {
                switch (i % 3) {
                    case 0 -> auth.refresh("garbage." + i, "x", from);
                    case 1 -> auth.refresh(alice.accessToken(), "unknown-" + i, from);
                    default -> auth.login(new PasswordCredential("", "x"), from);
                }
            } catch (AuthException expected) {
                // every one fails
            }
            clock.advance(Duration.ofMillis(10));
        }
        auth.close();
        List<AuditEvent> rows = everything();
        assertThat(rows).hasSizeLessThan(100);
        assertThat(rows).filteredOn(e -> e.type() == AuditEventType.LOGIN_SUCCEEDED).hasSize(1);
        assertThat(rows).filteredOn(e -> e.reason().startsWith("aggregated;count=")).isNotEmpty();
    }
}
