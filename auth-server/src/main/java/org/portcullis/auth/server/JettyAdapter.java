package org.portcullis.auth.server;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.AuthHttpRequest;
import org.portcullis.auth.http.AuthHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves an {@link AuthHttpHandler} as a plain Jetty core {@link Handler}.
 *
 * <p>Why a core handler and not the servlet filter of auth-http: the standalone server has no
 * web application to filter, so a servlet container would add a layer (and the servlet API to the
 * jar) for nothing; a core handler hands the transport-neutral handler exactly what it takes, one
 * {@link AuthHttpRequest} in and one {@link AuthHttpResponse} out, and leaves the servlet path to
 * applications that embed Portcullis in their own container.
 *
 * <p>The body is read before the handler runs, without holding a thread while it arrives: the
 * bytes are collected as Jetty delivers them, at most {@code maxBodyBytes + 1} of them (one more
 * than the cap, so the handler still sees that the cap was exceeded and answers 413). A body that
 * does not arrive completely within {@code bodyTimeout} gets a 408 problem and the connection is
 * closed (RFC 9110 §15.5.9). Only then does the blocking handler run, on a worker thread, so a
 * client that trickles its body cannot pin a worker.
 *
 * <p>Two probes for an orchestrator are answered here, before the handler, since they concern this
 * process rather than the API: {@value #LIVE} answers 200 whenever the process serves HTTP at all
 * (restart it if not), {@value #READY} answers 200 when the database answers and 503 when it does
 * not (send it no traffic until it does). Both take GET or HEAD, need no token and carry
 * {@code Cache-Control: no-store}. The contract's {@code /common/HealthCheck} stays as it is.
 * {@value #OPENAPI} answers the OpenAPI document of the API (auth-http's
 * {@code org/portcullis/auth/http/openapi.yaml}) to anyone, unless the setting
 * {@code openapi.enabled} turns it off; then the path is like any other unknown one (401 without a token).
 *
 * <p>Thread-safe: one instance serves every connection.
 */
final class JettyAdapter extends Handler.Abstract {

    /** Liveness probe path. */
    static final String LIVE = "/health/live";
    /** Readiness probe path. */
    static final String READY = "/health/ready";
    /** Bytes past the body cap that a request may send and have read and discarded before its 413. */
    static final long DISCARD_LIMIT = 1 << 20;
    /** Where the OpenAPI document is served. */
    static final String OPENAPI = "/openapi.yaml";
    /** Its media type (RFC 9512). */
    static final String YAML = "application/yaml";

    private final AuthHttpHandler handler;
    private final int maxBodyBytes;
    private final Duration bodyTimeout;
    /** The OpenAPI document, or {@code null} when it is not served. */
    private final byte[] openApi;

    JettyAdapter(AuthHttpHandler handler, int maxBodyBytes, Duration bodyTimeout, boolean serveOpenApi) {
        super(InvocationType.BLOCKING);
        this.handler = handler;
        this.maxBodyBytes = maxBodyBytes;
        this.bodyTimeout = bodyTimeout;
        this.openApi = serveOpenApi ? openApiDocument() : null;
    }

    /** The OpenAPI document that auth-http ships beside its handler. */
    static byte[] openApiDocument() {
        try (var in = AuthHttpHandler.class.getResourceAsStream("openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("auth-http's openapi.yaml is missing from the class path");
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (LIVE.equals(path) || READY.equals(path)) {
            probe(path, request, response, callback);
            return true;
        }
        if (openApi != null && OPENAPI.equals(path)) {
            if (getOrHead(request, response, callback)) {
                write(request, response, callback, 200, YAML, openApi);
            }
            return true;
        }
        new Exchange(request, response, callback).collectBody();
        return true;
    }

    /** Whether the method is GET or HEAD; answers 405 with {@code Allow} (RFC 9110 §15.5.6) when not. */
    private static boolean getOrHead(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method)) {
            return true;
        }
        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        Problem.write(request, response, callback, 405, "This method is not allowed here.", false);
        return false;
    }

    private void probe(String path, Request request, Response response, Callback callback) {
        if (!getOrHead(request, response, callback)) {
            return;
        }
        boolean up = true;
        if (READY.equals(path)) {
            try {
                handler.service().checkHealth();
            } catch (RuntimeException e) {
                // StoreUnavailableException, or anything else: not ready either way; the store logs why.
                up = false;
            }
        }
        byte[] body = (up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(request, response, callback, up ? 200 : 503, "application/json", body);
    }

    /** A complete answer of this adapter's own; HEAD gets GET's headers and no body (RFC 9110 §9.3.2). */
    private static void write(Request request, Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if ("HEAD".equals(request.getMethod())) {
            callback.succeeded();
        } else {
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    /** One request: its body as it arrives, then the handler's answer. */
    private final class Exchange {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        /** Bytes past the cap read and thrown away (HTTP/2 only, see {@link #read}). */
        private long discarded;
        /** Set once, by whoever gets here first: the complete body, a failure, or the body deadline. */
        private final AtomicBoolean decided = new AtomicBoolean();
        private volatile Scheduler.Task deadline;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        void collectBody() {
            HttpFields h = request.getHeaders();
            if (http1() && !h.contains(HttpHeader.CONTENT_LENGTH) && !h.contains(HttpHeader.TRANSFER_ENCODING)) {
                // RFC 9112 §6.3: an HTTP/1.1 request with neither has no body; nothing to wait for. HTTP/2 frames
                // its body with or without a Content-Length (RFC 9113 §8.1), so there the body is always read.
                serve(false);
                return;
            }
            Scheduler scheduler = request.getComponents().getScheduler();
            deadline = scheduler.schedule(this::expired, bodyTimeout.toMillis(), TimeUnit.MILLISECONDS);
            read();
        }

        /** Drains what Jetty has, then asks to be called again when more arrives. */
        private void read() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this::read);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    if (decided.compareAndSet(false, true)) {
                        deadline.cancel();
                        callback.failed(chunk.getFailure());
                    }
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                int room = maxBodyBytes + 1 - body.size();
                int take = Math.min(room, bytes.remaining());
                byte[] part = new byte[take];
                bytes.get(part);
                body.write(part, 0, take);
                discarded += bytes.remaining();
                boolean last = chunk.isLast();
                chunk.release();
                boolean overCap = body.size() > maxBodyBytes;
                if (last || (overCap && discarded > DISCARD_LIMIT)) {
                    // Past the cap the rest is read and thrown away, up to DISCARD_LIMIT, before the 413, on
                    // both protocols. HTTP/1.1: a server that answers and closes while the client is still
                    // sending makes the client's TCP stack see a reset, which can discard the 413 before the
                    // client reads it (RFC 9112 §9.6 asks a server to close in stages for this reason;
                    // Tomcat's maxSwallowSize does the same). HTTP/2 cannot close one stream that way, and
                    // a sender blocked on flow control (RFC 9113 §5.2) would wait for window the server
                    // never gives. Past DISCARD_LIMIT the answer goes at once and the connection (HTTP/1.1)
                    // or stream (HTTP/2) ends; the body timeout bounds how long a slow sender is read.
                    serve(!last);
                    return;
                }
            }
        }

        private boolean http1() {
            return request.getConnectionMetaData().getHttpVersion().getVersion() < 20;
        }

        private void expired() {
            if (decided.compareAndSet(false, true)) {
                Problem.write(request, response, callback, 408, "The request body did not arrive within "
                        + bodyTimeout.toSeconds() + " seconds.", true);
            }
        }

        private void serve(boolean unreadBody) {
            if (!decided.compareAndSet(false, true)) {
                return;
            }
            if (deadline != null) {
                deadline.cancel();
            }
            AuthHttpResponse answer;
            try {
                answer = handler.handle(AuthHttpRequest.of(request.getMethod(), request.getHttpURI().getPath(),
                        headers(request.getHeaders()), new ByteArrayInputStream(body.toByteArray()),
                        Request.getRemoteAddr(request)));
            } catch (RuntimeException e) {
                // The handler promises not to throw; if it does anyway, Jetty's error handler answers 500.
                callback.failed(e);
                return;
            }
            response.setStatus(answer.status());
            HttpFields.Mutable out = response.getHeaders();
            answer.headers().forEach(out::put);
            if (unreadBody && http1()) {
                out.put(HttpHeader.CONNECTION, "close"); // RFC 9113 §8.2.2: no connection-specific header in HTTP/2
            }
            byte[] bytes = answer.body();
            if (bytes.length == 0) {
                callback.succeeded();
            } else {
                out.put(HttpHeader.CONTENT_LENGTH, bytes.length);
                response.write(true, ByteBuffer.wrap(bytes), callback);
            }
        }
    }

    private static Map<String, List<String>> headers(HttpFields fields) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField f : fields) {
            headers.computeIfAbsent(f.getName(), k -> new ArrayList<>(1)).add(f.getValue());
        }
        return headers;
    }
}
