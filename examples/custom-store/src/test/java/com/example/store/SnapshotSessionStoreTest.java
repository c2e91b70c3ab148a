package com.example.store;

import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.store.tck.MutableClock;
import org.portcullis.auth.store.tck.SessionStoreContract;

/** The custom store inherits every check of the SessionStore contract by overriding one method. */
class SnapshotSessionStoreTest extends SessionStoreContract {

    @Override
    protected SessionStore createStore(MutableClock clock) {
        return new SnapshotSessionStore();
    }
}
