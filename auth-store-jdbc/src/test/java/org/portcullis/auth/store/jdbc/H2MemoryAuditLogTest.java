package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC AuditLog on H2 in memory passes the AuditLog contract")
class H2MemoryAuditLogTest extends JdbcAuditContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_MEMORY;
    }
}
