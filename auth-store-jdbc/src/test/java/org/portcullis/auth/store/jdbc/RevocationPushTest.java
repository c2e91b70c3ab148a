package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.InvalidationFeed;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.PortcullisException;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.core.ValidationStats;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * Revocation pushed across nodes over PostgreSQL {@code LISTEN/NOTIFY}: node A writes, node B
 * (its own pool, its own {@link JdbcStores}, one database) must refuse at once. The clock never
 * moves unless a test says so, so B's {@code sessionStatusTtl} cannot be what made it refuse; a
 * control node C with the feed switched off shows what B would have answered without it.
 *
 * <p>No test waits for time: each waits for the message itself, on a listener the test subscribes
 * to B's feed after B did. The feed calls its listeners in subscription order on one thread, so
 * when the test's listener has a message, B's caches have already acted on it.
 */
@DisplayName("revocations pushed across nodes on PostgreSQL")
class RevocationPushTest {

    static final PasswordHasher FAST = PasswordHasher.withParameters(64, 1, 1);
    static final ClientInfo CLIENT = new ClientInfo("192.0.2.60", "Push/1.0");
    /** Only a guard against a hang; no assertion is about how long anything took. */
    static final long GUARD_SECONDS = 60;

    private final MutableClock clock = MutableClock.start();
    private final AuthSettings settings = AuthSettings.defaults();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Backend backend;
    private HikariDataSource poolB;
    private GatedDataSource listenerB;
    private JdbcStores jdbcA;
    private AuthService a;
    private AuthService b;
    private AuthService c;
    private Recorder heardByB;

    @BeforeEach
    void start() throws InterruptedException {
        backend = Backend.of(Backend.Kind.POSTGRESQL, 8);
        poolB = Backend.pool(backend.url, 8);
        HikariDataSource poolC = Backend.pool(backend.url, 4);
        listenerB = new GatedDataSource(poolB);
        jdbcA = backend.jdbc;
        JdbcStores jdbcB = JdbcStores.builder(poolB, backend.kek).listenerDataSource(listenerB).build();
        JdbcStores jdbcC = JdbcStores.builder(poolC, backend.kek).invalidationFeed(false).build();
        a = node(jdbcA.stores());
        b = node(jdbcB.stores());
        c = node(jdbcC.stores());
        heardByB = new Recorder();
        closing.add(jdbcB.stores().invalidations().subscribe(heardByB));
        closing.add(poolC);
        heardByB.await("*"); // B's feed is listening: from here on, nothing A commits is missed
        // The first signing key, published now so that its own message is not mistaken for a test's.
        a.rotateSigningKey(Duration.ZERO);
        heardByB.await("k");
        heardByB.drain();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        listenerB.open();
        poolB.close();
        backend.close();
    }

    private AuthService node(Stores stores) {
        AuthService s = Portcullis.builder().stores(stores).clock(clock).settings(settings).passwordHasher(FAST)
                .startCleanupJob(false).build();
        closing.add(s);
        return s;
    }

    /** A new user with password "pw"; returns its id. */
    private String newUser(String name) {
        String id = UUID.randomUUID().toString();
        jdbcA.stores().users().create(new UserRecord(id, name, FAST.hash("pw"), Set.of("reader"), true));
        return id;
    }

    private TokenPair login(String name) {
        return a.login(new PasswordCredential(name, "pw"), CLIENT);
    }

    static ErrorCode codeOf(Runnable call) {
        PortcullisException e = catchThrowableOfType(PortcullisException.class, call::run);
        assertThat(e).as("expected a Portcullis exception").isNotNull();
        return e.code();
    }

    @Test
    @DisplayName("a logout on node A is refused on node B before B's session-status TTL could have expired")
    void logoutIsPushed() throws InterruptedException {
        newUser("ann");
        TokenPair pair = login("ann");
        assertThat(b.validate(pair.accessToken()).sessionId()).isEqualTo(pair.sessionId());
        assertThat(c.validate(pair.accessToken()).sessionId()).isEqualTo(pair.sessionId());

        a.logout(a.validate(pair.accessToken()), CLIENT);
        heardByB.await("s:" + pair.sessionId());

        assertThat(codeOf(() -> b.validate(pair.accessToken()))).isEqualTo(ErrorCode.TOKEN_REVOKED);
        // Without the feed, a node answers from its cache until the TTL has passed.
        assertThat(c.validate(pair.accessToken()).sessionId()).isEqualTo(pair.sessionId());
    }

    @Test
    @DisplayName("revoking all of a user's sessions on A is one message naming the user, and B refuses every session")
    void revokeAllIsPushedAsTheUser() throws InterruptedException {
        String userId = newUser("bob");
        List<TokenPair> pairs = List.of(login("bob"), login("bob"), login("bob"));
        pairs.forEach(p -> {
            b.validate(p.accessToken());
            c.validate(p.accessToken());
        });

        assertThat(a.revokeAllSessions(userId, RevocationReason.REVOKED_BY_ADMIN)).isEqualTo(3);
        heardByB.await("u:" + userId);

        for (TokenPair p : pairs) {
            assertThat(codeOf(() -> b.validate(p.accessToken()))).isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(c.validate(p.accessToken()).userId()).isEqualTo(userId);
        }
        assertThat(heardByB.heard()).noneMatch(m -> m.startsWith("s:"));
    }

