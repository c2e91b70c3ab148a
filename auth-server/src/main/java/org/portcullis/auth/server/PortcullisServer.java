package org.portcullis.auth.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.micrometer.PortcullisMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The standalone Portcullis server: the 7G User endpoints on Jetty 12, over the
 * engine and the JDBC store (an H2 file under the working directory by default, PostgreSQL by
 * setting a {@code jdbc:postgresql:} URL).
 *
 * <p>Start it with {@code java -jar auth-server/target/portcullis-server.jar}; every setting is in
 * {@link ServerConfig}. On start it creates or upgrades the schema, on the default H2 file seeds the
 * demo user (printing its credentials when it creates it), and listens on {@code localhost:8080}. On SIGTERM or Ctrl-C
 * it stops accepting connections, lets requests in flight finish (up to two seconds), and closes
 * the database. Sessions live in the database, so a restart keeps them.
 *
 * <p>Requests run on a bounded pool of worker threads; headers and bodies are read as they
 * arrive without holding one, so slow clients cannot fill the pool (see {@link JettyTransport}).
 * HTTPS when {@code PORTCULLIS_TLS_KEYSTORE} names a PKCS#12 keystore.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class PortcullisServer implements AutoCloseable {

    /** Created on first use, so that {@link #main} can configure the logging backend before it is. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(PortcullisServer.class);
    }

    private final JettyTransport http;
    private final AuthService service;
    private final Backend backend;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final String host;
    /** The Prometheus listener, or {@code null} when {@code management.port} is not set. */
    private final ManagementServer management;

    private PortcullisServer(JettyTransport http, AuthService service, Backend backend, String host, ManagementServer management) {
        this.http = http;
        this.host = host;
        this.service = service;
        this.backend = backend;
        this.management = management;
    }

    /**
     * Without arguments: reads the configuration from the environment and {@code portcullis.properties},
     * starts the server, and runs until the process is told to stop (exit 2 for a bad setting, 1 when it
     * cannot start otherwise). With arguments: runs one administration command ({@code --help} lists
     * them) and exits with its code.
     */
    public static void main(String[] args) throws InterruptedException {
        // Defaults for the bundled slf4j-simple backend; -D options given on the command line win.
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        if (args.length > 0) {
            // A command, not the server: quiet logs, so that its output is only what it says.
            setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
            System.exit(new AdminCli(System.getenv(), Path.of("").toAbsolutePath(), System.in, System.out, System.err,
                    Clock.systemUTC(), System.console(), PasswordHasher.owasp()).run(java.util.List.of(args)));
            return;
        }
        PortcullisServer server;
        try {
            ServerConfig config = ServerConfig.load(System.getenv(), Path.of("").toAbsolutePath());
            server = start(config, Clock.systemUTC(), System.out, true);
        } catch (IllegalArgumentException e) {
            System.err.println("Portcullis cannot start: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("Portcullis cannot start: " + e);
            System.exit(1);
            return;
        }
        PortcullisServer s = server;
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "portcullis-shutdown"));
        s.stopped.await();
    }

    /**
     * Starts a server with the system clock. Prints the demo user's credentials to standard output.
     *
     * @throws IllegalArgumentException  for a bad setting
     * @throws UncheckedIOException      when the port cannot be bound
     * @throws org.portcullis.auth.api.StoreUnavailableException when the database cannot be reached
     */
    public static PortcullisServer start(ServerConfig config) {
        return start(config, Clock.systemUTC(), System.out, true);
    }

    /**
     * Starts a server on an explicit clock (tests move it to force expiry). Prints the demo user's
     * credentials to {@code out}; runs the engine's cleanup job when {@code cleanupJob} is set.
     */
    public static PortcullisServer start(ServerConfig config, Clock clock, PrintStream out, boolean cleanupJob) {
        Objects.requireNonNull(config, "config");
        SecureRandom random = new SecureRandom();
        Backend backend = JdbcBackend.open(config, KeyEncryptionKeys.resolve(config, random));
        try {
            return start(config, clock, out, cleanupJob, backend, PasswordHasher.owasp(), random);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    static PortcullisServer start(ServerConfig config, Clock clock, PrintStream out, boolean cleanupJob,
                                  Backend backend, PasswordHasher hasher, SecureRandom random) {
        AuthSettings settings = config.engine();
        // Metrics only when the management listener is on: the audit sink counts, the facade times.
        PrometheusMeterRegistry registry = config.managementPort().isPresent() ? ManagementServer.registry() : null;
        Stores stores = registry == null ? backend.stores() : PortcullisMetrics.instrument(backend.stores(), registry);
        Portcullis.Builder builder = Portcullis.builder().stores(stores).clock(clock).settings(settings)
                .passwordHasher(hasher).startCleanupJob(cleanupJob);
        if (!config.openIdProviders().isEmpty()) {
            config.openIdProviders().forEach(builder::openIdProvider);
            builder.externalIdentities(backend.externalIdentities());
        }
        AuthService engine = builder.build();
        AuthService service = registry == null ? engine : PortcullisMetrics.instrument(engine, registry);
        ManagementServer management = null;
        try {
            DemoUser.seed(config, backend.stores().users(), hasher, random, out);
            AuthHttpHandler handler = AuthHttpHandler.builder(service)
                    .trustedProxies(config.trustedProxies())
                    .maxBodyBytes(config.maxBodyBytes())
                    .maxHeaderBytes(config.maxHeaderBytes())
                    .build();
            if (registry != null) {
                management = ManagementServer.start(config.managementHost(), config.managementPort().orElseThrow(), registry);
            }
            JettyTransport http = JettyTransport.start(config, handler);
            PortcullisServer server = new PortcullisServer(http, service, backend, config.host(), management);
            Log.LOG.info("Portcullis listening on {} (database {}, access tokens live {})", server.uri(),
                    redactUrl(config.dbUrl()), Durations.format(settings.accessTokenLifetime()));
            out.println("Portcullis listening on " + server.uri());
            return server;
        } catch (RuntimeException e) {
            if (management != null) {
                management.close(); // closes the registry too
            } else if (registry != null) {
                registry.close();
            }
            service.close();
            throw e;
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return http.port();
    }

    /** The base URI with the configured host name, such as {@code http://localhost:8080}. */
    public URI uri() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create((http.tls() ? "https://" : "http://") + h + ":" + port());
    }

    /** Where the management listener serves Prometheus metrics ({@code /metrics}), if it is on. */
    public Optional<URI> managementUri() {
        return Optional.ofNullable(management).map(ManagementServer::uri);
    }

    /** The engine behind the endpoints. */
    public AuthService service() {
        return service;
    }

    /**
     * Stops accepting, lets requests in flight finish (up to two seconds), stops the HTTP server, the
     * engine's cleanup job and the database pool. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Log.LOG.info("Portcullis stopping");
        try {
            http.stop();
        } finally {
            if (management != null) {
                management.close();
            }
            service.close();
            backend.close();
            Log.LOG.info("Portcullis stopped");
            stopped.countDown();
        }
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** A JDBC URL without anything after the first ';' or '?', which may carry credentials. */
    static String redactUrl(String url) {
        int cut = url.length();
        for (char c : new char[] {';', '?'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return url.substring(0, cut);
    }

}
