package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC AuditLog on an H2 file passes the AuditLog contract")
class H2FileAuditLogTest extends JdbcAuditContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_FILE;
    }
}
