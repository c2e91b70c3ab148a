package org.portcullis.auth.server;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
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
import java.util.Optional;

/**
 * Jetty 12 under the standalone server: one connector (HTTP/1.1, or HTTPS when a PKCS#12 keystore
 * is configured) serving {@link JettyAdapter}, with the transport limits of {@link ServerConfig}.
 * With {@code http2} set, the same connector also speaks HTTP/2: over TLS the client picks h2 or
 * http/1.1 by ALPN (RFC 7301; RFC 9113 §3.2), in plain text h2c by prior knowledge or by an
 * HTTP/1.1 {@code Upgrade}. Clients that ask for neither keep HTTP/1.1.
 *
 * <ul>
 * <li>Header size: Jetty refuses a header block over {@code maxHeaderBytes} with a 431 problem
 *     ({@link Problem}); the handler applies the same cap to what reaches it.</li>
 * <li>Header timeout: {@link HeaderDeadline}, on HTTP/1.1 connections (an HTTP/2 connection carries
 *     its headers in frames and is bounded by the idle timeout and Jetty's HTTP/2 limits). Body
 *     timeout: {@link JettyAdapter}. Idle timeout: the connector's.</li>
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
            SslContextFactory.Server ssl = sslContext(config);
            if (config.http2()) {
                ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", h1.getProtocol());
                alpn.setDefaultProtocol(h1.getProtocol()); // a client without ALPN gets HTTP/1.1
                // RFC 9113 §9.2.2: h2 refuses the cipher suites on its block list; prefer the ones it accepts.
                ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
                ssl.setUseCipherSuitesOrder(true);
                connector = new ServerConnector(server, acceptors, selectors, new SslConnectionFactory(ssl, alpn.getProtocol()),
                        alpn, new HTTP2ServerConnectionFactory(http2Configuration(http, config)), h1);
            } else {
                connector = new ServerConnector(server, acceptors, selectors, new SslConnectionFactory(ssl, h1.getProtocol()), h1);
            }
        } else if (config.http2()) {
            connector = new ServerConnector(server, acceptors, selectors, h1,
                    new HTTP2CServerConnectionFactory(http2Configuration(http, config)));
        } else {
            connector = new ServerConnector(server, acceptors, selectors, h1);
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        connector.setAcceptQueueSize(128);
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(new JettyAdapter(handler, config.maxBodyBytes(), config.bodyTimeout(), config.openApiEnabled())));

        plainHttpWarning(config).ifPresent(LOG::warn);
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

    /**
     * HTTP/2's copy of the HTTP configuration. Jetty refuses a header block over its limit on an
     * HTTP/2 connection with a GOAWAY (RFC 9113 §10.5.1 allows treating it as a connection error),
     * where HTTP/1.1 gets a 431 problem; so HTTP/2's limit is twice the library's cap, and a header
     * block between the two reaches the handler, which answers its own 431 problem+json.
     */
    private static HttpConfiguration http2Configuration(HttpConfiguration http, ServerConfig config) {
        HttpConfiguration h2 = new HttpConfiguration(http);
        h2.setRequestHeaderSize(2 * config.maxHeaderBytes());
        return h2;
    }

    /**
     * The warning logged at start when the server listens with plain HTTP on an address other than
     * loopback (RFC 6750 §5.3: bearer tokens only over TLS); empty when it does not.
     */
    static Optional<String> plainHttpWarning(ServerConfig config) {
        if (config.tlsKeystore().isPresent() || isLoopback(config.host())) {
            return Optional.empty();
        }
        return Optional.of("listening with plain HTTP on " + config.host() + ", which is not a loopback address: tokens and "
                + "passwords cross the network unencrypted. Configure PORTCULLIS_TLS_KEYSTORE, or put a TLS proxy in front "
                + "and listen on localhost.");
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
