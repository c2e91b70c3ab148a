package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC ExternalIdentityStore on PostgreSQL passes the ExternalIdentityStore contract")
class PostgresExternalIdentityStoreTest extends JdbcExternalIdentityContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.POSTGRESQL;
    }
}
