package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC AttemptStore on PostgreSQL passes the AttemptStore contract")
class PostgresAttemptStoreTest extends JdbcAttemptContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.POSTGRESQL;
    }
}