    @Test
    @DisplayName("a session revoked by the user from another session on A is refused on B; the caller's own session stays")
    void revokeOneOfMany() throws InterruptedException {
        newUser("cid");
        TokenPair kept = login("cid");
        TokenPair ended = login("cid");
        b.validate(kept.accessToken());
        b.validate(ended.accessToken());

        a.revokeSession(a.validate(kept.accessToken()), ended.sessionId(), CLIENT);
        heardByB.await("s:" + ended.sessionId());

        assertThat(codeOf(() -> b.validate(ended.accessToken()))).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(b.validate(kept.accessToken()).sessionId()).isEqualTo(kept.sessionId());
    }

    @Test
    @DisplayName("a user disabled on A is refused on B at once, every session of it")
    void disableIsPushed() throws InterruptedException {
        String userId = newUser("del");
        TokenPair one = login("del");
        TokenPair two = login("del");
        for (TokenPair p : List.of(one, two)) {
            b.validate(p.accessToken());
            c.validate(p.accessToken());
        }

        assertThat(a.disableUser(userId, CLIENT)).isTrue();
        heardByB.await("u:" + userId);

        for (TokenPair p : List.of(one, two)) {
            assertThat(codeOf(() -> b.validate(p.accessToken()))).isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(c.validate(p.accessToken()).userId()).isEqualTo(userId);
        }
    }

    @Test
    @DisplayName("disabling or enabling a user announces the user's id, never anything else")
    void disableAnnouncesTheUser() throws InterruptedException {
        String userId = newUser("dee");
        jdbcA.stores().users().setEnabled(userId, false);
        heardByB.await("u:" + userId);
        jdbcA.stores().users().setEnabled(userId, true);
        heardByB.await("u:" + userId);
        assertThat(jdbcA.stores().users().setEnabled("no-such-user", false)).isFalse();
        assertThat(heardByB.heard()).containsOnly("u:" + userId);
    }

    @Test
    @DisplayName("a signing key withdrawn on A stops verifying on B at once, even for a token B has cached")
    void withdrawnKeyIsPushed() throws InterruptedException {
        newUser("eve");
        TokenPair pair = login("eve");
        b.validate(pair.accessToken());
        c.validate(pair.accessToken());
        heardByB.drain();

        SigningKey key = jdbcA.stores().signingKeys().findAll().get(0);
        // An emergency withdrawal, as the key store sees it: the key stops verifying now.
        assertThat(jdbcA.stores().signingKeys().update(key.retire(clock.instant(), clock.instant()))).isTrue();
        heardByB.await("k");

        assertThat(codeOf(() -> b.validate(pair.accessToken()))).isEqualTo(ErrorCode.TOKEN_INVALID);
        assertThat(c.validate(pair.accessToken()).sessionId()).isEqualTo(pair.sessionId());
    }

    @Test
    @DisplayName("a rolled-back revocation announces nothing")
    void rollbackAnnouncesNothing() throws InterruptedException {
        String userId = newUser("fay");
        TokenPair pair = login("fay");
        b.validate(pair.accessToken());
        heardByB.drain();
        RuntimeException boom = new IllegalStateException("rolled back on purpose");
        Throwable thrown = catchThrowableOfType(IllegalStateException.class, () -> jdbcA.transactions().inTransaction(() -> {
            jdbcA.stores().sessions().revoke(pair.sessionId(), RevocationReason.REVOKED_BY_ADMIN, clock.instant());
            throw boom;
        }));
        assertThat(thrown).isSameAs(boom);
        // A later revocation of another user is heard, and it is the first message: nothing came from the rollback.
        String other = newUser("gus");
        login("gus");
        a.revokeAllSessions(other, RevocationReason.REVOKED_BY_ADMIN);
        heardByB.await("u:" + other);
        assertThat(heardByB.heard()).containsExactly("u:" + other);
        assertThat(b.validate(pair.accessToken()).userId()).isEqualTo(userId);
    }

