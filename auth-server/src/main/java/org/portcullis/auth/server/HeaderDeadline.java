package org.portcullis.auth.server;

import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request headers, once begun, are not complete within the header
 * timeout: the defence against a client that sends its headers one byte at a time (a "slowloris").
 *
 * <p>Jetty parses headers as bytes arrive, without holding a thread, so such clients cost a socket
 * and a buffer each rather than a worker; but Jetty's idle timeout resets with every byte and so
 * never ends them. This sweep does: every quarter of the timeout (at least every 250 ms) it looks
 * at each open connection. A connection with no request in progress whose byte count has grown
 * since its last answer (or since it opened) is reading headers; once it has been doing so for
 * longer than the timeout, it is closed. A kept-alive connection that sends nothing is left to the
 * idle timeout. The deadline is enforced to within one sweep interval.
 *
 * <p>Over TLS, the bytes counted are the decrypted ones; the TLS handshake itself is bounded by the
 * idle timeout only.
 *
 * <p>Thread-safe: the sweep runs on the scheduler, one at a time.
 */
final class HeaderDeadline {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);

    private final AbstractConnector connector;
    private final Scheduler scheduler;
    private final long timeoutNanos;
    private final long intervalMillis;
    private final Map<Connection, Waiting> waiting = new ConcurrentHashMap<>();
    private volatile boolean running;

    /** What was seen of a connection between requests: its counts then, and when its next header began. */
    private record Waiting(long messagesOut, long bytesIn, long headerStartedNanos) {
    }

    HeaderDeadline(AbstractConnector connector, Scheduler scheduler, Duration timeout) {
        this.connector = connector;
        this.scheduler = scheduler;
        this.timeoutNanos = timeout.toNanos();
        this.intervalMillis = Math.max(250, timeout.toMillis() / 4);
    }

    void start() {
        running = true;
        scheduler.schedule(this::sweep, intervalMillis, TimeUnit.MILLISECONDS);
    }

    void stop() {
        running = false;
    }

    private void sweep() {
        if (!running) {
            return;
        }
        try {
            long now = System.nanoTime();
            Map<Connection, Boolean> open = new java.util.IdentityHashMap<>();
            for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                Connection c = http(endPoint.getConnection());
                if (c == null) {
                    continue;
                }
                open.put(c, Boolean.TRUE);
                check(c, endPoint, now);
            }
            waiting.keySet().removeIf(c -> !open.containsKey(c));
        } catch (RuntimeException e) {
            LOG.warn("header deadline sweep failed: {}", e.toString());
        } finally {
            if (running) {
                scheduler.schedule(this::sweep, intervalMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void check(Connection c, EndPoint endPoint, long now) {
        long in = c.getMessagesIn();
        long out = c.getMessagesOut();
        if (in > out) {
            waiting.remove(c); // a request is being served: its headers are complete
            return;
        }
        long bytes = c.getBytesIn();
        Waiting w = waiting.get(c);
        if (w == null || w.messagesOut() != out) {
            // First look since it opened or since its last answer. A brand-new connection that has
            // already received bytes is counted as reading headers from now.
            long started = out == 0 && bytes > 0 ? now : -1;
            waiting.put(c, new Waiting(out, out == 0 ? 0 : bytes, started));
            return;
        }
        if (w.headerStartedNanos() < 0) {
            if (bytes > w.bytesIn()) {
                waiting.put(c, new Waiting(out, w.bytesIn(), now));
            }
            return;
        }
        if (now - w.headerStartedNanos() > timeoutNanos) {
            LOG.debug("closing {}: request headers incomplete after the header timeout", endPoint.getRemoteSocketAddress());
            waiting.remove(c);
            endPoint.close();
        }
    }

    /**
     * The HTTP/1.1 connection on an endpoint, looking through TLS; {@code null} for HTTP/2, whose
     * byte and message counts say nothing about a request's headers (frames of several streams, pings).
     */
    private static Connection http(Connection c) {
        Connection inner = c instanceof SslConnection ssl ? ssl.getSslEndPoint().getConnection() : c;
        return inner instanceof HTTP2Connection ? null : inner;
    }
}
