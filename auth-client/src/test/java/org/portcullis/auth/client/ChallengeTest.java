package org.portcullis.auth.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The client refreshes only when a 401 refuses its bearer token (RFC 6750 §3.1): an application's
 * own 401 for another scheme comes back untouched, without a refresh, since every refresh rotates
 * the refresh token and a session ends after a bounded number of rotations. One origin on loopback
 * serves both: a JDK server whose {@code /user/} paths are passed through to the real standalone
 * server, and whose {@code /app/} paths are the application's.
 */
@DisplayName("AuthClient refreshes only on a 401 that refuses the bearer token")
class ChallengeTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T08:00:00Z"));
    private final HttpClient upstream = HttpClient.newHttpClient();
    private final AtomicInteger bearerCalls = new AtomicInteger();
    private TestServer server;
    private HttpServer origin;
    private AuthClient client;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(dir.resolve("server"), clock);
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/user/", this::passThrough);
        origin.createContext("/app/basic", e -> answer(e, 401, "Basic realm=\"app\""));
        origin.createContext("/app/other-error", e -> answer(e, 401, "Bearer realm=\"app\", error=\"invalid_request\""));
        origin.createContext("/app/listed", e -> answer(e, bearerCalls.getAndIncrement() == 0 ? 401 : 200,
                "Basic realm=\"a, Bearer b\", Bearer error=\"invalid_token\", error_description=\"expired\""));
        origin.createContext("/app/no-challenge", e -> answer(e, bearerCalls.getAndIncrement() == 0 ? 401 : 200, null));
        origin.start();
        client = AuthClient.builder(URI.create("http://127.0.0.1:" + origin.getAddress().getPort() + "/"))
                .clock(clock).build();
        client.login(TestServer.USER, TestServer.PASSWORD);
    }

    @AfterEach
    void stop() {
        origin.stop(0);
        server.close();
    }

    @Test
    @DisplayName("a 401 that challenges only for Basic is returned as it is, with no refresh")
    void basicChallenge() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(send("/app/basic").statusCode()).isEqualTo(401);
        }
        assertThat(client.sendAsync(request("/app/basic"), HttpResponse.BodyHandlers.discarding())
                .get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
        assertThat(server.audited(AuditEventType.TOKEN_REFRESHED)).isZero();
    }

    @Test
    @DisplayName("a Bearer challenge naming an error other than invalid_token does not refresh")
    void otherBearerError() {
        assertThat(send("/app/other-error").statusCode()).isEqualTo(401);
        assertThat(server.audited(AuditEventType.TOKEN_REFRESHED)).isZero();
    }

    @Test
    @DisplayName("invalid_token among several challenges (a comma inside a quoted realm included) refreshes once and retries")
    void invalidTokenAmongChallenges() {
        assertThat(send("/app/listed").statusCode()).isEqualTo(200);
        assertThat(bearerCalls.get()).isEqualTo(2);
        assertThat(server.audited(AuditEventType.TOKEN_REFRESHED)).isEqualTo(1);
    }

    @Test
    @DisplayName("a 401 without any challenge (a proxy dropped it) still refreshes once and retries")
    void noChallenge() {
        assertThat(send("/app/no-challenge").statusCode()).isEqualTo(200);
        assertThat(server.audited(AuditEventType.TOKEN_REFRESHED)).isEqualTo(1);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.getAddress().getPort() + path)).GET();
    }

    private HttpResponse<Void> send(String path) {
        return client.send(request(path), HttpResponse.BodyHandlers.discarding());
    }

    private static void answer(HttpExchange e, int status, String challenge) throws IOException {
        if (challenge != null) {
            e.getResponseHeaders().add("WWW-Authenticate", challenge);
        }
        e.sendResponseHeaders(status, -1);
        e.close();
    }

    /** Forwards a {@code /user/} request to the standalone server and its answer back. */
    private void passThrough(HttpExchange e) throws IOException {
        try (e; InputStream in = e.getRequestBody()) {
            byte[] body = in.readAllBytes();
            HttpRequest.Builder out = HttpRequest.newBuilder(server.baseUri().resolve(e.getRequestURI().getPath().substring(1)))
                    .method(e.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String name : new String[] {"Authorization", "Content-Type"}) {
                String value = e.getRequestHeaders().getFirst(name);
                if (value != null) {
                    out.header(name, value);
                }
            }
            HttpResponse<byte[]> r = upstream.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            r.headers().firstValue("Content-Type").ifPresent(v -> e.getResponseHeaders().add("Content-Type", v));
            r.headers().allValues("WWW-Authenticate").forEach(v -> e.getResponseHeaders().add("WWW-Authenticate", v));
            e.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            e.getResponseBody().write(r.body());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException(interrupted);
        }
    }

}
