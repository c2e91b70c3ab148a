package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC UserStore on H2 in memory passes the UserStore contract")
class H2MemoryUserStoreTest extends JdbcUserContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_MEMORY;
    }
}
