package org.portcullis.auth.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Slow clients against the standalone server: they cost no worker thread, and the timeouts end them")
class SlowClientsTest {

    private static final byte[] SLOW_REQUEST = ("GET /common/HealthCheck HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "X-Slow: " + "x".repeat(200) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2);

    @AfterEach
    void closeAll() throws Exception {
        ticker.shutdownNow();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private PortcullisServer start(Map<String, String> extra) {
        PortcullisServer server = PortcullisServerEndToEndTest.startWithTestUsers(
                PortcullisServerEndToEndTest.testConfig(dir, extra),
                MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z")),
                new PrintStream(OutputStream.nullOutputStream()));
        toClose.add(server);
        return server;
    }

    private Socket connect(PortcullisServer server) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(30_000);
        toClose.add(s);
        return s;
    }

    @Test
    @DisplayName("with 64 connections sending one header byte a second and 2 worker threads, the health check still answers while all 64 stay connected")
    void healthCheckWhileSixtyFourTrickle() throws Exception {
        PortcullisServer server = start(Map.of("PORTCULLIS_THREADS", "2", "PORTCULLIS_HEADER_TIMEOUT", "10m"));
        int slow = 64;
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < slow; i++) {
            sockets.add(connect(server));
        }
        // Each tick sends the next byte of the request to every socket: one byte a second each.
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger writeFailures = new AtomicInteger();
        CountDownLatch threeBytesEach = new CountDownLatch(3);
        ticker.scheduleAtFixedRate(() -> {
            int i = sent.getAndIncrement();
            for (Socket s : sockets) {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(SLOW_REQUEST[i]);
                    out.flush();
                } catch (IOException e) {
                    writeFailures.incrementAndGet();
                }
            }
            threeBytesEach.countDown();
        }, 0, 1, TimeUnit.SECONDS);
        assertThat(threeBytesEach.await(60, TimeUnit.SECONDS)).isTrue();

        Client client = new Client(server.uri());
        HttpResponse<String> health = client.get("/common/HealthCheck", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("Healthy");

        // The 64 are still connected: none was closed, and none has been answered.
        assertThat(writeFailures).hasValue(0);
        for (Socket s : sockets) {
            assertThat(s.getInputStream().available()).isZero();
            assertThat(s.isClosed()).isFalse();
        }
        assertThat(sent.get()).isLessThan(SLOW_REQUEST.length);
    }

    @Test
    @DisplayName("a client still sending its headers when the header timeout passes is disconnected; others are served")
    void headerTimeout() throws Exception {
        PortcullisServer server = start(Map.of("PORTCULLIS_HEADER_TIMEOUT", "1s"));
        Socket s = connect(server);
        s.getOutputStream().write("GET /common/HealthCheck HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        // Five bytes a second, forever: never idle, never done.
        ticker.scheduleAtFixedRate(() -> {
            try {
                s.getOutputStream().write('x');
            } catch (IOException e) {
                // disconnected: what the test waits for
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
        assertThat(readUntilClosed(s)).isEmpty();
        assertThat(new Client(server.uri()).get("/common/HealthCheck", null).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a kept-alive connection that is silent is not cut by the header timeout")
    void silentKeepAliveIsNotAHeaderTimeout() throws Exception {
        PortcullisServer server = start(Map.of("PORTCULLIS_HEADER_TIMEOUT", "1s"));
        Socket s = connect(server);
        CountDownLatch later = new CountDownLatch(1);
        s.getOutputStream().write("GET /common/HealthCheck HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
        // Three header timeouts of silence, measured by the scheduler, then a second request on the same connection.
        ticker.schedule(later::countDown, 3, TimeUnit.SECONDS);
        assertThat(later.await(30, TimeUnit.SECONDS)).isTrue();
        s.getOutputStream().write("GET /common/HealthCheck HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
    }

    @Test
    @DisplayName("a body that stops arriving gets a 408 problem when the body timeout passes, and the connection closes")
    void bodyTimeout() throws Exception {
        PortcullisServer server = start(Map.of("PORTCULLIS_BODY_TIMEOUT", "1s"));
        Socket s = connect(server);
        s.getOutputStream().write(("POST /user/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"username\":").getBytes(StandardCharsets.US_ASCII));
        String answer = readUntilClosed(s);
        assertThat(answer).startsWith("HTTP/1.1 408").contains("application/problem+json")
                .contains("\"code\":\"MALFORMED_REQUEST\"").contains("\"status\":408");
    }

    /** Everything the server sends until it closes the connection (a reset counts as closed). */
    private static String readUntilClosed(Socket s) throws IOException {
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketException reset) {
            return "";
        }
    }

    /** One response with a Content-Length body, read from a kept-alive connection. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
