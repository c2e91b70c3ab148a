package org.portcullis.auth.testkit.contract;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.store.memory.InMemoryAuditLog;
import org.portcullis.auth.testkit.MutableClock;

@DisplayName("InMemoryAuditLog passes the AuditLog contract")
class InMemoryAuditLogContractTest extends AuditLogContract {

    @Override
    protected AuditLog createStore(MutableClock clock) {
        return new InMemoryAuditLog();
    }
}
