package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC SessionStore on an H2 file passes the SessionStore contract")
class H2FileSessionStoreTest extends JdbcSessionContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_FILE;
    }
}
