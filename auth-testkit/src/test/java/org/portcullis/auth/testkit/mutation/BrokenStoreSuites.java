package org.portcullis.auth.testkit.mutation;

import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.store.memory.InMemorySessionStore;
import org.portcullis.auth.testkit.MutableClock;
import org.portcullis.auth.testkit.contract.SessionStoreContract;

/**
 * The session contract bound to each broken store. Surefire does not pick these up (their names
 * do not end in Test); {@link BrokenStoresAreCaughtTest} runs them through the JUnit launcher.
 */
final class BrokenStoreSuites {

    private BrokenStoreSuites() {
    }

    /** The control: a correct store through the same harness, which must pass. */
    static class CorrectStoreSuite extends SessionStoreContract {
        @Override
        protected SessionStore createStore(MutableClock clock) {
            return new InMemorySessionStore(clock);
        }
    }

    static class RotateWithoutCompareSuite extends SessionStoreContract {
        @Override
        protected SessionStore createStore(MutableClock clock) {
            return new BrokenSessionStores.RotateWithoutCompare(new InMemorySessionStore(clock));
        }
    }

    static class RevokeAllForgetsOneSuite extends SessionStoreContract {
        @Override
        protected SessionStore createStore(MutableClock clock) {
            return new BrokenSessionStores.RevokeAllForgetsOne(new InMemorySessionStore(clock));
        }
    }

    static class ExpiryOneSecondLateSuite extends SessionStoreContract {
        @Override
        protected SessionStore createStore(MutableClock clock) {
            return new BrokenSessionStores.ExpiryOneSecondLate(new InMemorySessionStore(clock));
        }
    }

    static class PurgeIgnoresLimitSuite extends SessionStoreContract {
        @Override
        protected SessionStore createStore(MutableClock clock) {
            return new BrokenSessionStores.PurgeIgnoresLimit(new InMemorySessionStore(clock));
        }
    }
}
