package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC SessionStore on PostgreSQL passes the SessionStore contract")
class PostgresSessionStoreTest extends JdbcSessionContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.POSTGRESQL;
    }
}
