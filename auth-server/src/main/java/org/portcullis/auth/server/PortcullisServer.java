package org.portcullis.auth.server;

import com.sun.net.httpserver.HttpServer;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.http.AuthHttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The standalone Portcullis server: the 7G User endpoints on the JDK's HTTP server, over the
 * engine and the JDBC store (an H2 file under the working directory by default, PostgreSQL by
 * setting a {@code jdbc:postgresql:} URL).
 *
 * <p>Start it with {@code java -jar auth-http/target/portcullis-server.jar}; every setting is in
 * {@link ServerConfig}. On start it creates or upgrades the schema, seeds the demo user (printing
 * its credentials when it creates it), and listens on {@code localhost:8080}. On SIGTERM or Ctrl-C
 * it stops accepting connections, lets requests in flight finish (up to two seconds), and closes
 * the database. Sessions live in the database, so a restart keeps them.
 *
 * <p>Requests run on a bounded pool of worker threads with a bounded queue; when both are full,
 * the accepting thread runs the request itself, which slows accepting rather than queueing
 * without limit.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class PortcullisServer implements AutoCloseable {

    /** Created on first use, so that {@link #main} can configure the logging backend before it is. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(PortcullisServer.class);
    }
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private final HttpServer http;
    private final ThreadPoolExecutor workers;
    private final AuthService service;
    private final Backend backend;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private final JdkHttpAdapter adapter;
    private final String host;

    private PortcullisServer(HttpServer http, JdkHttpAdapter adapter, ThreadPoolExecutor workers, AuthService service,
                             Backend backend, String host) {
        this.http = http;
        this.host = host;
        this.adapter = adapter;
        this.workers = workers;
        this.service = service;
        this.backend = backend;
    }

    /**
     * Reads the configuration from the environment and {@code portcullis.properties}, starts the
     * server, and runs until the process is told to stop.
     */
    public static void main(String[] args) throws InterruptedException {
        // Defaults for the bundled slf4j-simple backend; -D options given on the command line win.
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
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
        AuthSettings settings = AuthSettings.builder()
                .accessTokenLifetime(Duration.ofMinutes(config.jwtExpireMinutes()))
                .build();
        AuthService service = Portcullis.builder().stores(backend.stores()).clock(clock).settings(settings)
                .passwordHasher(hasher).startCleanupJob(cleanupJob).build();
        try {
            DemoUser.seed(config, backend.stores().users(), hasher, random, out);
            AuthHttpHandler handler = AuthHttpHandler.builder(service)
                    .trustedProxies(config.trustedProxies())
                    .maxBodyBytes(config.maxBodyBytes())
                    .maxHeaderBytes(config.maxHeaderBytes())
                    .build();
            ThreadPoolExecutor workers = new ThreadPoolExecutor(config.threads(), config.threads(), 60, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(config.threads() * 16), new Named("portcullis-http-"),
                    new ThreadPoolExecutor.CallerRunsPolicy());
            tuneJdkServer();
            HttpServer http;
            try {
                http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
            } catch (IOException e) {
                workers.shutdown();
                throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port(), e);
            }
            JdkHttpAdapter adapter = new JdkHttpAdapter(handler);
            http.createContext("/", adapter);
            http.setExecutor(workers);
            http.start();
            PortcullisServer server = new PortcullisServer(http, adapter, workers, service, backend, config.host());
            Log.LOG.info("Portcullis listening on {} (database {}, access tokens live {} minutes)", server.uri(),
                    redactUrl(config.dbUrl()), config.jwtExpireMinutes());
            out.println("Portcullis listening on " + server.uri());
            return server;
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The base URI with the configured host name, such as {@code http://localhost:8080}. */
    public URI uri() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port());
    }

    /** The engine behind the endpoints. */
    public AuthService service() {
        return service;
    }

    /**
     * Stops accepting, lets requests in flight finish (up to two seconds), stops the workers, the
     * engine's cleanup job and the database pool. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Log.LOG.info("Portcullis stopping");
        try {
            // The JDK 17 server's stop(delay) waits the whole delay even when idle (fixed in JDK 21,
            // JDK-8304065), so wait for the requests in flight ourselves, then stop at once.
            if (!adapter.awaitIdle(STOP_GRACE)) {
                Log.LOG.warn("requests still running after {}; stopping anyway", STOP_GRACE);
            }
            http.stop(0);
            workers.shutdown();
            if (!workers.awaitTermination(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            service.close();
            backend.close();
            Log.LOG.info("Portcullis stopped");
            stopped.countDown();
        }
    }

    /**
     * Limits of the JDK server itself, set unless the operator set them. The JDK drops the
     * connection, without an answer, when the request headers exceed its own cap (380 KiB by
     * default); raising that cap to 4 MiB lets an oversized header, such as a token of megabytes,
     * reach the handler, which answers 431 with a problem. Header reading happens on the bounded
     * worker pool, so at most that many such reads run at once. The request and response time
     * limits cut off clients that send or read one byte at a time and would otherwise hold a
     * worker thread indefinitely.
     */
    static void tuneJdkServer() {
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", Integer.toString(MAX_TRANSPORT_HEADER_BYTES));
        setIfAbsent("sun.net.httpserver.maxReqTime", "30");
        setIfAbsent("sun.net.httpserver.maxRspTime", "30");
    }

    /** Headers up to this size reach the handler (and get a 431 past its own cap); beyond it the JDK drops the connection. */
    static final int MAX_TRANSPORT_HEADER_BYTES = 4 * 1024 * 1024;

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

    private static final class Named implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger n = new AtomicInteger();

        Named(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            return new Thread(r, prefix + n.incrementAndGet());
        }
    }
}
