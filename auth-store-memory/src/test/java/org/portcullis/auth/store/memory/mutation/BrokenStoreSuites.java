package org.portcullis.auth.store.memory.mutation;

import org.junit.jupiter.api.extension.ExtendWith;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.store.memory.InMemoryAttemptStore;
import org.portcullis.auth.store.memory.InMemoryAuditLog;
import org.portcullis.auth.store.memory.InMemorySessionStore;
import org.portcullis.auth.store.memory.InMemorySigningKeyStore;
import org.portcullis.auth.store.memory.InMemoryUserStore;
import org.portcullis.auth.store.tck.MutableClock;
import org.portcullis.auth.store.tck.AttemptStoreContract;
import org.portcullis.auth.store.tck.AuditLogContract;
import org.portcullis.auth.store.tck.SessionStoreContract;
import org.portcullis.auth.store.tck.SigningKeyStoreContract;
import org.portcullis.auth.store.tck.UserStoreContract;

/**
 * The contract suites bound to each broken store. Surefire does not pick these up (their names
 * do not end in Test); {@link BrokenStoresAreCaughtTest} runs them through the JUnit launcher.
 */
final class BrokenStoreSuites {

    private BrokenStoreSuites() {
    }

    /** The control: a correct store through the same harness, which must pass. */
    @ExtendWith(OnlyUnderMutationHarness.class)
    static class CorrectStoreSuite extends SessionStoreContract {
        @Override
        protected SessionStore createStore(MutableClock clock) {
            return new InMemorySessionStore(clock);
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class RotateWithoutCompareSuite extends SessionStoreContract {
        @Override
        protected SessionStore createStore(MutableClock clock) {
            return new BrokenSessionStores.RotateWithoutCompare(new InMemorySessionStore(clock));
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class RevokeAllForgetsOneSuite extends SessionStoreContract {
        @Override
        protected SessionStore createStore(MutableClock clock) {
            return new BrokenSessionStores.RevokeAllForgetsOne(new InMemorySessionStore(clock));
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class ExpiryOneSecondLateSuite extends SessionStoreContract {
        @Override
        protected SessionStore createStore(MutableClock clock) {
            return new BrokenSessionStores.ExpiryOneSecondLate(new InMemorySessionStore(clock));
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class PurgeIgnoresLimitSuite extends SessionStoreContract {
        @Override
        protected SessionStore createStore(MutableClock clock) {
            return new BrokenSessionStores.PurgeIgnoresLimit(new InMemorySessionStore(clock));
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class HashChangeWithoutCompareSuite extends UserStoreContract {
        @Override
        protected UserStore createStore(MutableClock clock) {
            return new BrokenOtherStores.HashChangeWithoutCompare(new InMemoryUserStore());
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class WindowOneSecondLateSuite extends AttemptStoreContract {
        @Override
        protected AttemptStore createStore(MutableClock clock) {
            return new BrokenOtherStores.WindowOneSecondLate(new InMemoryAttemptStore());
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class InclusiveRangeEndSuite extends AuditLogContract {
        @Override
        protected AuditLog createStore(MutableClock clock) {
            return new BrokenOtherStores.InclusiveRangeEnd(new InMemoryAuditLog());
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class KeyExpiryOneSecondLateSuite extends SigningKeyStoreContract {
        @Override
        protected SigningKeyStore createStore(MutableClock clock) {
            return new BrokenOtherStores.KeyExpiryOneSecondLate(new InMemorySigningKeyStore());
        }
    }
}
