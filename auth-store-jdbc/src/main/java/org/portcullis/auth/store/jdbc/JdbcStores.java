package org.portcullis.auth.store.jdbc;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

import javax.crypto.SecretKey;
import javax.sql.DataSource;

import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.ExternalIdentityStore;
import org.portcullis.auth.api.InvalidationFeed;
import org.portcullis.auth.api.StoreTransactions;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.Stores;

/**
 * Every Portcullis store on one JDBC {@link DataSource}, H2 or PostgreSQL: users, sessions with
 * their refresh-token lineage, failed-attempt counters, signing keys (private parts encrypted
 * with AES-GCM under the key-encryption key you supply) and a queryable audit log, plus a
 * {@link StoreTransactions} that all of them join.
 *
 * <pre>{@code
 * JdbcStores jdbc = JdbcStores.create(dataSource, kek);  // kek: an AES key from your secret manager
 * jdbc.migrate();                                         // or run the schema script with your own tool
 * AuthService auth = Portcullis.builder().stores(jdbc.stores()).build();
 * }</pre>
 *
 * <p><b>Schema.</b> One script per dialect, shipped on the classpath at
 * {@code org/portcullis/auth/store/jdbc/schema-h2.sql} and
 * {@code org/portcullis/auth/store/jdbc/schema-postgresql.sql} ({@link JdbcDialect#schemaResource()}).
 * It creates tables {@code portcullis_users}, {@code portcullis_sessions},
 * {@code portcullis_refresh_tokens}, {@code portcullis_attempts}, {@code portcullis_signing_keys},
 * {@code portcullis_audit_events} and {@code portcullis_schema_version}, with an index for every
 * lookup the stores make. {@link #migrate()} runs it when the recorded version is older than
 * {@link #SCHEMA_VERSION}; calling it again changes nothing.
 *
 * <p><b>Connections.</b> Bring a pooled {@code DataSource} (HikariCP, say): the stores borrow a
 * connection per call, or share one per transaction, and switch on autocommit if the pool hands
 * the connection out with it off (they commit their own transactions; the pool restores its
 * setting when the connection goes back). Store methods called inside
 * {@code stores().transactions().inTransaction(...)} on the same thread join that transaction; a
 * method that refuses its input there ({@code IllegalArgumentException}: an id or hash taken) may
 * have written part of itself into it, so let the exception end the transaction, which then rolls
 * back. Only {@code SessionStore.rotateAndRecord} undoes its own part (under a savepoint), so the
 * caller may go on after it.
 *
 * <p><b>Revocations across nodes.</b> On PostgreSQL, every write that ends sessions or changes
 * keys (revoke, revoke-all, enable/disable a user, key publish/retire) sends a {@code NOTIFY} on
 * channel {@code portcullis_invalidation} in its own transaction, and {@code stores().invalidations()}
 * is a feed that {@code LISTEN}s on one connection of {@code dataSource} while an engine is
 * subscribed, so other nodes evict their cached view within milliseconds of the commit. On H2 (one
 * process) there is no feed: {@link InvalidationFeed#NONE}. {@link Builder#invalidationFeed(boolean)}
 * switches it off, for a PostgreSQL-compatible database without {@code LISTEN/NOTIFY}.
 *
 * <p><b>Failures.</b> Any database failure surfaces as {@link StoreUnavailableException}, whose
 * message and cause never contain statement parameters (token hashes) or row values.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class JdbcStores {

    /** The schema version this library reads and writes, as recorded in {@code portcullis_schema_version}. */
    public static final int SCHEMA_VERSION = SchemaMigrator.CURRENT_VERSION;

    private final JdbcDialect dialect;
    private final Stores stores;
    private final JdbcAuditLog auditLog;
    private final SchemaMigrator migrator;
    private final JdbcExternalIdentityStore externalIdentities;

    private JdbcStores(Builder b, JdbcDialect dialect) {
        this.dialect = dialect;
        Jdbi jdbi = Jdbi.create(autocommitting(b.dataSource));
        // Jdbi's exception messages name bound parameters by default; ours must not (they may be token hashes).
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        boolean push = b.invalidationFeed && dialect == JdbcDialect.POSTGRESQL;
        Db db = new Db(jdbi, dialect, push);
        this.auditLog = new JdbcAuditLog(db);
        this.stores = new Stores(new JdbcUserStore(db), new JdbcSessionStore(db), new JdbcAttemptStore(db),
                new JdbcSigningKeyStore(db, new KeyEncryption(b.kek, b.random)), auditLog, new JdbcTransactions(db),
                push ? PostgresInvalidationFeed.create(b.listenerDataSource != null ? b.listenerDataSource : b.dataSource)
                        : InvalidationFeed.NONE);
        this.migrator = new SchemaMigrator(db);
        this.externalIdentities = new JdbcExternalIdentityStore(db);
    }

    /**
     * The connections of {@code dataSource} in autocommit mode, as Jdbi needs them to demarcate
     * transactions itself. A pool may hand them out with autocommit off (HikariCP's
     * {@code autoCommit=false}, often set where the pool also serves JPA): Jdbi takes such a
     * connection as enrolled in a transaction that its owner commits, so it would commit nothing,
     * and a statement meant to commit alone (the recorded rotation on PostgreSQL) would be rolled
     * back when the pool takes the connection back. Every write would be lost without an error. A
     * connection fresh from a pool has no work pending, so switching autocommit on commits nothing;
     * the pool restores its own setting when the connection is returned.
     */
    static ConnectionFactory autocommitting(DataSource dataSource) {
        return () -> {
            Connection c = dataSource.getConnection();
            try {
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                return c;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        };
    }

    /**
     * Stores on {@code dataSource}, whose dialect is read from the database itself (this opens one
     * connection).
     *
     * @param dataSource a pooled data source of an H2 or PostgreSQL database
     * @param kek        the AES key (128, 192 or 256 bits) that encrypts signing keys at rest; every
     *                   node sharing the database needs the same one
     * @throws StoreUnavailableException if the database cannot be reached to read its dialect
     * @throws IllegalArgumentException  if the database is neither H2 nor PostgreSQL, or {@code kek} is not AES
     */
    public static JdbcStores create(DataSource dataSource, SecretKey kek) {
        return builder(dataSource, kek).build();
    }

    /** A builder, for a fixed dialect (no connection at build time) or another source of randomness. */
    public static Builder builder(DataSource dataSource, SecretKey kek) {
        return new Builder(dataSource, kek);
    }

    /** Every store, ready for {@code Portcullis.builder().stores(...)}. Its audit sink is {@link #auditLog()}. */
    public Stores stores() {
        return stores;
    }

    /** The audit trail's query side: by user, type and time range, paged by cursor. */
    public AuditLog auditLog() {
        return auditLog;
    }

    /**
     * The links of external identities (OpenID provider subjects) to users, on the same database,
     * for {@code Portcullis.builder().externalIdentities(...)}; table
     * {@code portcullis_external_identities} (schema version 2).
     */
    public ExternalIdentityStore externalIdentities() {
        return externalIdentities;
    }

    /** The transaction all stores join. */
    public StoreTransactions transactions() {
        return stores.transactions();
    }

    /** The database dialect in use. */
    public JdbcDialect dialect() {
        return dialect;
    }

    /**
     * Creates or upgrades the schema to {@link #SCHEMA_VERSION}. Idempotent: on an up-to-date
     * schema it only reads the version. Safe to call from several nodes at once.
     *
     * @return the schema version now installed
     * @throws StoreUnavailableException if the database cannot be reached or refuses the DDL
     * @throws IllegalStateException     if the database holds a newer schema than this library knows
     */
    public int migrate() {
        return migrator.migrate();
    }

    /**
     * The schema version recorded in the database; empty when no schema is installed.
     *
     * @throws StoreUnavailableException if the database cannot be reached
     */
    public Optional<Integer> installedSchemaVersion() {
        return migrator.installedVersion();
    }

    /** The schema script of a dialect, as {@link #migrate()} runs it. */
    public static String schemaScript(JdbcDialect dialect) {
        return SchemaMigrator.script(Objects.requireNonNull(dialect, "dialect"));
    }

    @Override
    public String toString() {
        return "JdbcStores[" + dialect + "]";
    }

    /** Builds {@link JdbcStores}. Not thread-safe. */
    public static final class Builder {
        private final DataSource dataSource;
        private final SecretKey kek;
        private JdbcDialect dialect;
        private SecureRandom random;
        private boolean invalidationFeed = true;
        private DataSource listenerDataSource;

        private Builder(DataSource dataSource, SecretKey kek) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.kek = KeyEncryption.requireAesKey(kek);
        }

        /** The dialect, when known; otherwise {@link #build()} asks the database. */
        public Builder dialect(JdbcDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /** Where nonces for key encryption come from; default a new {@link SecureRandom}. */
        public Builder secureRandom(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Whether, on PostgreSQL, revoking writes send {@code NOTIFY} and the stores offer an
         * {@link InvalidationFeed} that listens for them; default {@code true}. Switch it off on a
         * PostgreSQL-compatible engine that lacks {@code LISTEN/NOTIFY} (CockroachDB, for one):
         * revocations then reach other nodes within {@code sessionStatusTtl}. No effect on H2.
         */
        public Builder invalidationFeed(boolean enabled) {
            this.invalidationFeed = enabled;
            return this;
        }

        /**
         * Where the invalidation feed takes its one long-lived listening connection from; default
         * the stores' own {@code DataSource}. Give a direct (unpooled, or session-pooled) source
         * when the stores' pool runs through a transaction-pooling proxy such as PgBouncer, which
         * does not keep a {@code LISTEN} on one server session.
         */
        public Builder listenerDataSource(DataSource dataSource) {
            this.listenerDataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * Builds the stores. Opens one connection only when no dialect was set.
         *
         * @throws StoreUnavailableException if the dialect must be read and the database cannot be reached
         * @throws IllegalArgumentException  if the database is neither H2 nor PostgreSQL
         */
        public JdbcStores build() {
            if (random == null) {
                random = new SecureRandom();
            }
            return new JdbcStores(this, dialect != null ? dialect : detect(dataSource));
        }

        private static JdbcDialect detect(DataSource dataSource) {
            try (Connection c = dataSource.getConnection()) {
                return JdbcDialect.fromProductName(c.getMetaData().getDatabaseProductName());
            } catch (SQLException e) {
                throw Db.translate("dialect detection", new JdbiUnavailable(e));
            }
        }
    }

    /** Lets a plain {@link SQLException} go through the same redacting translation as Jdbi's. */
    private static final class JdbiUnavailable extends JdbiException {
        private static final long serialVersionUID = 1L;

        JdbiUnavailable(SQLException cause) {
            super("connection failed", cause);
        }
    }
}
