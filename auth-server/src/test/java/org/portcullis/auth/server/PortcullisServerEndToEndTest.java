package org.portcullis.auth.server;

import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.server.TestUsers.ALICE;
import static org.portcullis.auth.server.TestUsers.ALICE_PASSWORD;
import static org.portcullis.auth.server.TestUsers.BOB;
import static org.portcullis.auth.server.TestUsers.BOB_PASSWORD;
import static org.portcullis.auth.server.Client.code;
import static org.portcullis.auth.server.Client.json;
import static org.portcullis.auth.server.Client.jsonList;

@DisplayName("The standalone server, end to end over real sockets, on an H2 file")
class PortcullisServerEndToEndTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.startingAt(java.time.Instant.parse("2026-03-01T10:00:00Z"));
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private ServerConfig config(Map<String, String> extra) {
        return testConfig(dir, extra);
    }

    /** A loopback server on an ephemeral port, no demo user, four threads, data under {@code dir}; {@code extra} wins. */
    static ServerConfig testConfig(Path dir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("PORTCULLIS_PORT", "0", "PORTCULLIS_HOST", "127.0.0.1",
                "PORTCULLIS_DEMO_SEED", "false", "PORTCULLIS_THREADS", "4"));
        env.putAll(extra);
        return ServerConfig.load(env, dir);
    }

    /** A server on the given config with alice and bob seeded, a cheap hasher, and the test clock; closed after the test. */
    private PortcullisServer start(ServerConfig config) {
        PortcullisServer server = startWithTestUsers(config, clock, new PrintStream(console, true, StandardCharsets.UTF_8));
        toClose.add(server);
        return server;
    }

    /** A server with alice and bob seeded and a cheap hasher; the caller closes it. */
    static PortcullisServer startWithTestUsers(ServerConfig config, java.time.Clock clock, PrintStream out) {
        SecureRandom random = new SecureRandom();
        JdbcBackend backend = JdbcBackend.open(config, KeyEncryptionKeys.resolve(config, random));
        TestUsers.seed(backend.stores().users());
        return PortcullisServer.start(config, clock, out, false, backend, TestUsers.HASHER, random);
    }

    @Nested
    @DisplayName("Published keys (PORTCULLIS_JWKS_ENABLED)")
    class PublishedKeys {

        @Test
        @DisplayName("off by default: /.well-known/jwks.json is an unknown path that needs a token")
        void offByDefault() {
            Client client = new Client(start(config(Map.of())).uri());
            HttpResponse<String> r = client.get("/.well-known/jwks.json", null);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(code(r)).isEqualTo("TOKEN_MISSING");
        }

        @Test
        @DisplayName("on: the key set and the metadata answer anonymously, with a finite max-age, and lookup lists them")
        void on() {
            Client client = new Client(start(config(Map.of("PORTCULLIS_JWKS_ENABLED", "true",
                    "PORTCULLIS_ISSUER", "https://id.example", "PORTCULLIS_SIGNING_ALGORITHM", "ES256"))).uri());
            client.login(ALICE, ALICE_PASSWORD);
            HttpResponse<String> jwks = client.get("/.well-known/jwks.json", null);
            assertThat(jwks.statusCode()).isEqualTo(200);
            assertThat(jwks.headers().firstValue("Cache-Control")).contains("public, max-age=300");
            assertThat(jwks.body()).contains("\"alg\":\"ES256\"").doesNotContain("\"d\"");
            HttpResponse<String> meta = client.get("/.well-known/openid-configuration", null);
            assertThat(json(meta)).containsEntry("jwks_uri", "https://id.example/.well-known/jwks.json");
            assertThat(json(client.get("/common/lookup", null)).get("anonymousPaths").toString())
                    .contains("/.well-known/jwks.json", "/.well-known/openid-configuration");
        }

        @Test
        @DisplayName("on without a signing algorithm: keys are RS256, which every common verifier accepts")
        void rs256ByDefault() {
            Client client = new Client(start(config(Map.of("PORTCULLIS_JWKS_ENABLED", "true"))).uri());
            client.login(ALICE, ALICE_PASSWORD);
            assertThat(client.get("/.well-known/jwks.json", null).body()).contains("\"alg\":\"RS256\"", "\"kty\":\"RSA\"");
        }
    }

    @Nested
    @DisplayName("The session lifecycle")
    class Lifecycle {

        private Client client;

        @BeforeEach
        void up() {
            client = new Client(start(config(Map.of())).uri());
        }

        @Test
        @DisplayName("login, /user/me, refresh with an expired access token, reuse of the old refresh token revokes the session")
        void loginRefreshReuse() {
            Map<String, Object> first = client.login(ALICE, ALICE_PASSWORD);
            HttpResponse<String> me = client.get("/user/me", (String) first.get("accessToken"));
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(json(me)).containsEntry("username", ALICE).containsEntry("sessionId", first.get("sessionId"));

            clock.advance(Duration.ofMinutes(21));
            HttpResponse<String> expired = client.get("/user/me", (String) first.get("accessToken"));
            assertThat(expired.statusCode()).isEqualTo(401);
            assertThat(code(expired)).isEqualTo("TOKEN_EXPIRED");
            assertThat(expired.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).contains("error=\"invalid_token\""));

            HttpResponse<String> refreshed = client.refresh(first.get("accessToken"), first.get("refreshToken"));
            assertThat(refreshed.statusCode()).isEqualTo(200);
            Map<String, Object> second = json(refreshed);
            assertThat(second.get("refreshToken")).isNotEqualTo(first.get("refreshToken"));
            assertThat(client.get("/user/me", (String) second.get("accessToken")).statusCode()).isEqualTo(200);

            clock.advance(Duration.ofSeconds(30)); // past the grace window: a replay is reuse, not a retry
            HttpResponse<String> reused = client.refresh(first.get("accessToken"), first.get("refreshToken"));
            assertThat(reused.statusCode()).isEqualTo(401);
            assertThat(code(reused)).isEqualTo("REFRESH_TOKEN_REUSED");

            HttpResponse<String> after = client.get("/user/me", (String) second.get("accessToken"));
            assertThat(after.statusCode()).isEqualTo(401);
            assertThat(code(after)).isEqualTo("TOKEN_REVOKED");
            assertThat(client.refresh(second.get("accessToken"), second.get("refreshToken")).statusCode()).isEqualTo(401);
        }

        @Test
        @DisplayName("logout ends the current session only")
        void logout() {
            Map<String, Object> one = client.login(ALICE, ALICE_PASSWORD);
            Map<String, Object> two = client.login(ALICE, ALICE_PASSWORD);
            HttpResponse<String> r = client.post("/user/logout", (String) one.get("accessToken"), null);
            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(r.body()).isEmpty();
            assertThat(client.get("/user/me", (String) one.get("accessToken")).statusCode()).isEqualTo(401);
            assertThat(client.get("/user/me", (String) two.get("accessToken")).statusCode()).isEqualTo(200);
            assertThat(client.refresh(one.get("accessToken"), one.get("refreshToken")).statusCode()).isEqualTo(401);
        }

        @Test
        @DisplayName("logoutAll ends every session of the user and no one else's")
        void logoutAll() {
            Map<String, Object> one = client.login(ALICE, ALICE_PASSWORD);
            Map<String, Object> two = client.login(ALICE, ALICE_PASSWORD);
            Map<String, Object> bob = client.login(BOB, BOB_PASSWORD);
            assertThat(client.post("/user/logoutAll", (String) one.get("accessToken"), null).statusCode()).isEqualTo(204);
            assertThat(client.get("/user/me", (String) one.get("accessToken")).statusCode()).isEqualTo(401);
            assertThat(client.get("/user/me", (String) two.get("accessToken")).statusCode()).isEqualTo(401);
            assertThat(client.get("/user/me", (String) bob.get("accessToken")).statusCode()).isEqualTo(200);
        }

        @Test
        @DisplayName("sessions are listed with the current one marked, and one can be revoked; another user's is a 404")
        void listAndRevoke() {
            Map<String, Object> one = client.login(ALICE, ALICE_PASSWORD);
            Map<String, Object> two = client.login(ALICE, ALICE_PASSWORD);
            Map<String, Object> bob = client.login(BOB, BOB_PASSWORD);

            HttpResponse<String> list = client.get("/user/sessions", (String) two.get("accessToken"));
            assertThat(list.statusCode()).isEqualTo(200);
            List<Object> sessions = jsonList(list);
            assertThat(sessions).hasSize(2);
            assertThat(sessions).anySatisfy(s -> assertThat(asMap(s)).containsEntry("sessionId", two.get("sessionId"))
                    .containsEntry("current", true).containsEntry("clientIp", "127.0.0.1"));
            assertThat(sessions).anySatisfy(s -> assertThat(asMap(s)).containsEntry("sessionId", one.get("sessionId"))
                    .containsEntry("current", false));

            HttpResponse<String> foreign = client.delete("/user/sessions/" + bob.get("sessionId"), (String) two.get("accessToken"));
            assertThat(foreign.statusCode()).isEqualTo(404);
            assertThat(code(foreign)).isEqualTo("SESSION_NOT_FOUND");
            assertThat(client.get("/user/me", (String) bob.get("accessToken")).statusCode()).isEqualTo(200);

            assertThat(client.delete("/user/sessions/" + one.get("sessionId"), (String) two.get("accessToken")).statusCode())
                    .isEqualTo(204);
            assertThat(client.get("/user/me", (String) one.get("accessToken")).statusCode()).isEqualTo(401);
            assertThat(jsonList(client.get("/user/sessions", (String) two.get("accessToken")))).hasSize(1);
        }

        @Test
        @DisplayName("a throttled login is a 429 with Retry-After")
        void throttled() {
            for (int i = 0; i < 5; i++) {
                assertThat(client.post("/user/login", null, "{\"username\":\"bob\",\"password\":\"wrong\"}").statusCode())
                        .isEqualTo(401);
            }
            HttpResponse<String> r = client.post("/user/login", null, "{\"username\":\"bob\",\"password\":\"wrong\"}");
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
            assertThat(code(r)).isEqualTo("THROTTLED");
        }

        @Test
        @DisplayName("the health check answers Healthy while the database answers")
        void healthy() {
            HttpResponse<String> r = client.get("/common/HealthCheck", null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"status\":\"Healthy\"}");
        }
    }

    @Nested
    @DisplayName("Configuration and lifecycle")
    class Configuration {

        @Test
        @DisplayName("JwtSettings__ExpireMinutes sets the access-token lifetime")
        void expireMinutes() {
            Client client = new Client(start(config(Map.of("JwtSettings__ExpireMinutes", "5"))).uri());
            assertThat(client.login(ALICE, ALICE_PASSWORD)).containsEntry("expiresIn", 300);
            assertThat(asMap(json(client.get("/common/lookup", null)).get("settings")))
                    .containsEntry("accessTokenLifetimeSeconds", 300).containsEntry("jwtExpireMinutes", 5);
        }

        @Test
        @DisplayName("X-Forwarded-For is believed only from a configured trusted proxy")
        void trustedProxy() {
            Client trusting = new Client(start(config(Map.of("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.0/8"))).uri());
            HttpResponse<String> login = trusting.send(trusting.request("/user/login")
                    .header("Content-Type", "application/json").header("X-Forwarded-For", "198.51.100.23")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}")));
            String token = (String) json(login).get("accessToken");
            assertThat(jsonList(trusting.get("/user/sessions", token)))
                    .singleElement().satisfies(s -> assertThat(asMap(s)).containsEntry("clientIp", "198.51.100.23"));
        }

        @Test
        @DisplayName("by default X-Forwarded-For is ignored: the socket address counts")
        void untrustedProxy() {
            Client client = new Client(start(config(Map.of())).uri());
            HttpResponse<String> login = client.send(client.request("/user/login")
                    .header("Content-Type", "application/json").header("X-Forwarded-For", "198.51.100.23")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}")));
            String token = (String) json(login).get("accessToken");
            assertThat(jsonList(client.get("/user/sessions", token)))
                    .singleElement().satisfies(s -> assertThat(asMap(s)).containsEntry("clientIp", "127.0.0.1"));
        }

        @Test
        @DisplayName("a restart on the same H2 file keeps sessions, keys and the demo user; the password is printed once")
        void restartKeepsSessions() {
            Map<String, String> env = Map.of("PORTCULLIS_PORT", "0", "PORTCULLIS_HOST", "127.0.0.1",
                    "PORTCULLIS_DEMO_USER", "demo", "PORTCULLIS_THREADS", "2");
            ServerConfig config = ServerConfig.load(env, dir);
            ByteArrayOutputStream firstOut = new ByteArrayOutputStream();
            PortcullisServer first = PortcullisServer.start(config, clock, new PrintStream(firstOut, true, StandardCharsets.UTF_8), false);
            String printed = firstOut.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains("username: demo").contains("password: ");
            String password = printed.substring(printed.indexOf("password: ") + 10).lines().findFirst().orElseThrow().strip();
            Client c1 = new Client(first.uri());
            Map<String, Object> pair = c1.login("demo", password);
            first.close();

            Path kek = dir.resolve("data").resolve("portcullis.kek");
            assertThat(kek).exists();
            assertPermissions(kek);

            ByteArrayOutputStream secondOut = new ByteArrayOutputStream();
            PortcullisServer second = PortcullisServer.start(config, clock, new PrintStream(secondOut, true, StandardCharsets.UTF_8), false);
            toClose.add(second);
            assertThat(secondOut.toString(StandardCharsets.UTF_8)).contains("demo").doesNotContain(password);
            Client c2 = new Client(second.uri());
            assertThat(c2.get("/user/me", (String) pair.get("accessToken")).statusCode()).isEqualTo(200);
            assertThat(c2.refresh(pair.get("accessToken"), pair.get("refreshToken")).statusCode()).isEqualTo(200);
            assertThat(c2.login("demo", password)).containsKey("accessToken");
        }

        private void assertPermissions(Path file) {
            try {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Nested
    @DisplayName("When the database is unreachable")
    class DatabaseDown {

        @Test
        @DisplayName("the health check and readiness answer 503, liveness 200, and a login 503 STORE_UNAVAILABLE")
        void unhealthy() throws Exception {
            Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dir.toString()).start();
            try {
                String url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/portcullis";
                byte[] kek = new byte[32];
                new SecureRandom().nextBytes(kek);
                ServerConfig config = config(Map.of("PORTCULLIS_DB_URL", url,
                        "PORTCULLIS_KEK", Base64.getEncoder().encodeToString(kek)));
                Client client = new Client(start(config).uri());
                assertThat(client.get("/common/HealthCheck", null).statusCode()).isEqualTo(200);
                assertThat(client.get("/health/ready", null).body()).isEqualTo("{\"status\":\"UP\"}");
                assertThat(client.get("/health/live", null).statusCode()).isEqualTo(200);
                Map<String, Object> pair = client.login(ALICE, ALICE_PASSWORD);

                h2.stop();

                HttpResponse<String> ready = client.get("/health/ready", null);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).isEqualTo("{\"status\":\"DOWN\"}");
                HttpResponse<String> live = client.get("/health/live", null);
                assertThat(live.statusCode()).isEqualTo(200);
                assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
                assertThat(client.send(client.request("/health/live").DELETE()).statusCode()).isEqualTo(405);

                HttpResponse<String> health = client.get("/common/HealthCheck", null);
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).isEqualTo("{\"status\":\"Unhealthy\"}");
                HttpResponse<String> login = client.post("/user/login", null,
                        "{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}");
                assertThat(login.statusCode()).isEqualTo(503);
                assertThat(code(login)).isEqualTo("STORE_UNAVAILABLE");
                assertThat(login.headers().firstValue("Retry-After")).contains("5");
                HttpResponse<String> refresh = client.refresh(pair.get("accessToken"), pair.get("refreshToken"));
                assertThat(refresh.statusCode()).isEqualTo(503);
            } finally {
                h2.stop();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }
}
