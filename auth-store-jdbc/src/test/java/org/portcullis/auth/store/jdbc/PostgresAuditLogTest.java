package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC AuditLog on PostgreSQL passes the AuditLog contract")
class PostgresAuditLogTest extends JdbcAuditContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.POSTGRESQL;
    }
}
