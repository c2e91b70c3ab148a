package org.portcullis.auth.store.memory.mutation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;

/**
 * One deliberately broken store for each of the other SPIs, so that every contract suite is
 * shown to bite, not only the session suite. Each wraps a correct store and breaks one rule.
 */
final class BrokenOtherStores {

    private BrokenOtherStores() {
    }

    /** Replaces a password hash whatever the current one is: a lost update after a password change. */
    static final class HashChangeWithoutCompare implements UserStore {
        private final UserStore delegate;

        HashChangeWithoutCompare(UserStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<UserRecord> findByUsername(String username) {
            return delegate.findByUsername(username);
        }

        @Override
        public Optional<UserRecord> findById(String userId) {
            return delegate.findById(userId);
        }

        @Override
        public boolean create(UserRecord user) {
            return delegate.create(user);
        }

        @Override
        public boolean updatePasswordHash(String userId, String expectedHash, String newHash) {
            return delegate.findById(userId)
                    .map(u -> delegate.updatePasswordHash(userId, u.passwordHash(), newHash))
                    .orElse(false);
        }

        @Override
        public boolean setEnabled(String userId, boolean enabled) {
            return delegate.setEnabled(userId, enabled);
        }
    }

    /** Sees a failure window as open for one second past its end. */
    static final class WindowOneSecondLate implements AttemptStore {
        private final AttemptStore delegate;

        WindowOneSecondLate(AttemptStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public AttemptState recordFailure(String key, Instant now, Duration window) {
            return delegate.recordFailure(key, now, window);
        }

        @Override
        public Optional<AttemptState> find(String key, Instant now) {
            return delegate.find(key, now.minusSeconds(1));
        }

        @Override
        public void reset(String key) {
            delegate.reset(key);
        }

        @Override
        public int purgeExpired(Instant now, int limit) {
            return delegate.purgeExpired(now, limit);
        }
    }

    /** Treats the end of a time range as inclusive. */
    static final class InclusiveRangeEnd implements AuditLog {
        private final AuditLog delegate;

        InclusiveRangeEnd(AuditLog delegate) {
            this.delegate = delegate;
        }

        @Override
        public void record(AuditEvent event) {
            delegate.record(event);
        }

        @Override
        public AuditPage query(AuditQuery q) {
            return delegate.query(new AuditQuery(q.userId(), q.types(), q.from(), q.to().map(t -> t.plusMillis(1)),
                    q.limit(), q.cursor()));
        }

        @Override
        public int purgeBefore(Instant cutoff, int limit) {
            return delegate.purgeBefore(cutoff, limit);
        }
    }

    /** Deletes expired keys one second late, so tokens outlive their key's expiry. */
    static final class KeyExpiryOneSecondLate implements SigningKeyStore {
        private final SigningKeyStore delegate;

        KeyExpiryOneSecondLate(SigningKeyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<SigningKey> findAll() {
            return delegate.findAll();
        }

        @Override
        public boolean add(SigningKey key) {
            return delegate.add(key);
        }

        @Override
        public boolean update(SigningKey key) {
            return delegate.update(key);
        }

        @Override
        public int deleteExpired(Instant now) {
            return delegate.deleteExpired(now.minusSeconds(1));
        }
    }
}
