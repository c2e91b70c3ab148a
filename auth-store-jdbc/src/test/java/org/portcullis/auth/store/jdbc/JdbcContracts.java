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

/**
 * What the JDBC runs of the auth-store-tck contract suites share: one migrated database per
 * backend kind, emptied before each test, and the connection pools a test opens. The suites
 * themselves are bound in {@code Jdbc*Contract} (one per store SPI, declaring every optional
 * capability: durability through a new pool over the same database, failing closed by closing
 * the pool under the store, encryption at rest by reading the stored column), and run once per
 * backend by the {@code H2Memory*Test}, {@code H2File*Test} and {@code Postgres*Test} classes,
 * so that Surefire files each store's results under its own class.
 */
final class JdbcContracts {

    private static final Map<Backend.Kind, Database> DATABASES = new EnumMap<>(Backend.Kind.class);

    private JdbcContracts() {
    }

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
                            + " portcullis_signing_keys, portcullis_audit_events, portcullis_external_identities");
                } else {
                    for (String t : List.of("portcullis_refresh_tokens", "portcullis_sessions", "portcullis_users",
                            "portcullis_attempts", "portcullis_signing_keys", "portcullis_audit_events",
                            "portcullis_external_identities")) {
                        s.execute("DELETE FROM " + t);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static Database database(Backend.Kind kind) {
        synchronized (DATABASES) {
            return DATABASES.computeIfAbsent(kind, Database::new);
        }
    }

    /** The pools a test opened: closed after it, or under it to cut the store off. */
    static final class Pools {
        private final List<HikariDataSource> open = new ArrayList<>();
        private final Backend.Kind kind;

        Pools(Backend.Kind kind) {
            this.kind = kind;
        }

        private Database database() {
            return JdbcContracts.database(kind);
        }

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
}
