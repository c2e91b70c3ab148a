package org.portcullis.auth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.StoreTransactions;
import org.portcullis.auth.api.Stores;

/**
 * What only the in-memory stores do: the factory, their caps, and their cursor format.
 * Everything every store must do is checked by the {@code InMemory*ContractTest} classes.
 */
@DisplayName("the in-memory stores, beyond the contract")
class InMemoryStoresTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    @DisplayName("come as a complete set with a queryable audit log and no transactions")
    void factory() {
        Stores stores = InMemoryStores.create(Clock.systemUTC());
        assertThat(stores.audit()).isInstanceOf(AuditLog.class);
        assertThat(stores.transactions()).isSameAs(StoreTransactions.NONE);
        assertThat(stores.sessions()).isInstanceOf(InMemorySessionStore.class);
    }

    @Test
    @DisplayName("the attempt store holds no more counters than its cap")
    void attemptsCapped() {
        var small = new InMemoryAttemptStore(50);
        for (int i = 0; i < 500; i++) {
            small.recordFailure("ip:" + i, T0, Duration.ofMinutes(15));
        }
        assertThat(small.size()).isLessThanOrEqualTo(50);
    }

    @Test
    @DisplayName("the audit log refuses a cursor it did not make")
    void badCursor() {
        assertThatThrownBy(() -> new InMemoryAuditLog().query(AuditQuery.all().after("not a cursor")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("the audit log keeps only the newest events past its cap, and does not duplicate a retried event")
    void auditCapped() {
        var small = new InMemoryAuditLog(3);
        for (int i = 0; i < 5; i++) {
            small.record(event("e" + i, T0.plusSeconds(i)));
        }
        small.record(event("e4", T0.plusSeconds(4)));
        assertThat(small.events()).extracting(AuditEvent::id).containsExactly("e2", "e3", "e4");
        assertThat(small.size()).isEqualTo(3);
    }

    private static AuditEvent event(String id, Instant at) {
        return AuditEvent.builder(AuditEventType.LOGIN_SUCCEEDED, at).id(id).user("u1", "u1").build();
    }
}
