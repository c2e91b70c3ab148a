package org.portcullis.auth.server;

import org.junit.jupiter.api.DisplayName;

import java.util.Map;

/**
 * The whole HTTP contract again in the standalone server with {@code PORTCULLIS_TOKEN_ENCRYPTION=dir}:
 * every Bearer token is a nested JWT whose encryption key lives, sealed, in the H2 file's key table.
 */
@DisplayName("The HTTP contract in the standalone server with encrypted access tokens")
class StandaloneServerEncryptedContractTest extends StandaloneServerContractTest {

    @Override
    protected Map<String, String> settings() {
        return Map.of("PORTCULLIS_TOKEN_ENCRYPTION", "dir");
    }

    @Override
    protected boolean encryptedTokens() {
        return true;
    }
}
