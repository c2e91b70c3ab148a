package org.portcullis.auth.testkit.contract;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.store.memory.InMemoryAttemptStore;
import org.portcullis.auth.testkit.MutableClock;

@DisplayName("InMemoryAttemptStore passes the AttemptStore contract")
class InMemoryAttemptStoreContractTest extends AttemptStoreContract {

    @Override
    protected AttemptStore createStore(MutableClock clock) {
        return new InMemoryAttemptStore();
    }
}
