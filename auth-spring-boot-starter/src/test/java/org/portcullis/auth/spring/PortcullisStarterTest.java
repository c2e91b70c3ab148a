package org.portcullis.auth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.micrometer.PortcullisMetrics;
import org.portcullis.auth.spring.example.FiveMinutesApplication;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * The five-minutes application as a real Spring Boot application on a random port, over real
 * HTTP: one shared context for every test here. H2 is on the classpath and named as the
 * DataSource, so the starter chooses the JDBC store; the endpoints live under {@code /auth}.
 */
@SpringBootTest(classes = {FiveMinutesApplication.class, PortcullisStarterTest.FastHashing.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
                "spring.datasource.url=jdbc:h2:mem:starter;DB_CLOSE_DELAY=-1",
                "portcullis.store.key-encryption-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "portcullis.http.base-path=/auth",
                "portcullis.http.cors-allowed-origins=https://app.example",
                "portcullis.security.public-paths=/public/**",
                "portcullis.cleanup.interval=0s",
                "portcullis.keys.publish-jwks=true",
                "management.endpoint.health.show-components=always"})
@DisplayName("a Spring Boot application with the starter")
class PortcullisStarterTest {

    /** Cheap hashing: these tests are about wiring, not about Argon2id's cost. */
    @TestConfiguration(proxyBeanMethods = false)
    static class FastHashing {
        @Bean
        PasswordHasher passwordHasher() {
            return PasswordHasher.withParameters(64, 1, 1);
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    Stores stores;

    @Autowired
    DataSource dataSource;

    @Autowired
    MeterRegistry registry;

    private HttpResponse<String> send(String method, String path, String bearer, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode login(String user, String password) throws IOException, InterruptedException {
        HttpResponse<String> r = send("POST", "/auth/user/login", null,
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String code(HttpResponse<String> r) {
        return JSON.readTree(r.body()).path("code").asString();
    }

    @Test
    @DisplayName("login under the base path answers the 7G token response")
    void login() throws Exception {
        JsonNode tokens = login("alice", "alice's long password");

        assertThat(tokens.path("tokenType").asString()).isEqualTo("Bearer");
        assertThat(tokens.path("accessToken").asString()).isNotBlank();
        assertThat(tokens.path("refreshToken").asString()).isNotBlank();
        assertThat(tokens.path("expiresIn").asLong()).isEqualTo(20 * 60);
    }

    @Test
    @DisplayName("a protected controller reads the caller through @AuthenticationPrincipal")
    void principal() throws Exception {
        JsonNode tokens = login("alice", "alice's long password");

        HttpResponse<String> r = send("GET", "/api/hello", tokens.path("accessToken").asString(), null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("user").asString()).isEqualTo("alice");
        assertThat(body.path("roles").get(0).asString()).isEqualTo("admin");
        assertThat(body.path("session").asString()).isEqualTo(tokens.path("sessionId").asString());
    }

    @Test
    @DisplayName("@PreAuthorize(hasRole('admin')) lets an admin in and answers 403 FORBIDDEN problem to anyone else")
    void roles() throws Exception {
        String alice = login("alice", "alice's long password").path("accessToken").asString();
        String bob = login("bob", "bob's long password").path("accessToken").asString();

        assertThat(send("GET", "/api/admin/report", alice, null).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = send("GET", "/api/admin/report", bob, null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(code(refused)).isEqualTo("FORBIDDEN");
        assertThat(JSON.readTree(refused.body()).path("type").asString()).isEqualTo("urn:portcullis:problem:forbidden");
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).contains("error=\"insufficient_scope\""));
    }

    @Test
    @DisplayName("refresh rotates both tokens, and the new access token opens the protected controller")
    void refresh() throws Exception {
        JsonNode first = login("bob", "bob's long password");

        HttpResponse<String> r = send("POST", "/auth/user/refreshToken", first.path("accessToken").asString(),
                "{\"refreshToken\":\"" + first.path("refreshToken").asString() + "\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode next = JSON.readTree(r.body());
        assertThat(next.path("refreshToken").asString()).isNotEqualTo(first.path("refreshToken").asString());
        assertThat(send("GET", "/api/hello", next.path("accessToken").asString(), null).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("after logout the same access token is refused with TOKEN_REVOKED")
    void logout() throws Exception {
        String token = login("bob", "bob's long password").path("accessToken").asString();

        assertThat(send("POST", "/auth/user/logout", token, null).statusCode()).isEqualTo(204);

        HttpResponse<String> after = send("GET", "/api/hello", token, null);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(code(after)).isEqualTo("TOKEN_REVOKED");
    }

    @Test
    @DisplayName("with portcullis.keys.publish-jwks the JWK Set is served anonymously under the base path, RS256 by default")
    void publishedKeys() throws Exception {
        String kid = com.nimbusds.jwt.SignedJWT.parse(login("alice", "alice's long password").path("accessToken").asString())
                .getHeader().getKeyID();
        HttpResponse<String> jwks = send("GET", "/auth/.well-known/jwks.json", null, null);
        assertThat(jwks.statusCode()).as(jwks.body()).isEqualTo(200);
        assertThat(jwks.headers().firstValue("Cache-Control")).contains("public, max-age=300");
        assertThat(jwks.body()).contains("\"kid\":\"" + kid + "\"", "\"alg\":\"RS256\"").doesNotContain("\"d\"");
        assertThat(send("GET", "/auth/common/lookup", null, null).body()).contains("/.well-known/jwks.json");
    }

    @Test
    @DisplayName("public paths, the 7G anonymous endpoints and /actuator/health need no token")
    void anonymousPaths() throws Exception {
        HttpResponse<String> ping = send("GET", "/public/ping", null, null);
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.body()).isEqualTo("pong");
        assertThat(send("GET", "/public/ping", "not-a-token", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/auth/common/HealthCheck", null, null).body()).contains("Healthy");
        assertThat(send("GET", "/auth/common/lookup", null, null).statusCode()).isEqualTo(200);

        HttpResponse<String> health = send("GET", "/actuator/health", null, null);
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).path("components").path("portcullis").path("status").asString())
                .isEqualTo("UP");
    }

    @Test
    @DisplayName("a CORS preflight to a 7G endpoint from an allowed origin is answered by the handler's policy")
    void corsPreflight() throws Exception {
        HttpRequest preflight = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/auth/user/login"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .build();

        HttpResponse<String> r = HTTP.send(preflight, HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isBetween(200, 204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
    }

    @Test
    @DisplayName("a protected path without a token answers 401 TOKEN_MISSING with a Bearer challenge")
    void noToken() throws Exception {
        HttpResponse<String> r = send("GET", "/api/hello", null, null);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer "));
        assertThat(code(r)).isEqualTo("TOKEN_MISSING");
    }

    @Test
    @DisplayName("a POST to a protected path without a token is a 401 too, not a CSRF 403")
    void postWithoutToken() throws Exception {
        HttpResponse<String> r = send("POST", "/api/hello", null, "{}");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(code(r)).isEqualTo("TOKEN_MISSING");
    }

    @Test
    @DisplayName("a bad token gets exactly the answer the 7G endpoints give it: 401 TOKEN_INVALID, invalid_token")
    void badToken() throws Exception {
        HttpResponse<String> app = send("GET", "/api/hello", "eyJhbGciOiJub25lIn0.e30.", null);
        HttpResponse<String> endpoint = send("GET", "/auth/user/me", "eyJhbGciOiJub25lIn0.e30.", null);

        assertThat(app.statusCode()).isEqualTo(401);
        assertThat(code(app)).isEqualTo("TOKEN_INVALID");
        assertThat(app.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).contains("error=\"invalid_token\""));
        assertThat(app.body()).isEqualTo(endpoint.body());
        assertThat(app.headers().firstValue("WWW-Authenticate")).isEqualTo(endpoint.headers().firstValue("WWW-Authenticate"));
    }

    @Test
    @DisplayName("with a DataSource in the application the JDBC store is chosen and its schema migrated")
    void jdbcStoreChosen() throws Exception {
        login("alice", "alice's long password");

        assertThat(stores.users().getClass().getName()).isEqualTo("org.portcullis.auth.store.jdbc.JdbcUserStore");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM portcullis_users")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @DisplayName("Portcullis meters reach the application's MeterRegistry")
    void metrics() throws Exception {
        double before = registry.get(PortcullisMetrics.LOGINS).tags("result", "succeeded").counter().count();

        login("bob", "bob's long password");

        assertThat(registry.get(PortcullisMetrics.LOGINS).tags("result", "succeeded").counter().count())
                .isEqualTo(before + 1);
        assertThat(registry.get(PortcullisMetrics.LOGIN_TIMER).timers()).isNotEmpty();
    }
}
