package org.portcullis.auth.testkit.contract;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.store.memory.InMemorySessionStore;
import org.portcullis.auth.testkit.MutableClock;

@DisplayName("InMemorySessionStore passes the SessionStore contract")
class InMemorySessionStoreContractTest extends SessionStoreContract {

    @Override
    protected SessionStore createStore(MutableClock clock) {
        return new InMemorySessionStore(clock);
    }
}
