package org.portcullis.auth.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.jdbc.JdbcStores;

/**
 * Two engine nodes on one embedded PostgreSQL (zonky, started in this JVM, default server
 * settings), each with its own HikariCP pool and its own {@link JdbcStores}, as two processes of a
 * cluster would be; the real clock; cheap password hashing (logins are not what is measured).
 */
final class TwoPostgresNodes implements AutoCloseable {

    static final PasswordHasher CHEAP = PasswordHasher.withParameters(64, 1, 1);

    final EmbeddedPostgres server;
    final HikariDataSource poolA;
    final HikariDataSource poolB;
    final JdbcStores storesA;
    final JdbcStores storesB;
    final AuthService a;
    final AuthService b;

    TwoPostgresNodes(boolean feed) {
        try {
            server = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        SecretKey kek = new SecretKeySpec(k, "AES");
        String url = server.getJdbcUrl("postgres", "postgres");
        poolA = pool(url);
        poolB = pool(url);
        storesA = JdbcStores.builder(poolA, kek).invalidationFeed(feed).build();
        storesA.migrate();
        storesB = JdbcStores.builder(poolB, kek).invalidationFeed(feed).build();
        Clock clock = Clock.systemUTC();
        AuthSettings settings = AuthSettings.defaults();
        a = Portcullis.builder().stores(storesA.stores()).clock(clock).settings(settings).passwordHasher(CHEAP)
                .startCleanupJob(false).build();
        b = Portcullis.builder().stores(storesB.stores()).clock(clock).settings(settings).passwordHasher(CHEAP)
                .startCleanupJob(false).build();
    }

    private static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    /** Creates user {@code name} (password "pw") and returns its id. */
    String addUser(String name) {
        String id = "id-" + name;
        storesA.stores().users().create(new UserRecord(id, name, CHEAP.hash("pw"), Set.of("user"), true));
        return id;
    }

    @Override
    public void close() {
        a.close();
        b.close();
        poolA.close();
        poolB.close();
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
