package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC SessionStore on H2 in memory passes the SessionStore contract")
class H2MemorySessionStoreTest extends JdbcSessionContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_MEMORY;
    }
}
