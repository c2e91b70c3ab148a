package org.portcullis.auth.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.server.TestUsers.ALICE;
import static org.portcullis.auth.server.TestUsers.ALICE_PASSWORD;
import static org.portcullis.auth.server.Client.json;

@DisplayName("The standalone server on a real PostgreSQL, chosen by PORTCULLIS_DB_URL")
class PostgresServerTest {

    @TempDir
    static Path dir;

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @Test
    @DisplayName("never seeds nor prints a demo user there, even with every demo setting but the switch at its default")
    void noDemoUser() {
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        ServerConfig config = ServerConfig.load(Map.of("PORTCULLIS_PORT", "0", "PORTCULLIS_HOST", "127.0.0.1",
                "PORTCULLIS_THREADS", "2", "PORTCULLIS_DEMO_USER", "visitor", "PORTCULLIS_DEMO_PASSWORD", "visitor-password",
                "PORTCULLIS_DB_URL", postgres.getJdbcUrl("postgres", "postgres"), "PORTCULLIS_DB_USER", "postgres",
                "PORTCULLIS_KEK", Base64.getEncoder().encodeToString(kek)), dir);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (PortcullisServer server = PortcullisServer.start(config, java.time.Clock.systemUTC(),
                new PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), false)) {
            assertThat(new Client(server.uri()).post("/user/login", null,
                    "{\"username\":\"visitor\",\"password\":\"visitor-password\"}").statusCode()).isEqualTo(401);
        }
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("Demo user").doesNotContain("visitor-password")
                .contains("Portcullis listening");
    }

    @Test
    @DisplayName("creates its schema there and serves the session lifecycle, restart included")
    void lifecycle() {
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        ServerConfig config = ServerConfig.load(Map.of("PORTCULLIS_PORT", "0", "PORTCULLIS_HOST", "127.0.0.1",
                "PORTCULLIS_DEMO_SEED", "false", "PORTCULLIS_THREADS", "2",
                "PORTCULLIS_DB_URL", postgres.getJdbcUrl("postgres", "postgres"), "PORTCULLIS_DB_USER", "postgres",
                "PORTCULLIS_KEK", Base64.getEncoder().encodeToString(kek)), dir);
        MutableClock clock = MutableClock.startingAt(java.time.Instant.parse("2026-03-01T10:00:00Z"));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

        Map<String, Object> pair;
        try (PortcullisServer server = PortcullisServerEndToEndTest.startWithTestUsers(config, clock, quiet)) {
            Client client = new Client(server.uri());
            pair = client.login(ALICE, ALICE_PASSWORD);
            HttpResponse<String> me = client.get("/user/me", (String) pair.get("accessToken"));
            assertThat(json(me)).containsEntry("username", ALICE);
        }
        try (PortcullisServer again = PortcullisServerEndToEndTest.startWithTestUsers(config, clock, quiet)) {
            Client client = new Client(again.uri());
            assertThat(client.get("/user/me", (String) pair.get("accessToken")).statusCode()).isEqualTo(200);
            assertThat(client.refresh(pair.get("accessToken"), pair.get("refreshToken")).statusCode()).isEqualTo(200);
            assertThat(client.get("/common/HealthCheck", null).body()).isEqualTo("{\"status\":\"Healthy\"}");
        }
    }
}
