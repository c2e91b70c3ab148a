package org.portcullis.auth.store.memory;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.ExternalIdentityStore;
import org.portcullis.auth.store.tck.ExternalIdentityStoreContract;
import org.portcullis.auth.store.tck.MutableClock;

@DisplayName("InMemoryExternalIdentityStore passes the ExternalIdentityStore contract")
class InMemoryExternalIdentityStoreContractTest extends ExternalIdentityStoreContract {

    @Override
    protected ExternalIdentityStore createStore(MutableClock clock) {
        return new InMemoryExternalIdentityStore();
    }
}
