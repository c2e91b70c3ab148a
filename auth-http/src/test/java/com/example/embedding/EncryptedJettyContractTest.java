package com.example.embedding;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.AuthSettings;

/**
 * The whole HTTP contract again over real sockets, with access-token encryption on ({@code dir} +
 * {@code A256GCM}, docs/encryption.md): every Bearer token the suite sends is a nested JWT, and a
 * signed token or JWE-shaped garbage answers 401 problem+json.
 */
@DisplayName("The HTTP contract in Jetty 12 with encrypted access tokens (nested JWT, dir + A256GCM)")
class EncryptedJettyContractTest extends JettyContractTest {

    @Override
    protected AuthSettings engineSettings() {
        return AuthSettings.builder()
                .keys(AuthSettings.Keys.builder().tokenEncryption(AuthSettings.TokenEncryption.direct()).build())
                .build();
    }
}
