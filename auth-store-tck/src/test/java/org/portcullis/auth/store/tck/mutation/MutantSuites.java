package org.portcullis.auth.store.tck.mutation;

import java.util.Optional;

import org.junit.jupiter.api.extension.ExtendWith;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.ExternalIdentityStore;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.store.tck.AttemptStoreContract;
import org.portcullis.auth.store.tck.AuditLogContract;
import org.portcullis.auth.store.tck.ExternalIdentityStoreContract;
import org.portcullis.auth.store.tck.MutableClock;
import org.portcullis.auth.store.tck.SessionStoreContract;
import org.portcullis.auth.store.tck.SigningKeyStoreContract;
import org.portcullis.auth.store.tck.UserStoreContract;

/**
 * The contract suites bound to whichever broken store {@link #current} names, with durability and
 * failing closed declared (a reopen builds the store again over the same disk; cutting off sets
 * the disk down). Surefire does not pick these up (their names do not end in Test);
 * {@link BrokenStoresAreCaughtTest} runs them through the JUnit launcher, one store at a time.
 */
final class MutantSuites {

    /** The store the next launcher run binds; set by the harness, which runs one suite at a time. */
    static volatile Mutant<?, ?> current;

    private MutantSuites() {
    }

    @SuppressWarnings("unchecked")
    private static <D, S> Mutant<D, S> mutant() {
        return (Mutant<D, S>) current;
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class Sessions extends SessionStoreContract {
        private final ReferenceSessionStore.Disk disk = new ReferenceSessionStore.Disk();

        @Override
        protected SessionStore createStore(MutableClock clock) {
            return MutantSuites.<ReferenceSessionStore.Disk, SessionStore>mutant().open().apply(disk, clock);
        }

        @Override
        protected Optional<SessionStore> reopen(SessionStore store) {
            return Optional.of(createStore(clock));
        }

        @Override
        protected Optional<AuditLog> ownAuditLog(SessionStore store) {
            return Optional.of(disk.log);
        }

        @Override
        protected boolean canMakeUnavailable() {
            return true;
        }

        @Override
        protected void makeUnavailable(SessionStore store) {
            disk.down = true;
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class Users extends UserStoreContract {
        private final ReferenceUserStore.Disk disk = new ReferenceUserStore.Disk();

        @Override
        protected UserStore createStore(MutableClock clock) {
            return MutantSuites.<ReferenceUserStore.Disk, UserStore>mutant().open().apply(disk, clock);
        }

        @Override
        protected Optional<UserStore> reopen(UserStore store) {
            return Optional.of(createStore(clock));
        }

        @Override
        protected boolean canMakeUnavailable() {
            return true;
        }

        @Override
        protected void makeUnavailable(UserStore store) {
            disk.down = true;
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class ExternalIdentities extends ExternalIdentityStoreContract {
        private final ReferenceExternalIdentityStore.Disk disk = new ReferenceExternalIdentityStore.Disk();

        @Override
        protected ExternalIdentityStore createStore(MutableClock clock) {
            return MutantSuites.<ReferenceExternalIdentityStore.Disk, ExternalIdentityStore>mutant().open().apply(disk, clock);
        }

        @Override
        protected Optional<ExternalIdentityStore> reopen(ExternalIdentityStore store) {
            return Optional.of(createStore(clock));
        }

        @Override
        protected boolean canMakeUnavailable() {
            return true;
        }

        @Override
        protected void makeUnavailable(ExternalIdentityStore store) {
            disk.down = true;
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class Attempts extends AttemptStoreContract {
        private final ReferenceAttemptStore.Disk disk = new ReferenceAttemptStore.Disk();

        @Override
        protected AttemptStore createStore(MutableClock clock) {
            return MutantSuites.<ReferenceAttemptStore.Disk, AttemptStore>mutant().open().apply(disk, clock);
        }

        @Override
        protected Optional<AttemptStore> reopen(AttemptStore store) {
            return Optional.of(createStore(clock));
        }

        @Override
        protected boolean canMakeUnavailable() {
            return true;
        }

        @Override
        protected void makeUnavailable(AttemptStore store) {
            disk.down = true;
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class Audit extends AuditLogContract {
        private final ReferenceAuditLog.Disk disk = new ReferenceAuditLog.Disk();

        @Override
        protected AuditLog createStore(MutableClock clock) {
            return MutantSuites.<ReferenceAuditLog.Disk, AuditLog>mutant().open().apply(disk, clock);
        }

        @Override
        protected Optional<AuditLog> reopen(AuditLog store) {
            return Optional.of(createStore(clock));
        }

        @Override
        protected boolean canMakeUnavailable() {
            return true;
        }

        @Override
        protected void makeUnavailable(AuditLog store) {
            disk.down = true;
        }
    }

    @ExtendWith(OnlyUnderMutationHarness.class)
    static class Keys extends SigningKeyStoreContract {
        private final ReferenceSigningKeyStore.Disk disk = new ReferenceSigningKeyStore.Disk();

        @Override
        protected SigningKeyStore createStore(MutableClock clock) {
            return MutantSuites.<ReferenceSigningKeyStore.Disk, SigningKeyStore>mutant().open().apply(disk, clock);
        }

        @Override
        protected Optional<SigningKeyStore> reopen(SigningKeyStore store) {
            return Optional.of(createStore(clock));
        }

        @Override
        protected boolean canMakeUnavailable() {
            return true;
        }

        @Override
        protected void makeUnavailable(SigningKeyStore store) {
            disk.down = true;
        }
    }
}
