package org.portcullis.auth.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("the JDBC SigningKeyStore on an H2 file passes the SigningKeyStore contract")
class H2FileSigningKeyStoreTest extends JdbcSigningKeyContract {

    @Override
    Backend.Kind kind() {
        return Backend.Kind.H2_FILE;
    }
}
