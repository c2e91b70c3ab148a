package org.portcullis.auth.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.server.TestUsers.ALICE;
import static org.portcullis.auth.server.TestUsers.ALICE_PASSWORD;

@DisplayName("HTTP/2, when turned on: h2 over TLS by ALPN, h2c in plain text; HTTP/1.1 otherwise")
class Http2Test {

    @TempDir
    Path dir;

    private PortcullisServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private PortcullisServer start(Map<String, String> extra) {
        server = PortcullisServerEndToEndTest.startWithTestUsers(PortcullisServerEndToEndTest.testConfig(dir, extra),
                MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z")), new PrintStream(OutputStream.nullOutputStream()));
        return server;
    }

    /** Logs in, reads /user/me and a 401, all on one client; each answer must have come over {@code expected}. */
    private static void session(HttpClient client, URI base, HttpClient.Version expected) throws Exception {
        // A first request without a body: over plain text, this is the one that carries the h2c Upgrade.
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/common/HealthCheck")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.version()).isEqualTo(expected);

        HttpResponse<String> login = client.send(HttpRequest.newBuilder(base.resolve("/user/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + ALICE + "\",\"password\":\"" + ALICE_PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        assertThat(login.version()).isEqualTo(expected);
        String token = (String) Client.json(login).get("accessToken");

        HttpResponse<String> me = client.send(HttpRequest.newBuilder(base.resolve("/user/me"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.version()).isEqualTo(expected);
        assertThat(me.body()).contains("\"username\":\"" + ALICE + "\"");

        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(base.resolve("/user/me")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.version()).isEqualTo(expected);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(Client.code(refused)).isEqualTo("TOKEN_MISSING");
    }

    @Test
    @DisplayName("with TLS, a client asking for HTTP/2 gets h2 by ALPN and the whole session works over it")
    void h2OverTls() throws Exception {
        Path keystore = TlsTest.keystore(dir);
        Map<String, String> env = new HashMap<>(Map.of("PORTCULLIS_HTTP2", "true", "PORTCULLIS_TLS_KEYSTORE", keystore.toString(),
                "PORTCULLIS_TLS_KEYSTORE_PASSWORD", TlsTest.STORE_PASSWORD));
        PortcullisServer s = start(env);
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TlsTest.trustingContext(keystore)).build();
        session(h2, s.uri(), HttpClient.Version.HTTP_2);
        HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TlsTest.trustingContext(keystore)).build();
        session(h1, s.uri(), HttpClient.Version.HTTP_1_1);
    }

    @Test
    @DisplayName("in plain text, a client asking for HTTP/2 upgrades to h2c and the whole session works over it")
    void h2c() throws Exception {
        PortcullisServer s = start(Map.of("PORTCULLIS_HTTP2", "true"));
        session(HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build(), s.uri(), HttpClient.Version.HTTP_2);
        session(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), s.uri(), HttpClient.Version.HTTP_1_1);
    }

    @Test
    @DisplayName("off by default: a client asking for HTTP/2 stays on HTTP/1.1, with TLS and without")
    void offByDefault() throws Exception {
        PortcullisServer plain = start(Map.of());
        session(HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build(), plain.uri(), HttpClient.Version.HTTP_1_1);
        plain.close();

        Path keystore = TlsTest.keystore(dir);
        PortcullisServer tls = start(Map.of("PORTCULLIS_TLS_KEYSTORE", keystore.toString(),
                "PORTCULLIS_TLS_KEYSTORE_PASSWORD", TlsTest.STORE_PASSWORD));
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TlsTest.trustingContext(keystore)).build();
        session(h2, tls.uri(), HttpClient.Version.HTTP_1_1);
    }
}
