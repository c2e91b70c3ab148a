package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.PortcullisException;

/** A store that goes down: the in-memory store behind a switch that makes every call fail. */
@DisplayName("when the session store is down")
class FailClosedTest {

    private final AtomicBoolean down = new AtomicBoolean();

    private final class Switched implements SessionStore {
        private final SessionStore real;

        Switched(SessionStore real) {
            this.real = real;
        }

        private void check() {
            if (down.get()) {
                throw new StoreUnavailableException("session store is down");
            }
        }

        @Override public void create(Session s, String h) { check(); real.create(s, h); }
        @Override public Optional<Session> find(String id) { check(); return real.find(id); }
        @Override public Optional<RefreshTokenMatch> findByRefreshTokenHash(String h) { check(); return real.findByRefreshTokenHash(h); }
        @Override public RotationResult rotate(String id, String e, String n, Instant now, Instant idle) { check(); return real.rotate(id, e, n, now, idle); }
        @Override public boolean revoke(String id, RevocationReason r, Instant now) { check(); return real.revoke(id, r, now); }
        @Override public List<String> revokeAll(String u, RevocationReason r, Instant now, Optional<String> x) { check(); return real.revokeAll(u, r, now, x); }
        @Override public List<Session> findActiveByUser(String u, Instant now) { check(); return real.findActiveByUser(u, now); }
        @Override public List<Session> purge(Instant now, Instant rb, int limit) { check(); return real.purge(now, rb, limit); }
        @Override public void ping() { check(); }
    }

    @Test
    @DisplayName("login, validation of a new token, refresh and health all fail with STORE_UNAVAILABLE, and recover after")
    void failsClosed() {
        try (Fixture f = new Fixture(b -> b.sessionStatusTtl(java.time.Duration.ZERO))) {
            Stores s = f.stores;
            Stores switched = new Stores(s.users(), new Switched(s.sessions()), s.attempts(), s.signingKeys(), s.audit(),
                    s.transactions());
            try (AuthService auth = Portcullis.builder().stores(switched).clock(f.clock).settings(f.settings)
                    .passwordHasher(Fixture.FAST).startCleanupJob(false).build()) {
                f.addUser("alice", "pw");
                TokenPair p = auth.login(new PasswordCredential("alice", "pw"), Fixture.CLIENT);
                down.set(true);
                assertThatThrownBy(() -> auth.login(new PasswordCredential("alice", "pw"), Fixture.CLIENT))
                        .isInstanceOfSatisfying(PortcullisException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
                assertThatThrownBy(() -> auth.validate(p.accessToken())).isInstanceOf(StoreUnavailableException.class);
                assertThatThrownBy(() -> auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT))
                        .isInstanceOf(StoreUnavailableException.class);
                assertThatThrownBy(auth::checkHealth).isInstanceOf(StoreUnavailableException.class);
                down.set(false);
                auth.checkHealth();
                assertThat(auth.validate(p.accessToken()).sessionId()).isEqualTo(p.sessionId());
                assertThat(auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT).sessionId()).isEqualTo(p.sessionId());
            }
        }
    }
}
