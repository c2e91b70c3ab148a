package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC ExternalIdentityStore on H2 in memory passes the ExternalIdentityStore contract")
class H2MemoryExternalIdentityStoreTest extends JdbcExternalIdentityContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_MEMORY;
    }
}
