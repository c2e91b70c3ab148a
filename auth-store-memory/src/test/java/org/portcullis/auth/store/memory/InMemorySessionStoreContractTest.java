package org.portcullis.auth.store.memory;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.store.tck.SessionStoreContract;
import org.portcullis.auth.store.tck.MutableClock;

@DisplayName("InMemorySessionStore passes the SessionStore contract")
class InMemorySessionStoreContractTest extends SessionStoreContract {

    @Override
    protected SessionStore createStore(MutableClock clock) {
        return new InMemorySessionStore(clock);
    }
}