    @Test
    @DisplayName("with B's listening connection terminated, the TTL bound holds; on reconnect B forgets what it cached, and pushes work again")
    void droppedConnection() throws Exception {
        newUser("hal");
        TokenPair first = login("hal");
        TokenPair second = login("hal");
        TokenPair third = login("hal");
        b.validate(first.accessToken());
        heardByB.drain();

        // Notifications lost: B's feed loses its connection and cannot get another until the gate opens.
        listenerB.close();
        assertThat(terminateListeners()).isGreaterThanOrEqualTo(1);
        listenerB.awaitBlocked();

        a.logout(a.validate(first.accessToken()), CLIENT);
        // B never hears of it, and answers from its cache, as any node without a feed would...
        assertThat(b.validate(first.accessToken()).sessionId()).isEqualTo(first.sessionId());
        // ...but never past sessionStatusTtl.
        clock.advance(settings.sessionStatusTtl());
        assertThat(codeOf(() -> b.validate(first.accessToken()))).isEqualTo(ErrorCode.TOKEN_REVOKED);

        // A revocation B misses while disconnected is honoured as soon as it reconnects, whatever the TTL.
        b.validate(second.accessToken());
        a.logout(a.validate(second.accessToken()), CLIENT);
        assertThat(b.validate(second.accessToken()).sessionId()).isEqualTo(second.sessionId());
        listenerB.open();
        heardByB.await("*");
        assertThat(codeOf(() -> b.validate(second.accessToken()))).isEqualTo(ErrorCode.TOKEN_REVOKED);

        // And the push path works again.
        b.validate(third.accessToken());
        a.logout(a.validate(third.accessToken()), CLIENT);
        heardByB.await("s:" + third.sessionId());
        assertThat(codeOf(() -> b.validate(third.accessToken()))).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(heardByB.heard()).doesNotContain("s:" + first.sessionId(), "s:" + second.sessionId());
    }

    @Test
    @DisplayName("repeat validation on B stays a cache hit while other sessions are revoked and pushed")
    void repeatValidationUnaffected() throws InterruptedException {
        newUser("ida");
        newUser("jon");
        TokenPair kept = login("ida");
        b.validate(kept.accessToken());
        ValidationStats stats = Portcullis.validationStats(b).orElseThrow();
        long firstSights = stats.firstSightCount();
        long repeats = stats.repeatCount();

        for (int i = 0; i < 5; i++) {
            TokenPair other = login("jon");
            a.logout(a.validate(other.accessToken()), CLIENT);
            heardByB.await("s:" + other.sessionId());
            AuthPrincipal p = b.validate(kept.accessToken());
            assertThat(p.sessionId()).isEqualTo(kept.sessionId());
        }
        assertThat(stats.firstSightCount()).isEqualTo(firstSights);
        assertThat(stats.repeatCount()).isEqualTo(repeats + 5);
    }

    @Test
    @DisplayName("H2 has no feed: a single process needs none")
    void h2HasNoFeed() {
        try (Backend h2 = Backend.of(Backend.Kind.H2_MEMORY)) {
            assertThat(h2.jdbc.stores().invalidations()).isSameAs(InvalidationFeed.NONE);
        }
    }

    /** Ends every listening session of the feeds on this database; returns how many. */
    private int terminateListeners() throws SQLException {
        try (Connection conn = backend.dataSource.getConnection(); Statement s = conn.createStatement();
             var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE datname = current_database() AND application_name = '"
                     + PostgresInvalidationFeed.APPLICATION_NAME + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Every message B's feed delivered, in order, as its payload would spell it ({@code *} for "forget all"). */
    static final class Recorder implements InvalidationFeed.Listener {
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final List<String> heard = new ArrayList<>();

        @Override
        public void sessionRevoked(String sessionId) {
            queue.add("s:" + sessionId);
        }

        @Override
        public void userChanged(String userId) {
            queue.add("u:" + userId);
        }

        @Override
        public void signingKeysChanged() {
            queue.add("k");
        }

        @Override
        public void invalidateAll() {
            queue.add("*");
        }

        /** Waits for {@code message}, keeping what came before it in {@link #heard()}. */
        void await(String message) throws InterruptedException {
            while (true) {
                String next = queue.poll(GUARD_SECONDS, TimeUnit.SECONDS);
                assertThat(next).as("message %s never arrived", message).isNotNull();
                if (next.equals(message)) {
                    heard.add(next);
                    return;
                }
                heard.add(next);
            }
        }

        /** What was delivered so far (after {@link #drain()}); includes messages not yet awaited. */
        List<String> heard() {
            queue.drainTo(heard);
            return List.copyOf(heard);
        }

        /** Forgets everything heard so far. */
        void drain() {
            queue.clear();
            heard.clear();
        }
    }

    /** A DataSource whose {@link #getConnection()} blocks while the gate is closed: the feed's connection, under the test's control. */
    static final class GatedDataSource implements DataSource {
        private final DataSource delegate;
        private volatile CountDownLatch opened = new CountDownLatch(0);
        private volatile CountDownLatch blocked = new CountDownLatch(1);

        GatedDataSource(DataSource delegate) {
            this.delegate = delegate;
        }

        void close() {
            blocked = new CountDownLatch(1);
            opened = new CountDownLatch(1);
        }

        void open() {
            opened.countDown();
        }

        void awaitBlocked() throws InterruptedException {
            assertThat(blocked.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("the feed asked for a connection").isTrue();
        }

        @Override
        public Connection getConnection() throws SQLException {
            CountDownLatch gate = opened;
            if (gate.getCount() > 0) {
                blocked.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted");
                }
            }
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return delegate.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return delegate.isWrapperFor(iface);
        }
    }
}
