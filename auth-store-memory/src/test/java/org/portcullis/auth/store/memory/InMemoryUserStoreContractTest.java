package org.portcullis.auth.store.memory;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.store.tck.UserStoreContract;
import org.portcullis.auth.store.tck.MutableClock;

@DisplayName("InMemoryUserStore passes the UserStore contract")
class InMemoryUserStoreContractTest extends UserStoreContract {

    @Override
    protected UserStore createStore(MutableClock clock) {
        return new InMemoryUserStore();
    }
}
