package org.portcullis.auth.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.AuthHttpRequest;
import org.portcullis.auth.http.AuthHttpResponse;
import org.portcullis.auth.http.internal.Bodies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Serves an {@link AuthHttpHandler} on the JDK's {@code com.sun.net.httpserver}. */
final class JdkHttpAdapter implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(JdkHttpAdapter.class);

    private final AuthHttpHandler handler;
    private final Object lock = new Object();
    private int inFlight;

    JdkHttpAdapter(AuthHttpHandler handler) {
        this.handler = handler;
    }

    /**
     * Waits until no request is being handled, or the timeout passes.
     *
     * @return whether every request finished
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    @Override
    public void handle(HttpExchange exchange) {
        synchronized (lock) {
            inFlight++;
        }
        try {
            serve(exchange);
        } finally {
            synchronized (lock) {
                inFlight--;
                lock.notifyAll();
            }
        }
    }

    private void serve(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            InetSocketAddress peer = exchange.getRemoteAddress();
            String remote = peer == null || peer.getAddress() == null ? "" : peer.getAddress().getHostAddress();
            AuthHttpRequest request = AuthHttpRequest.of(exchange.getRequestMethod(), path == null ? "/" : path,
                    exchange.getRequestHeaders(), exchange.getRequestBody(), remote);
            AuthHttpResponse response = handler.handle(request);
            for (Map.Entry<String, String> h : response.headers().entrySet()) {
                exchange.getResponseHeaders().set(h.getKey(), h.getValue());
            }
            if (!Bodies.drain(exchange.getRequestBody())) {
                exchange.getResponseHeaders().set("Connection", "close");
            }
            byte[] body = response.body();
            // -1: no body at all (204, or nothing to say); otherwise a fixed length.
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // The client went away mid-exchange; nothing to answer.
            LOG.debug("exchange aborted: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.error("failure while writing a response", e);
        }
    }
}
