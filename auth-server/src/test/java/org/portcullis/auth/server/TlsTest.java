package org.portcullis.auth.server;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.store.tck.MutableClock;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.auth.server.TestUsers.ALICE;
import static org.portcullis.auth.server.TestUsers.ALICE_PASSWORD;

@DisplayName("TLS: with a PKCS#12 keystore configured the server speaks HTTPS only")
class TlsTest {

    static final String STORE_PASSWORD = "test-keystore-password";

    @TempDir
    Path dir;

    private Path keystore() throws Exception {
        return keystore(dir);
    }

    /** A keystore made in {@code dir} by the JDK's keytool: a fresh EC key and a self-signed certificate for 127.0.0.1. */
    static Path keystore(Path dir) throws Exception {
        Path file = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "portcullis", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", STORE_PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return file;
    }

    /** An HttpClient that trusts exactly the certificate in that keystore. */
    private static HttpClient trusting(Path keystore) throws Exception {
        return HttpClient.newBuilder().sslContext(trustingContext(keystore)).build();
    }

    /** A TLS context that trusts exactly the certificate in that keystore. */
    static SSLContext trustingContext(Path keystore) throws Exception {
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            server.load(in, STORE_PASSWORD.toCharArray());
        }
        Certificate cert = server.getCertificate("portcullis");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    @DisplayName("a client trusting the configured certificate logs in and calls /user/me over HTTPS; one trusting nothing is refused")
    void https() throws Exception {
        Path keystore = keystore();
        ServerConfig config = PortcullisServerEndToEndTest.testConfig(dir, Map.of(
                "PORTCULLIS_TLS_KEYSTORE", keystore.toString(), "PORTCULLIS_TLS_KEYSTORE_PASSWORD", STORE_PASSWORD));
        try (PortcullisServer server = PortcullisServerEndToEndTest.startWithTestUsers(config,
                MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z")), new PrintStream(OutputStream.nullOutputStream()))) {
            assertThat(server.uri().getScheme()).isEqualTo("https");
            HttpClient client = trusting(keystore);
            HttpResponse<String> login = client.send(HttpRequest.newBuilder(server.uri().resolve("/user/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + ALICE + "\",\"password\":\"" + ALICE_PASSWORD + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            String token = (String) Client.json(login).get("accessToken");
            HttpResponse<String> me = client.send(HttpRequest.newBuilder(server.uri().resolve("/user/me"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(me.body()).contains(ALICE);

            HttpClient untrusting = HttpClient.newHttpClient();
            assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(server.uri().resolve("/common/HealthCheck")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
            HttpClient plain = HttpClient.newHttpClient();
            URI asHttp = URI.create("http://127.0.0.1:" + server.port() + "/common/HealthCheck");
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(asHttp).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    @DisplayName("a keystore with the wrong password stops the start with a message, and nothing listens")
    void wrongPassword() throws Exception {
        Path keystore = keystore();
        ServerConfig config = PortcullisServerEndToEndTest.testConfig(dir, Map.of(
                "PORTCULLIS_TLS_KEYSTORE", keystore.toString(), "PORTCULLIS_TLS_KEYSTORE_PASSWORD", "wrong"));
        assertThatThrownBy(() -> PortcullisServerEndToEndTest.startWithTestUsers(config,
                MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z")), new PrintStream(OutputStream.nullOutputStream())))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    @DisplayName("plain HTTP is warned about on any address but loopback")
    void plainHttpWarning() throws Exception {
        assertThat(JettyTransport.plainHttpWarning(PortcullisServerEndToEndTest.testConfig(dir, Map.of("PORTCULLIS_HOST", "0.0.0.0"))))
                .hasValueSatisfying(w -> assertThat(w).contains("plain HTTP on 0.0.0.0", "PORTCULLIS_TLS_KEYSTORE"));
        assertThat(JettyTransport.plainHttpWarning(PortcullisServerEndToEndTest.testConfig(dir, Map.of()))).isEmpty();
        assertThat(JettyTransport.plainHttpWarning(PortcullisServerEndToEndTest.testConfig(dir, Map.of("PORTCULLIS_HOST", "0.0.0.0",
                "PORTCULLIS_TLS_KEYSTORE", keystore().toString(), "PORTCULLIS_TLS_KEYSTORE_PASSWORD", STORE_PASSWORD)))).isEmpty();
        assertThat(JettyTransport.isLoopback("127.0.0.1")).isTrue();
        assertThat(JettyTransport.isLoopback("::1")).isTrue();
        assertThat(JettyTransport.isLoopback("localhost")).isTrue();
        assertThat(JettyTransport.isLoopback("0.0.0.0")).isFalse();
        assertThat(JettyTransport.isLoopback("::")).isFalse();
        assertThat(JettyTransport.isLoopback("192.0.2.10")).isFalse();
    }
}
