package org.portcullis.auth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The client attaches the bearer token only to its configured origin (RFC 6454 §4: scheme, host
 * and port), so that a program which sends every request through it cannot hand the token to a
 * third party (RFC 6750 §5.3: bearer tokens must not leak to unintended parties; OWASP ASVS
 * V3.5). Two loopback servers: the real standalone server as the origin, and a plain JDK server
 * on another port that records what reaches it.
 */
@DisplayName("AuthClient sends credentials only to its origin")
class OriginTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T08:00:00Z"));
    private TestServer server;
    private HttpServer elsewhere;
    private final List<String> seenElsewhere = new CopyOnWriteArrayList<>();
    private AuthClient client;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(dir.resolve("server"), clock);
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", exchange -> {
            seenElsewhere.add(exchange.getRequestURI() + " authorization="
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        elsewhere.start();
        client = AuthClient.builder(server.baseUri()).clock(clock).build();
        client.login(TestServer.USER, TestServer.PASSWORD);
    }

    @AfterEach
    void stop() {
        elsewhere.stop(0);
        server.close();
    }

    private URI elsewhere(String path) {
        return URI.create("http://127.0.0.1:" + elsewhere.getAddress().getPort() + path);
    }

    @Test
    @DisplayName("a request to the origin carries the token")
    void origin() {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.baseUri().resolve("user/me")).GET(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a request to the same host on another port is refused before anything is sent")
    void otherPort() {
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(elsewhere("/steal")).GET(),
                HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("origin")
                .hasMessageNotContaining(client.tokens().orElseThrow().accessToken());
        assertThatThrownBy(() -> client.sendAsync(HttpRequest.newBuilder(elsewhere("/steal-async")).GET(),
                HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(seenElsewhere).isEmpty();
        // The other server is up: a plain request reaches it, without any token.
        assertThat(sendPlain(elsewhere("/plain"))).isEqualTo(204);
        assertThat(seenElsewhere).containsExactly("/plain authorization=null");
    }

    @Test
    @DisplayName("another scheme or another spelling of the host is another origin, and refused")
    void otherSchemeOrHost() {
        URI base = server.baseUri();
        URI https = URI.create("https://" + base.getAuthority() + "/user/me");
        URI localhost = URI.create("http://localhost:" + base.getPort() + "/user/me");
        for (URI uri : List.of(https, localhost)) {
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(uri).GET(), HttpResponse.BodyHandlers.discarding()))
                    .as("%s", uri).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("the origin's host compares without case and its default port equals an explicit one")
    void sameOriginSpellings() {
        URI base = URI.create("http://API.example.test/base/");
        assertThat(AuthClient.sameOrigin(base, URI.create("http://api.example.test:80/other?q=1"))).isTrue();
        assertThat(AuthClient.sameOrigin(URI.create("https://api.example.test/"), URI.create("HTTPS://api.example.test:443/x")))
                .isTrue();
        assertThat(AuthClient.sameOrigin(base, URI.create("http://api.example.test:8080/"))).isFalse();
        assertThat(AuthClient.sameOrigin(base, URI.create("https://api.example.test/"))).isFalse();
        assertThat(AuthClient.sameOrigin(base, URI.create("http://api.example.test.evil.test/"))).isFalse();
        assertThat(AuthClient.sameOrigin(base, URI.create("http://evil.test@api.example.test/"))).isTrue();
        assertThat(AuthClient.sameOrigin(base, URI.create("http://api.example.test@evil.test/"))).isFalse();
    }

    @Test
    @DisplayName("an HttpClient that follows redirects is refused: a redirect would carry the token to any origin")
    void redirectsRefused() {
        for (HttpClient.Redirect redirect : List.of(HttpClient.Redirect.NORMAL, HttpClient.Redirect.ALWAYS)) {
            HttpClient following = HttpClient.newBuilder().followRedirects(redirect).build();
            assertThatThrownBy(() -> AuthClient.builder(server.baseUri()).httpClient(following).build())
                    .as("%s", redirect).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redirect");
        }
        HttpClient never = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        assertThat(AuthClient.builder(server.baseUri()).httpClient(never).build()).isNotNull();
    }

    private static int sendPlain(URI uri) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
