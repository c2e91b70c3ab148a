package org.portcullis.auth.testkit.contract;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.store.memory.InMemoryUserStore;
import org.portcullis.auth.testkit.MutableClock;

@DisplayName("InMemoryUserStore passes the UserStore contract")
class InMemoryUserStoreContractTest extends UserStoreContract {

    @Override
    protected UserStore createStore(MutableClock clock) {
        return new InMemoryUserStore();
    }
}
