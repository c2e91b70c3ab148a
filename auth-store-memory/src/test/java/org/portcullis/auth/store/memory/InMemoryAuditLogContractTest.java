package org.portcullis.auth.store.memory;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.store.tck.AuditLogContract;
import org.portcullis.auth.store.tck.MutableClock;

@DisplayName("InMemoryAuditLog passes the AuditLog contract")
class InMemoryAuditLogContractTest extends AuditLogContract {

    @Override
    protected AuditLog createStore(MutableClock clock) {
        return new InMemoryAuditLog();
    }
}
