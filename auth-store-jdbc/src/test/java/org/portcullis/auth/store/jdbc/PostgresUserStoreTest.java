package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC UserStore on PostgreSQL passes the UserStore contract")
class PostgresUserStoreTest extends JdbcUserContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.POSTGRESQL;
    }
}
