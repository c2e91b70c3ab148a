package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("JDBC stores on H2 in memory pass every auth-store-tck contract suite")
class H2MemoryContractTest extends JdbcContracts {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_MEMORY;
    }
}
