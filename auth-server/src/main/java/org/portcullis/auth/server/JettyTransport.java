package org.portcullis.auth.server;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.portcullis.auth.http.AuthHttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Duration;

/**
 * Jetty 12 under the standalone server: one connector (HTTP/1.1, or HTTPS when a PKCS#12 keystore
 * is configured) serving {@link JettyAdapter}, with the transport limits of {@link ServerConfig}.
 *
 * <ul>
 * <li>Header size: Jetty refuses a header block over {@code maxHeaderBytes} with a 431 problem
 *     ({@link Problem}); the handler applies the same cap to what reaches it.</li>
 * <li>Header timeout: {@link HeaderDeadline}. Body timeout: {@link JettyAdapter}. Idle timeout: the
 *     connector's.</li>
 * <li>Threads: {@code threads} workers for requests, plus one acceptor and the selectors, which
 *     parse headers as bytes arrive and never block on a slow client.</li>
 * <li>Stop: the connector closes first, requests in flight get up to {@link #STOP_GRACE} to finish
 *     ({@link GracefulHandler}), then everything stops.</li>
 * </ul>
 *
 * <p>Not thread-safe to start; {@link #stop()} may be called from any thread.
 */
final class JettyTransport {

    private static final Logger LOG = LoggerFactory.getLogger(JettyTransport.class);

    static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private final Server server;
    private final ServerConnector connector;
    private final HeaderDeadline headerDeadline;
    private final boolean tls;
    /** The port bound at start, kept after stop (Jetty's connector forgets it). */
    private final int port;

    private JettyTransport(Server server, ServerConnector connector, HeaderDeadline headerDeadline, boolean tls) {
        this.server = server;
        this.connector = connector;
        this.port = connector.getLocalPort();
        this.headerDeadline = headerDeadline;
        this.tls = tls;
    }

    /**
     * Starts listening.
     *
     * @throws UncheckedIOException     when the port cannot be bound
     * @throws IllegalArgumentException when the keystore cannot be read
     */
    static JettyTransport start(ServerConfig config, AuthHttpHandler handler) {
        int selectors = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        int acceptors = 1;
        QueuedThreadPool pool = new QueuedThreadPool(config.threads() + selectors + acceptors + 1,
                Math.min(config.threads(), 8) + selectors + acceptors);
        pool.setName("portcullis-http");
        pool.setReservedThreads(0);
        Server server = new Server(pool);
        server.setErrorHandler(new Problem());
        server.setStopTimeout(STOP_GRACE.toMillis());

        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(config.maxHeaderBytes());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setIdleTimeout(config.idleTimeout().toMillis());
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);

        ServerConnector connector;
        boolean tls = config.tlsKeystore().isPresent();
        if (tls) {
            http.addCustomizer(new SecureRequestCustomizer());
            connector = new ServerConnector(server, acceptors, selectors, new SslConnectionFactory(sslContext(config), "http/1.1"), h1);
        } else {
            connector = new ServerConnector(server, acceptors, selectors, h1);
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        connector.setAcceptQueueSize(128);
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(new JettyAdapter(handler, config.maxBodyBytes(), config.bodyTimeout(), config.openApiEnabled())));

        if (!tls && !isLoopback(config.host())) {
            LOG.warn("listening with plain HTTP on {}, which is not a loopback address: tokens and passwords cross the "
                    + "network unencrypted. Configure PORTCULLIS_TLS_KEYSTORE, or put a TLS proxy in front and listen "
                    + "on localhost.", config.host());
        }
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            if (e instanceof java.io.IOException io) {
                throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port(), io);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("the HTTP server did not start", e);
        }
        HeaderDeadline deadline = new HeaderDeadline(connector, server.getScheduler(), config.headerTimeout());
        deadline.start();
        return new JettyTransport(server, connector, deadline, tls);
    }

    private static SslContextFactory.Server sslContext(ServerConfig config) {
        var keystore = config.tlsKeystore().orElseThrow();
        if (!Files.isReadable(keystore)) {
            throw new IllegalArgumentException("PORTCULLIS_TLS_KEYSTORE names a file that cannot be read: " + keystore);
        }
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keystore.toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(config.tlsKeystorePassword());
        // Jetty's defaults already exclude SSLv3, TLS 1.0/1.1 and weak suites (RFC 8996); no client certificates.
        return ssl;
    }

    /** Whether a host names only this machine; a wildcard (0.0.0.0, ::) or an unknown name is not. */
    static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The port bound at start, also after {@link #stop()}. */
    int port() {
        return port;
    }

    boolean tls() {
        return tls;
    }

    /** Stops accepting, lets requests in flight finish within the grace period, then stops. */
    void stop() {
        headerDeadline.stop();
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("the HTTP server did not stop cleanly: {}", e.toString());
        }
    }
}
