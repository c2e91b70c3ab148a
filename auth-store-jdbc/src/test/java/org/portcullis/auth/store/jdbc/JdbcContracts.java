package org.portcullis.auth.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.SecretKey;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Nested;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.store.tck.MutableClock;
import org.portcullis.auth.store.tck.AttemptStoreContract;
import org.portcullis.auth.store.tck.AuditLogContract;
import org.portcullis.auth.store.tck.SessionStoreContract;
import org.portcullis.auth.store.tck.SigningKeyStoreContract;
import org.portcullis.auth.store.tck.UserStoreContract;

/**
 * Runs every contract suite of auth-store-tck against the JDBC stores, once per database (the
 * subclasses). Each test gets emptied tables and its own connection pool; the optional
 * capabilities are all declared: durability (a new pool and new stores over the same database),
 * failing closed (the pool is closed under the store) and encryption at rest (the stored
 * column is read back).
 */
abstract class JdbcContracts {

    private static final Map<Backend.Kind, Database> DATABASES = new EnumMap<>(Backend.Kind.class);

    abstract Backend.Kind kind();

    /** One migrated database per kind for all contract tests; emptied before each test. */
    static final class Database {
        final Backend.Kind kind;
        final String url;
        final SecretKey kek = Backend.newKek();
        final JdbcDialect dialect;

        Database(Backend.Kind kind) {
            this.kind = kind;
            // Kept open (DB_CLOSE_DELAY=-1) across the per-test pools; its directory is removed at JVM exit.
            java.nio.file.Path dir = TempDirs.create("portcullis-h2-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> TempDirs.delete(dir)));
            this.url = Backend.url(kind, dir).replace(";LOCK_TIMEOUT", ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT");
            this.dialect = kind == Backend.Kind.POSTGRESQL ? JdbcDialect.POSTGRESQL : JdbcDialect.H2;
            try (HikariDataSource ds = Backend.pool(url, 1)) {
                JdbcStores.builder(ds, kek).dialect(dialect).build().migrate();
            }
        }

        void empty() {
            try (HikariDataSource ds = Backend.pool(url, 1); Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                if (dialect == JdbcDialect.POSTGRESQL) {
                    s.execute("TRUNCATE portcullis_refresh_tokens, portcullis_sessions, portcullis_users, portcullis_attempts,"
                            + " portcullis_signing_keys, portcullis_audit_events");
                } else {
                    for (String t : List.of("portcullis_refresh_tokens", "portcullis_sessions", "portcullis_users",
                            "portcullis_attempts", "portcullis_signing_keys", "portcullis_audit_events")) {
                        s.execute("DELETE FROM " + t);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    Database database() {
        synchronized (DATABASES) {
            return DATABASES.computeIfAbsent(kind(), Database::new);
        }
    }

    /** The pools a test opened: closed after it, or under it to cut the store off. */
    final class Pools {
        private final List<HikariDataSource> open = new ArrayList<>();

        JdbcStores fresh() {
            database().empty();
            return another();
        }

        JdbcStores another() {
            HikariDataSource ds = Backend.pool(database().url, 40);
            ds.setConnectionTimeout(500);
            open.add(ds);
            return JdbcStores.builder(ds, database().kek).dialect(database().dialect).build();
        }

        void closeAll() {
            open.forEach(HikariDataSource::close);
        }

        Optional<byte[]> storedPrivateKey(String kid) {
            try (HikariDataSource ds = Backend.pool(database().url, 1); Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT encrypted_private_key FROM portcullis_signing_keys WHERE kid = ?")) {
                ps.setString(1, kid);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Nested
    class Sessions extends SessionStoreContract {
        final Pools pools = new Pools();

        @Override
        protected SessionStore createStore(MutableClock clock) {
            return pools.fresh().stores().sessions();
        }

        @Override
        protected void closeStore(SessionStore store) {
            pools.closeAll();
        }

        @Override
        protected Optional<SessionStore> reopen(SessionStore store) {
            return Optional.of(pools.another().stores().sessions());
        }

        @Override
        protected boolean canMakeUnavailable() {
            return true;
        }

        @Override
        protected void makeUnavailable(SessionStore store) {
            pools.closeAll();
        }
    }

    @Nested
    class Users extends UserStoreContract {
        final Pools pools = new Pools();

        @Override
        protected UserStore createStore(MutableClock clock) {
            return pools.fresh().stores().users();
        }

        @Override
        protected void closeStore(UserStore store) {
            pools.closeAll();
        }

        @Override
        protected Optional<UserStore> reopen(UserStore store) {
            return Optional.of(pools.another().stores().users());
        }

        @Override
        protected boolean canMakeUnavailable() {
            return true;
        }

        @Override
        protected void makeUnavailable(UserStore store) {
            pools.closeAll();
        }
    }

    @Nested
    class Attempts extends AttemptStoreContract {
        final Pools pools = new Pools();

        @Override
        protected AttemptStore createStore(MutableClock clock) {
            return pools.fresh().stores().attempts();
        }

        @Override
        protected void closeStore(AttemptStore store) {
            pools.closeAll();
        }

        @Override
        protected Optional<AttemptStore> reopen(AttemptStore store) {
            return Optional.of(pools.another().stores().attempts());
        }

        @Override
        protected boolean canMakeUnavailable() {
            return true;
        }

        @Override
        protected void makeUnavailable(AttemptStore store) {
            pools.closeAll();
        }
    }

    @Nested
    class SigningKeys extends SigningKeyStoreContract {
        final Pools pools = new Pools();

        @Override
        protected SigningKeyStore createStore(MutableClock clock) {
            return pools.fresh().stores().signingKeys();
        }

        @Override
        protected void closeStore(SigningKeyStore store) {
            pools.closeAll();
        }

        @Override
        protected Optional<SigningKeyStore> reopen(SigningKeyStore store) {
            return Optional.of(pools.another().stores().signingKeys());
        }

        @Override
        protected boolean canMakeUnavailable() {
            return true;
        }

        @Override
        protected void makeUnavailable(SigningKeyStore store) {
            pools.closeAll();
        }

        @Override
        protected Optional<byte[]> storedPrivateKeyBytes(SigningKeyStore store, String kid) {
            return pools.storedPrivateKey(kid);
        }
    }

    @Nested
    class Audit extends AuditLogContract {
        final Pools pools = new Pools();

        @Override
        protected AuditLog createStore(MutableClock clock) {
            return pools.fresh().auditLog();
        }

        @Override
        protected void closeStore(AuditLog store) {
            pools.closeAll();
        }

        @Override
        protected Optional<AuditLog> reopen(AuditLog store) {
            return Optional.of(pools.another().auditLog());
        }

        @Override
        protected boolean canMakeUnavailable() {
            return true;
        }

        @Override
        protected void makeUnavailable(AuditLog store) {
            pools.closeAll();
        }
    }
}
