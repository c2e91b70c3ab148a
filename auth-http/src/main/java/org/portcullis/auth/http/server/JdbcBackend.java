package org.portcullis.auth.http.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.store.jdbc.JdbcStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.SecretKey;

/**
 * The JDBC store on a small HikariCP pool: an H2 file by default, PostgreSQL by URL. Creates or
 * upgrades the schema with {@link JdbcStores#migrate()} before anything else touches it.
 */
final class JdbcBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBackend.class);

    private final HikariDataSource pool;
    private final JdbcStores jdbc;

    private JdbcBackend(HikariDataSource pool, JdbcStores jdbc) {
        this.pool = pool;
        this.jdbc = jdbc;
    }

    static JdbcBackend open(ServerConfig config, SecretKey kek) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("portcullis");
        hc.setJdbcUrl(config.dbUrl());
        hc.setUsername(config.dbUser());
        hc.setPassword(config.dbPassword());
        hc.setMaximumPoolSize(Math.max(4, Math.min(config.threads(), 32)));
        hc.setMinimumIdle(1);
        // Fail fast when the database is gone: a health check or a login should answer 503 in
        // seconds, not hang a worker thread for Hikari's default 30 s.
        hc.setConnectionTimeout(3_000);
        hc.setValidationTimeout(2_000);
        // Start even when the database is down; requests answer 503 until it is back.
        hc.setInitializationFailTimeout(-1);
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            JdbcStores jdbc = JdbcStores.create(pool, kek);
            int version = jdbc.migrate();
            LOG.info("database schema at version {} ({})", version, jdbc.dialect());
            return new JdbcBackend(pool, jdbc);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    @Override
    public Stores stores() {
        return jdbc.stores();
    }

    @Override
    public void close() {
        pool.close();
    }
}
