package org.portcullis.auth.core.internal.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.core.OpenIdProvider;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * A provider that answers slowly cannot hold a login for long: each fetch has one overall
 * deadline (not only a per-read timeout), and a login that finds another thread discovering
 * answers 503 at once instead of queueing behind it. Real sockets on loopback.
 */
@DisplayName("ProviderKeys: an overall fetch deadline and a bounded wait for discovery")
class ProviderKeysFetchLimitsTest {

    private static final JWSHeader HEADER = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build();

    private final ServerSocket server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger dripped = new AtomicInteger();
    private final CountDownLatch discoveryEntered = new CountDownLatch(1);
    private final CountDownLatch releaseDiscovery = new CountDownLatch(1);
    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2031-01-01T00:00:00Z"));

    /** A minimal HTTP/1.1 server on a real loopback socket (auth-core's module does not read jdk.httpserver). */
    ProviderKeysFetchLimitsTest() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        handlers.submit(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    handlers.submit(() -> serve(s));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private void serve(Socket s) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String requestLine = in.readLine();
            for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                // headers are not needed
            }
            if (requestLine != null && requestLine.contains("/drip-jwks")) {
                dripForever(s);
            } else {
                heldDiscovery(s);
            }
        } catch (IOException gone) {
            close(s);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @AfterEach
    void stop() throws IOException {
        releaseDiscovery.countDown();
        drip.shutdownNow();
        server.close();
        handlers.shutdownNow();
    }

    private String base() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Headers at once, then one byte every 50 ms: never slow enough for a per-read timeout. */
    private void dripForever(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        AtomicBoolean done = new AtomicBoolean();
        drip.scheduleAtFixedRate(() -> {
            if (done.get()) {
                return;
            }
            try {
                out.write(' ');
                out.flush();
                dripped.incrementAndGet();
            } catch (IOException clientClosed) {
                done.set(true);
                close(s);
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
    }

    /** Discovery that answers (503) only when the test lets it. */
    private void heldDiscovery(Socket s) throws IOException {
        discoveryEntered.countDown();
        try {
            releaseDiscovery.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        s.getOutputStream().write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        close(s);
    }

    @Test
    @DisplayName("a JWKS that drips a byte inside every read timeout is cut at the fetch deadline (503), long before the size limit")
    void overallDeadline() {
        OpenIdProvider p = OpenIdProvider.builder("drip").issuer(base()).clientIds("app")
                .jwksUrl(URI.create(base() + "/drip-jwks"))
                .httpTimeout(Duration.ofMillis(300)).maxDocumentBytes(1024).build();
        ProviderKeys keys = new ProviderKeys(p, clock);
        assertThatThrownBy(() -> keys.candidates(HEADER)).isInstanceOf(StoreUnavailableException.class);
        // With only per-read timeouts the fetch would have read all 1024 bytes (51 s at this rate).
        assertThat(dripped.get()).isLessThan(1024);
    }

    @Test
    @DisplayName("while one login is discovering, another answers 503 instead of waiting for it")
    void discoveryLockIsBounded() throws Exception {
        OpenIdProvider p = OpenIdProvider.builder("held").issuer(base()).clientIds("app")
                .httpTimeout(Duration.ofSeconds(60)).build();
        ProviderKeys keys = new ProviderKeys(p, clock);
        ExecutorService first = Executors.newSingleThreadExecutor();
        try {
            var discovering = first.submit(() -> keys.candidates(HEADER));
            discoveryEntered.await();
            assertThatThrownBy(() -> keys.candidates(HEADER)).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("in progress");
            assertThat(discovering.isDone()).as("the first login is still discovering").isFalse();
            releaseDiscovery.countDown();
            assertThatThrownBy(discovering::get).hasCauseInstanceOf(StoreUnavailableException.class);
        } finally {
            first.shutdownNow();
        }
    }
}
