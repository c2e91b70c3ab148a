package org.portcullis.auth.store.memory;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.store.tck.SigningKeyStoreContract;
import org.portcullis.auth.store.tck.MutableClock;

@DisplayName("InMemorySigningKeyStore passes the SigningKeyStore contract")
class InMemorySigningKeyStoreContractTest extends SigningKeyStoreContract {

    @Override
    protected SigningKeyStore createStore(MutableClock clock) {
        return new InMemorySigningKeyStore();
    }
}
