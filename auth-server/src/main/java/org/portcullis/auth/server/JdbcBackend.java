package org.portcullis.auth.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.h2.engine.SysProperties;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.ExternalIdentityStore;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.store.jdbc.JdbcDialect;
import org.portcullis.auth.store.jdbc.JdbcStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.SecretKey;
import javax.sql.DataSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The JDBC store on a small HikariCP pool: an H2 file by default, PostgreSQL by URL. Creates or
 * upgrades the schema with {@link JdbcStores#migrate()} before anything else touches it.
 *
 * <p>Three adjustments for H2. Its commits are written to the database file before the
 * statement returns ({@code WRITE_DELAY=0}, see {@link #effectiveUrl}), so that an acknowledged
 * write survives the process being killed. Its connections get a lock timeout of
 * {@value #H2_LOCK_TIMEOUT_MS} ms unless the URL sets one, so that concurrent refreshes of one
 * session queue for the row instead of failing after H2's default of two seconds. And behind
 * H2's TCP server, whose errors carry no SQLState {@code 08xxx} that HikariCP would recognise,
 * the pool is told which of H2's error codes mean the connection is gone (see
 * {@link H2ConnectionLoss}).
 */
final class JdbcBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBackend.class);

    /** How long a request waits for a pooled connection before its store call fails (503). */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    /** The lock timeout, in milliseconds, given to H2 connections whose URL does not set one. */
    static final int H2_LOCK_TIMEOUT_MS = 10_000;

    private final HikariDataSource pool;
    private final JdbcStores jdbc;

    private JdbcBackend(HikariDataSource pool, JdbcStores jdbc) {
        this.pool = pool;
        this.jdbc = jdbc;
    }

    static JdbcBackend open(ServerConfig config, SecretKey kek) {
        return open(config, kek, true);
    }

    /**
     * Opens the pool; with {@code migrate} creates or upgrades the schema, without it refuses a
     * database whose schema is missing or not the current version (the admin CLI does not change
     * a schema unless told to with {@code db migrate}).
     *
     * @throws IllegalStateException when not migrating and the schema is not current
     */
    static JdbcBackend open(ServerConfig config, SecretKey kek, boolean migrate) {
        DataFolder.prepare(config);
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("portcullis");
        hc.setJdbcUrl(config.isH2File() ? withAutoServer(effectiveUrl(config.dbUrl()), DataFolder.h2Database(config).getParent())
                : effectiveUrl(config.dbUrl()));
        warnIfWriteDelayed(config.dbUrl());
        hc.setUsername(config.dbUser());
        hc.setPassword(config.dbPassword());
        hc.setMaximumPoolSize(Math.max(4, Math.min(config.threads(), 32)));
        hc.setMinimumIdle(1);
        // Fail fast when the database is gone: a health check or a login should answer 503 in
        // seconds, not hang a worker thread for Hikari's default 30 s.
        hc.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        hc.setValidationTimeout(2_000);
        // Start even when the database is down; requests answer 503 until it is back.
        hc.setInitializationFailTimeout(-1);
        // A pooled connection may reach the file through another process's AUTO_SERVER listener.
        H2ConnectionLoss connectionLoss = isH2Remote(config.dbUrl()) || config.isH2File() ? new H2ConnectionLoss() : null;
        if (connectionLoss != null) {
            hc.setExceptionOverride(connectionLoss);
        }
        HikariDataSource pool = new HikariDataSource(hc);
        if (connectionLoss != null) {
            connectionLoss.pool = pool;
        }
        try {
            // The dialect follows from the URL (ServerConfig accepts jdbc:h2: and jdbc:postgresql: only), so
            // building the stores opens no connection; the first one is the schema's, retried below.
            JdbcStores jdbc = JdbcStores.builder(pool, kek).dialect(dialectOf(config.dbUrl())).build();
            if (migrate) {
                int version = firstContact(config, jdbc::migrate);
                LOG.info("database schema at version {} ({})", version, jdbc.dialect());
            } else {
                Optional<Integer> installed = firstContact(config, jdbc::installedSchemaVersion);
                if (installed.isEmpty() || installed.get() != JdbcStores.SCHEMA_VERSION) {
                    throw new IllegalStateException("the database schema is at version " + installed.map(String::valueOf)
                            .orElse("(none)") + ", not " + JdbcStores.SCHEMA_VERSION + ": run 'db migrate' (or start the server) first");
                }
            }
            return new JdbcBackend(pool, jdbc);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The dialect of a URL that {@link ServerConfig} accepted. */
    static JdbcDialect dialectOf(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return JdbcDialect.H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return JdbcDialect.POSTGRESQL;
        }
        throw new IllegalArgumentException("not a jdbc:h2: or jdbc:postgresql: URL");
    }

    /**
     * The first use of the database, tried again while it is unavailable, for about
     * {@link ServerConfig#dbStartTimeout()}: each attempt waits up to {@link #CONNECTION_TIMEOUT}
     * for a connection (a database that is starting, or a machine so loaded that a connection takes
     * longer than that, is not yet a reason to give up), so the number of attempts is the timeout
     * divided by that wait. Anything but unavailability (a newer schema, a refused statement) ends
     * it at once.
     *
     * @throws StoreUnavailableException naming the setting, when the last attempt failed too
     */
    static <T> T firstContact(ServerConfig config, Supplier<T> call) {
        Duration timeout = config.dbStartTimeout();
        long attempts = Math.max(1, -Math.floorDiv(-timeout.toMillis(), CONNECTION_TIMEOUT.toMillis()));
        StoreUnavailableException last = null;
        for (long i = 1; i <= attempts; i++) {
            try {
                return call.get();
            } catch (StoreUnavailableException e) {
                last = e;
                if (i < attempts) {
                    LOG.warn("the database does not answer yet (attempt {} of {}, {} in all): {}", i, attempts,
                            ServerConfig.dbStartTimeoutLabel(), e.getMessage());
                }
            }
        }
        throw new StoreUnavailableException("the database did not answer within " + Durations.format(timeout) + " ("
                + ServerConfig.dbStartTimeoutLabel() + "): " + last.getMessage(), last);
    }

    /**
     * The URL the pool connects with. For H2, the configured one plus, for each of these the URL
     * does not set itself:
     * <ul>
     *   <li>{@code ;WRITE_DELAY=0} (not for {@code jdbc:h2:mem:}): H2 2.x keeps committed changes
     *       in memory and has a background thread write them to the file up to
     *       {@code WRITE_DELAY} later (500 ms by default), so a commit acknowledged to a client
     *       was lost when the process was killed within that delay. With 0, every commit is
     *       written to the file (into the operating system's page cache, not fsynced) before
     *       the statement returns: a killed process loses nothing acknowledged, a power cut
     *       may lose the last commits (see docs/server-operations.md).</li>
     *   <li>{@code ;LOCK_TIMEOUT=}{@value #H2_LOCK_TIMEOUT_MS}.</li>
     * </ul>
     * Any other URL unchanged.
     */
    static String effectiveUrl(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        StringBuilder effective = new StringBuilder(url);
        if (!url.startsWith("jdbc:h2:mem:") && !setsH2Option(url, "WRITE_DELAY")) {
            append(effective, "WRITE_DELAY=0");
        }
        if (!setsH2Option(url, "LOCK_TIMEOUT")) {
            append(effective, "LOCK_TIMEOUT=" + H2_LOCK_TIMEOUT_MS);
        }
        return effective.toString();
    }

    /**
     * An H2 file URL with {@code ;AUTO_SERVER=TRUE} added, so that the server and the admin CLI can
     * use the file at the same time: the first process to open the file opens it in-process and
     * starts a TCP listener for it; every other process connects through that listener instead of
     * failing on the file lock, and takes over as the file's owner when the first one exits.
     *
     * <p>Added only when both hold, otherwise the URL is left as it was (the file is then locked to
     * one process, as before):
     * <ul>
     *   <li>H2's listeners bind to a loopback address ({@link #loopbackOnly()}): H2 starts that
     *       listener as a TCP server accepting other hosts, on every interface unless its bind
     *       address says otherwise;</li>
     *   <li>the database's folder is the owner's alone ({@link DataFolder#ownerOnly}): a connection
     *       names the database by the random key H2 writes, with the listener's port, to the lock
     *       file beside the database, which H2 creates with the umask's permissions, so only the
     *       folder keeps other local users from reading it.</li>
     * </ul>
     * A connection also needs the database's user and password, as an in-process one does. A URL
     * that sets {@code AUTO_SERVER} itself is kept. See docs/server-cli.md.
     */
    static String withAutoServer(String url, Path folder) {
        if (setsH2Option(url, "AUTO_SERVER")) {
            return url;
        }
        if (folder != null && !DataFolder.ownerOnly(folder)) {
            LOG.warn("{} is open to other users: the database file stays locked to this process (no AUTO_SERVER), so the "
                    + "admin commands cannot run while the server runs; chmod 700 it", folder);
            return url;
        }
        if (!loopbackOnly()) {
            LOG.warn("H2's bind address ({}={}) is not a loopback address: the database file stays locked to this process "
                    + "(no AUTO_SERVER), so the admin commands cannot run while the server runs", BIND_ADDRESS_PROPERTY,
                    SysProperties.BIND_ADDRESS);
            return url;
        }
        StringBuilder effective = new StringBuilder(url);
        append(effective, "AUTO_SERVER=TRUE");
        return effective.toString();
    }

    /** The system property H2 reads, once, for the address its TCP listeners bind to. */
    static final String BIND_ADDRESS_PROPERTY = "h2.bindAddress";

    /**
     * Whether H2's listeners in this JVM bind to a loopback address. Sets {@value #BIND_ADDRESS_PROPERTY}
     * to {@code 127.0.0.1} unless it is set, then reads what H2 took: H2 reads the property once, when
     * its settings class loads, so in a JVM where H2 was used before without it the answer is no.
     */
    static boolean loopbackOnly() {
        if (System.getProperty(BIND_ADDRESS_PROPERTY) == null) {
            System.setProperty(BIND_ADDRESS_PROPERTY, "127.0.0.1");
        }
        String bound = SysProperties.BIND_ADDRESS;
        if (bound == null || bound.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(bound.strip()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void append(StringBuilder url, String option) {
        if (url.charAt(url.length() - 1) != ';') {
            url.append(';');
        }
        url.append(option);
    }

    /** Says so when a configured H2 URL gives up the write-through commit that makes acknowledgements durable. */
    private static void warnIfWriteDelayed(String url) {
        if (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:") && setsH2Option(url, "WRITE_DELAY")
                && !setsH2Option(url, "WRITE_DELAY", "0")) {
            LOG.warn("the database URL sets H2's WRITE_DELAY above 0: a write acknowledged within that delay before "
                    + "the process dies is lost");
        }
    }

    /** Whether the URL reaches H2 over the network (its TCP server, plain or TLS). */
    static boolean isH2Remote(String url) {
        return url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:");
    }

    /** Whether an H2 URL sets {@code option} among its {@code ;NAME=value} settings (names are case-insensitive). */
    private static boolean setsH2Option(String url, String option) {
        return setsH2Option(url, option, null);
    }

    /** Whether an H2 URL sets {@code option}, to {@code value} if that is not null. */
    private static boolean setsH2Option(String url, String option, String value) {
        String[] parts = url.split(";");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            String name = (eq < 0 ? parts[i] : parts[i].substring(0, eq)).strip();
            if (name.toUpperCase(Locale.ROOT).equals(option)
                    && (value == null || (eq >= 0 && parts[i].substring(eq + 1).strip().equals(value)))) {
                return true;
            }
        }
        return false;
    }

    /** The pool, for tests that look at what its connections are like. */
    DataSource dataSource() {
        return pool;
    }

    /** The installed schema version. */
    int schemaVersion() {
        return jdbc.installedSchemaVersion().orElse(0);
    }

    /** The audit trail, for reading. */
    AuditLog auditLog() {
        return jdbc.auditLog();
    }

    @Override
    public Stores stores() {
        return jdbc.stores();
    }

    @Override
    public ExternalIdentityStore externalIdentities() {
        return jdbc.externalIdentities();
    }

    @Override
    public void close() {
        pool.close();
    }

    /**
     * Tells HikariCP that a connection to H2's TCP server is gone. HikariCP evicts a connection on
     * SQLState {@code 08xxx} and a few vendor codes; H2 reports a lost link with codes of its own
     * (and the same digits as SQLState), so without this a dead connection went back to the pool
     * and was handed out again until HikariCP's idle-time validation caught it.
     *
     * <p>The codes: 90067 (connection broken), 90007 (object already closed), 90098 (database
     * closed) and 90121 (database called at shutdown). A lost link almost always means the server
     * went away, taking every other pooled connection with it, so besides evicting the connection
     * at hand the whole pool is soft-evicted: idle connections close at once, busy ones when they
     * come back, and the next request opens a fresh connection instead of drawing a dead one.
     */
    static final class H2ConnectionLoss implements SQLExceptionOverride {

        static final Set<Integer> CONNECTION_GONE = Set.of(90067, 90007, 90098, 90121);

        volatile HikariDataSource pool;

        @java.lang.Override
        public Override adjudicate(SQLException e) {
            if (!CONNECTION_GONE.contains(e.getErrorCode())) {
                return Override.CONTINUE_EVICT;
            }
            HikariDataSource p = pool;
            HikariPoolMXBean bean = p == null ? null : p.getHikariPoolMXBean();
            if (bean != null) {
                bean.softEvictConnections();
            }
            return Override.MUST_EVICT;
        }
    }
}
