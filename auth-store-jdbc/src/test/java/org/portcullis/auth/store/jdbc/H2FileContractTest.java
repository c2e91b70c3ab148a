package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("JDBC stores on an H2 file pass every auth-store-tck contract suite")
class H2FileContractTest extends JdbcContracts {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_FILE;
    }
}
