package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC ExternalIdentityStore on an H2 file passes the ExternalIdentityStore contract")
class H2FileExternalIdentityStoreTest extends JdbcExternalIdentityContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_FILE;
    }
}
