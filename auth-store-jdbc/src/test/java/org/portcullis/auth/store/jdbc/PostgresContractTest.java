package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("JDBC stores on PostgreSQL pass every auth-store-tck contract suite")
class PostgresContractTest extends JdbcContracts {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.POSTGRESQL;
    }
}
