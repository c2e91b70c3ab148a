package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.StoreTransactions;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;

/**
 * What only the JDBC stores do, beyond the store contracts (those run in the
 * {@code H2Memory*Test}, {@code H2File*Test} and {@code Postgres*Test} contract classes): column
 * limits, key encryption at rest with its own checks, idempotent audit inserts, transactions and
 * the schema. Run once per database by the subclasses (H2 in memory, H2 file, PostgreSQL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoresSpec {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final ClientInfo CLIENT = new ClientInfo("192.0.2.7", "JUnit");

    Backend backend;

    abstract Backend.Kind kind();

    @BeforeAll
    void open() {
        backend = Backend.of(kind(), 70);
    }

    @AfterAll
    void close() {
        backend.close();
    }

    UserStore users() {
        return backend.jdbc.stores().users();
    }

    SessionStore sessions() {
        return backend.jdbc.stores().sessions();
    }

    AttemptStore attempts() {
        return backend.jdbc.stores().attempts();
    }

    SigningKeyStore keys() {
        return backend.jdbc.stores().signingKeys();
    }

    AuditLog audit() {
        return backend.jdbc.auditLog();
    }

    StoreTransactions transactions() {
        return backend.jdbc.transactions();
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    static Session session(String userId, Instant now) {
        return Session.start(id(), userId, "alice", Set.of("user", "admin"), now, now.plus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1)), CLIENT);
    }

    UserRecord user(String name) {
        return new UserRecord(id(), name, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", Set.of("user", "a,b", "100%"),
                true);
    }

    @Test
    @DisplayName("the user store: finds nobody for an unknown or absurdly long username")
    void unknownUser() {
        assertThat(users().findByUsername("nobody-" + id())).isEmpty();
        assertThat(users().findByUsername("x".repeat(5000))).isEmpty();
    }

    @Test
    @DisplayName("the session store: keeps a session of a user whose id is long (an LDAP DN, say)")
    void longUserId() {
        String user = "cn=" + "x".repeat(600) + ",ou=people,dc=example,dc=org," + id();
        Session s = session(user, T0);
        sessions().create(s, "h-" + id());
        assertThat(sessions().findActiveByUser(user, T0)).containsExactly(s);
    }

    final Duration window = Duration.ofMinutes(15);

    @Test
    @DisplayName("the attempt store: counts under a key longer than the column (built from oversized client input) like any other")
    void longKey() {
        String key = "ip:" + "9".repeat(5000) + id();
        attempts().recordFailure(key, T0, window);
        AttemptState second = attempts().recordFailure(key, T0.plusSeconds(1), window);
        assertThat(second.key()).isEqualTo(key);
        assertThat(second.failures()).isEqualTo(2);
        assertThat(attempts().find(key, T0)).contains(second);
        attempts().reset(key);
        assertThat(attempts().find(key, T0)).isEmpty();
    }

    SigningKey key(Instant created) {
        byte[] priv = new byte[48];
        new java.security.SecureRandom().nextBytes(priv);
        return new SigningKey("kid-" + id(), SigningAlgorithm.EdDSA, new byte[] {1, 2, 3}, priv, created, created,
                Optional.empty(), Optional.empty());
    }

    @Test
    @DisplayName("the signing-key store: stores the private part encrypted, with a fresh nonce each time")
    void encryptedAtRest() throws Exception {
        SigningKey a = key(T0);
        SigningKey sameMaterial = new SigningKey("kid-" + id(), a.algorithm(), a.publicKey(), a.privateKey(), T0, T0,
                Optional.empty(), Optional.empty());
        keys().create(a);
        keys().create(sameMaterial);
        byte[] sealedA = rawPrivate(a.kid());
        byte[] sealedB = rawPrivate(sameMaterial.kid());
        assertThat(indexOf(sealedA, a.privateKey())).isEqualTo(-1);
        assertThat(java.util.Arrays.copyOfRange(sealedA, 1, 13)).isNotEqualTo(java.util.Arrays.copyOfRange(sealedB, 1, 13));
        assertThat(sealedA.length).isEqualTo(1 + 12 + a.privateKey().length + 16);
    }

    @Test
    @DisplayName("the signing-key store: cannot be read with another key-encryption key: fails closed")
    void wrongKek() {
        keys().create(key(T0));
        JdbcStores other = JdbcStores.create(backend.dataSource, Backend.newKek());
        assertThatThrownBy(() -> other.stores().signingKeys().findAll())
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("cannot be decrypted");
    }

    @Test
    @DisplayName("the signing-key store: notices a row whose algorithm was altered")
    void algorithmBound() throws Exception {
        SigningKey a = key(T0);
        keys().create(a);
        try (Connection c = backend.dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE portcullis_signing_keys SET algorithm = 'HS256' WHERE kid = ?")) {
            ps.setString(1, a.kid());
            ps.executeUpdate();
        }
        try {
            assertThatThrownBy(() -> keys().findAll()).isInstanceOf(StoreUnavailableException.class);
        } finally {
            try (Connection c = backend.dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("DELETE FROM portcullis_signing_keys WHERE kid = ?")) {
                ps.setString(1, a.kid());
                ps.executeUpdate();
            }
        }
    }

    private byte[] rawPrivate(String kid) throws Exception {
        try (Connection c = backend.dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT encrypted_private_key FROM portcullis_signing_keys WHERE kid = ?")) {
            ps.setString(1, kid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        }
    }

    private int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    AuditEvent event(String user, AuditEventType type, Instant at) {
        return AuditEvent.builder(type, at).user(user, "name-" + user).session("s").client(CLIENT).reason("r").build();
    }

    @Test
    @DisplayName("the audit log: keeps one copy of an event recorded twice")
    void dedup() {
        String user = id();
        AuditEvent e = event(user, AuditEventType.LOGGED_OUT, T0);
        audit().record(e);
        audit().record(e);
        assertThat(audit().query(AuditQuery.all().forUser(user)).events()).containsExactly(e);
    }

    @Test
    @DisplayName("the audit log: a reason longer than its column is kept in part, the write not refused")
    void longReason() {
        String user = id();
        AuditEvent e = AuditEvent.builder(AuditEventType.KEY_ROTATED, T0).user(user, "name-" + user).client(CLIENT)
                .reason("keys_rotate operator=" + "o".repeat(1000)).build();
        audit().record(e);
        assertThat(audit().query(AuditQuery.all().forUser(user)).events()).singleElement()
                .satisfies(stored -> assertThat(stored.reason()).hasSize(JdbcAuditLog.MAX_REASON).startsWith("keys_rotate operator=ooo"));
    }

    @Test
    @DisplayName("the audit log: rejects a malformed cursor")
    void badCursor() {
        assertThatThrownBy(() -> audit().query(AuditQuery.all().after("not a cursor!")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("transactions: commit a session and its audit event together")
    void commitTogether() {
        Session s = session(id(), T0);
        AuditEvent e = AuditEvent.builder(AuditEventType.LOGIN_SUCCEEDED, T0).user(s.userId(), "alice").session(s.id()).build();
        transactions().inTransaction(() -> {
            sessions().create(s, "h-" + id());
            audit().record(e);
            return null;
        });
        assertThat(sessions().find(s.id())).isPresent();
        assertThat(audit().query(AuditQuery.all().forUser(s.userId())).events()).containsExactly(e);
    }

    @Test
    @DisplayName("transactions: roll back every store write when the work throws, and let the exception through unchanged")
    void rollBackTogether() {
        Session s = session(id(), T0);
        String hash = "h-" + id();
        sessions().create(s, hash);
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> transactions().inTransaction(() -> {
            sessions().rotate(s.id(), hash, "n-" + id(), T0.plusSeconds(1), T0.plus(Duration.ofHours(2)));
            audit().record(AuditEvent.builder(AuditEventType.TOKEN_REFRESHED, T0).user(s.userId(), "alice").build());
            throw boom;
        })).isSameAs(boom);
        assertThat(sessions().findByRefreshTokenHash(hash).orElseThrow().state()).isEqualTo(RefreshTokenMatch.State.CURRENT);
        assertThat(audit().query(AuditQuery.all().forUser(s.userId())).events()).isEmpty();
    }

    @Test
    @DisplayName("transactions: nested transactions join the outer one: an outer rollback undoes the inner work")
    void nestedJoins() {
        Session s = session(id(), T0);
        assertThatThrownBy(() -> transactions().inTransaction(() -> {
            transactions().inTransaction(() -> {
                sessions().create(s, "h-" + id());
                return null;
            });
            assertThat(sessions().find(s.id())).isPresent();
            throw new IllegalStateException("outer fails");
        })).hasMessage("outer fails");
        assertThat(sessions().find(s.id())).isEmpty();
    }

    @Test
    @DisplayName("the schema: migrates idempotently and records its version")
    void idempotent() {
        assertThat(backend.jdbc.migrate()).isEqualTo(JdbcStores.SCHEMA_VERSION);
        assertThat(backend.jdbc.migrate()).isEqualTo(JdbcStores.SCHEMA_VERSION);
        assertThat(backend.jdbc.installedSchemaVersion()).contains(JdbcStores.SCHEMA_VERSION);
    }

    @Test
    @DisplayName("the schema: reports no version on an empty database, and detects its dialect")
    void emptyDatabase() {
        java.nio.file.Path dir = TempDirs.create("portcullis-h2-");
        try (var ds = Backend.pool(Backend.url(kind(), dir), 2)) {
            JdbcStores fresh = JdbcStores.create(ds, Backend.newKek());
            assertThat(fresh.dialect()).isEqualTo(kind() == Backend.Kind.POSTGRESQL ? JdbcDialect.POSTGRESQL : JdbcDialect.H2);
            assertThat(fresh.installedSchemaVersion()).isEmpty();
            assertThat(fresh.migrate()).isEqualTo(JdbcStores.SCHEMA_VERSION);
        } finally {
            TempDirs.delete(dir);
        }
    }
}
