package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC AttemptStore on H2 in memory passes the AttemptStore contract")
class H2MemoryAttemptStoreTest extends JdbcAttemptContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_MEMORY;
    }
}
