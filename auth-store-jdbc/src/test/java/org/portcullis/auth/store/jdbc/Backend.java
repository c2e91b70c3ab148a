package org.portcullis.auth.store.jdbc;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.UUID;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A real database for tests: a HikariCP pool on H2 (in memory or a file) or on a fresh
 * database of the shared embedded PostgreSQL, with the schema migrated.
 */
final class Backend implements AutoCloseable {

    enum Kind { H2_MEMORY, H2_FILE, POSTGRESQL }

    final Kind kind;
    final String url;
    final HikariDataSource dataSource;
    final SecretKey kek;
    final JdbcStores jdbc;
    private final Path directory;

    private Backend(Kind kind, Path directory, int poolSize) {
        this.kind = kind;
        this.directory = directory;
        this.url = url(kind, directory);
        this.dataSource = pool(url, poolSize);
        this.kek = newKek();
        this.jdbc = JdbcStores.create(dataSource, kek);
        jdbc.migrate();
    }

    static Backend of(Kind kind) {
        return of(kind, 16);
    }

    static Backend of(Kind kind, int poolSize) {
        return new Backend(kind, kind == Kind.H2_FILE ? TempDirs.create("portcullis-h2-") : null, poolSize);
    }

    /** A URL of a new, empty database; for H2 files, in {@code directory}. */
    static String url(Kind kind, Path directory) {
        return switch (kind) {
            case H2_MEMORY -> "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
            case H2_FILE -> "jdbc:h2:file:" + directory.resolve("portcullis") + ";LOCK_TIMEOUT=10000";
            case POSTGRESQL -> SharedPostgres.newDatabaseUrl();
        };
    }

    static HikariDataSource pool(String url, int poolSize) {
        return pool(url, poolSize, c -> { });
    }

    static HikariDataSource pool(String url, int poolSize, java.util.function.Consumer<HikariConfig> customizer) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (url.startsWith("jdbc:h2:")) {
            config.setUsername("sa");
            config.setPassword("");
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        // Generous on purpose: the first connection opens the H2 file (or reaches PostgreSQL) in a cold
        // JVM, which took over 2 s on a loaded 2-core build machine. Tests that take a database down
        // set a short timeout of their own.
        config.setConnectionTimeout(20_000);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        customizer.accept(config);
        return new HikariDataSource(config);
    }

    static SecretKey newKek() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new SecretKeySpec(k, "AES");
    }

    @Override
    public void close() {
        dataSource.close();
        if (directory != null) {
            // An in-memory H2 database lives on until the JVM ends; a file one closes with its last connection.
            TempDirs.delete(directory);
        }
    }

    @Override
    public String toString() {
        return kind.toString();
    }
}
