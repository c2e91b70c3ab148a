package org.portcullis.auth.testkit.contract;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.store.memory.InMemorySigningKeyStore;
import org.portcullis.auth.testkit.MutableClock;

@DisplayName("InMemorySigningKeyStore passes the SigningKeyStore contract")
class InMemorySigningKeyStoreContractTest extends SigningKeyStoreContract {

    @Override
    protected SigningKeyStore createStore(MutableClock clock) {
        return new InMemorySigningKeyStore();
    }
}
