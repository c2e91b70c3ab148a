package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC SigningKeyStore on H2 in memory passes the SigningKeyStore contract")
class H2MemorySigningKeyStoreTest extends JdbcSigningKeyContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_MEMORY;
    }
}
