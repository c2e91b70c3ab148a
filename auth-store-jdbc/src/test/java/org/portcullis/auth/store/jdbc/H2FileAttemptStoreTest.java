package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC AttemptStore on an H2 file passes the AttemptStore contract")
class H2FileAttemptStoreTest extends JdbcAttemptContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_FILE;
    }
}
