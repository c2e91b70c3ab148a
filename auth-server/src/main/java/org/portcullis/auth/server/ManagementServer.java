package org.portcullis.auth.server;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The management listener: Prometheus metrics on a port of their own, off unless
 * {@code management.port} is set.
 *
 * <p>Why a separate port, and a separate small Jetty server: metrics tell an attacker about load,
 * failures and throttling, so they belong on an interface the operator exposes only to the
 * scraper, not beside the public API; and a scrape must not wait behind API requests for a worker
 * thread, nor API requests behind a slow scrape. This listener serves {@value #METRICS} only (GET
 * or HEAD), every other path is a 404, and the API listener has no such path (it answers 401 or 404
 * there like for any unknown path).
 *
 * <p>What it exposes: every meter of {@code auth-micrometer} ({@code PortcullisMetrics}: logins,
 * refreshes, reuse, revocations, stuffing, the login and refresh timers, validation and token-cache
 * meters) and the usual JVM and process meters. Thread-safe; {@link #close()} is idempotent.
 */
final class ManagementServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    /** The one path served. */
    static final String METRICS = "/metrics";
    /** The Prometheus text exposition format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Server server;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    private final String host;
    private final int port;

    private ManagementServer(Server server, PrometheusMeterRegistry registry, JvmGcMetrics gc, String host, int port) {
        this.server = server;
        this.registry = registry;
        this.gc = gc;
        this.host = host;
        this.port = port;
    }

    /** A registry for the engine's meters, with the JVM's and the process's bound to it. */
    static PrometheusMeterRegistry registry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /**
     * Binds the JVM meters to {@code registry} and starts listening.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    static ManagementServer start(String host, int port, PrometheusMeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);

        QueuedThreadPool pool = new QueuedThreadPool(4, 1);
        pool.setName("portcullis-management");
        pool.setReservedThreads(0);
        Server server = new Server(pool);
        server.setErrorHandler(new Problem());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new MetricsHandler(registry));
        try {
            server.start();
        } catch (Exception e) {
            gc.close();
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing; the start failure is what matters
            }
            if (e instanceof java.io.IOException io) {
                throw new UncheckedIOException("cannot listen for management on " + host + ":" + port, io);
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException("the management server did not start", e);
        }
        ManagementServer m = new ManagementServer(server, registry, gc, host, connector.getLocalPort());
        LOG.info("Prometheus metrics on {}", m.uri().resolve(METRICS));
        return m;
    }

    /** The port bound (useful with port 0). */
    int port() {
        return port;
    }

    /** Such as {@code http://localhost:9090}. */
    URI uri() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("the management server did not stop cleanly: {}", e.toString());
        } finally {
            gc.close();
            registry.close();
        }
    }

    /** GET or HEAD {@value #METRICS}: a scrape; anything else: 404 or 405. */
    private static final class MetricsHandler extends Handler.Abstract {
        private final PrometheusMeterRegistry registry;

        MetricsHandler(PrometheusMeterRegistry registry) {
            super(InvocationType.BLOCKING);
            this.registry = registry;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!METRICS.equals(request.getHttpURI().getPath())) {
                Problem.write(request, response, callback, 404, "The management port serves " + METRICS + " only.", false);
                return true;
            }
            String method = request.getMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                Problem.write(request, response, callback, 405, "This method is not allowed here.", false);
                return true;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            if ("HEAD".equals(method)) {
                callback.succeeded();
            } else {
                response.write(true, ByteBuffer.wrap(body), callback);
            }
            return true;
        }
    }
}
