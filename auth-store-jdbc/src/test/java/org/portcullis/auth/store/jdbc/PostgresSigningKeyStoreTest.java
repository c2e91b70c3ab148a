package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC SigningKeyStore on PostgreSQL passes the SigningKeyStore contract")
class PostgresSigningKeyStoreTest extends JdbcSigningKeyContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.POSTGRESQL;
    }
}
