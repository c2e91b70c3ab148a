package org.portcullis.auth.store.memory;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.store.tck.AttemptStoreContract;
import org.portcullis.auth.store.tck.MutableClock;

@DisplayName("InMemoryAttemptStore passes the AttemptStore contract")
class InMemoryAttemptStoreContractTest extends AttemptStoreContract {

    @Override
    protected AttemptStore createStore(MutableClock clock) {
        return new InMemoryAttemptStore();
    }
}
