package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("JDBC stores on an H2 file")
class H2FileStoresTest extends JdbcStoresSpec {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_FILE;
    }
}
