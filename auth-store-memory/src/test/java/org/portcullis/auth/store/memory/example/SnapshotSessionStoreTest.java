package org.portcullis.auth.store.memory.example;

import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.store.tck.MutableClock;
import org.portcullis.auth.store.tck.SessionStoreContract;

/** The custom store inherits every check of the contract by overriding one method. */
@DisplayName("SnapshotSessionStore, the custom-store example, passes the SessionStore contract")
class SnapshotSessionStoreTest extends SessionStoreContract {

    @Override
    protected SessionStore createStore(MutableClock clock) {
        return new SnapshotSessionStore();
    }
}
