package org.portcullis.auth.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.portcullis.auth.server.Client.json;
import static org.portcullis.auth.server.TestUsers.ALICE;
import static org.portcullis.auth.server.TestUsers.ALICE_PASSWORD;

/**
 * Input that PostgreSQL itself would refuse (a NUL character, which no PostgreSQL text value can
 * hold; strings longer than a column) is refused by Portcullis before it reaches the store, with
 * the same documented 4xx as on every other store, never a 503 as if the database were down.
 */
@DisplayName("Input PostgreSQL cannot store answers a documented 4xx on the server over PostgreSQL, never 503")
class PostgresHostileInputTest {

    private static final String NUL = "\\u0000";

    @TempDir
    static Path dir;

    private static EmbeddedPostgres postgres;
    private static PortcullisServer server;
    private static Client client;

    @BeforeAll
    static void up() throws IOException {
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        server = OnPostgres.start(postgres, dir, MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z")));
        client = new Client(server.uri());
    }

    @AfterAll
    static void down() throws IOException {
        if (server != null) {
            server.close();
        }
        postgres.close();
    }

    @AfterEach
    void stillServing() {
        assertThat(client.get("/common/HealthCheck", null).statusCode()).isEqualTo(200);
        assertThat(client.login(ALICE, ALICE_PASSWORD)).containsKey("accessToken");
    }

    private static void assertProblem(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(json(r)).containsEntry("code", code);
    }

    private static String login(String username, String password) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    }

    @ParameterizedTest(name = "username {0}")
    @ValueSource(strings = {"ali" + NUL + "ce", NUL, "alice" + NUL, " " + NUL + " "})
    @DisplayName("a NUL in the username is a malformed request (400), on the first try and the tenth")
    void nulInUsername(String username) {
        for (int i = 0; i < 10; i++) {
            assertProblem(client.post("/user/login", null, login(username, "whatever it is")), 400, "MALFORMED_REQUEST");
        }
    }

    @Test
    @DisplayName("a NUL in the password is a wrong credential (401), for a real username too")
    void nulInPassword() {
        assertProblem(client.post("/user/login", null, login(ALICE, "correct" + NUL + "horse")), 401, "INVALID_CREDENTIALS");
        assertProblem(client.post("/user/login", null, login("nobody", NUL)), 401, "INVALID_CREDENTIALS");
    }

    @ParameterizedTest(name = "{0} characters")
    @ValueSource(ints = {257, 1025, 5000})
    @DisplayName("a username longer than allowed (and than the columns hold) is a malformed request (400)")
    void overlongUsername(int length) {
        assertProblem(client.post("/user/login", null, login("u".repeat(length), "pw")), 400, "MALFORMED_REQUEST");
        assertProblem(client.post("/user/login", null, login("\u00e9".repeat(length), "pw")), 400, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("a password longer than allowed is a malformed request (400)")
    void overlongPassword() {
        assertProblem(client.post("/user/login", null, login(ALICE, "p".repeat(5000))), 400, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("a NUL or an overlong refresh token is an invalid refresh token (401)")
    void badRefreshToken() {
        Map<String, Object> pair = client.login(ALICE, ALICE_PASSWORD);
        assertProblem(client.post("/user/refreshToken", (String) pair.get("accessToken"),
                "{\"refreshToken\":\"abc" + NUL + "def\"}"), 401, "REFRESH_TOKEN_INVALID");
        assertProblem(client.post("/user/refreshToken", (String) pair.get("accessToken"),
                "{\"refreshToken\":\"" + "r".repeat(8000) + "\"}"), 401, "REFRESH_TOKEN_INVALID");
        // The genuine pair is untouched by either.
        assertThat(client.refresh(pair.get("accessToken"), pair.get("refreshToken")).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a NUL or an overlong device token is ignored or refused, never a 5xx")
    void badDeviceToken() {
        String body = "{\"username\":\"" + ALICE + "\",\"password\":\"" + ALICE_PASSWORD + "\",\"deviceToken\":\"d" + NUL + "t\"}";
        assertThat(client.post("/user/login", null, body).statusCode()).isIn(200, 400, 401);
        String longer = "{\"username\":\"" + ALICE + "\",\"password\":\"" + ALICE_PASSWORD + "\",\"deviceToken\":\""
                + "d".repeat(8000) + "\"}";
        assertThat(client.post("/user/login", null, longer).statusCode()).isIn(200, 400, 401);
    }

    @ParameterizedTest(name = "session id {0}")
    @ValueSource(strings = {"%00", "abc%00def", "%C3%A9%00"})
    @DisplayName("a NUL in the path of a session to revoke is a malformed request (400)")
    void nulInSessionId(String id) {
        String token = (String) client.login(ALICE, ALICE_PASSWORD).get("accessToken");
        assertProblem(client.delete("/user/sessions/" + id, token), 400, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("the engine itself, called directly on PostgreSQL, refuses a NUL username or session id as wrong input, not as an outage")
    void engineDirectly() {
        AuthService engine = server.service();
        assertThat(catchThrowable(() -> engine.login(new PasswordCredential("ali\0ce", ALICE_PASSWORD), ClientInfo.UNKNOWN)))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS));
        AuthPrincipal alice = engine.validate(engine.login(new PasswordCredential(ALICE, ALICE_PASSWORD), ClientInfo.UNKNOWN).accessToken());
        assertThat(catchThrowable(() -> engine.revokeSession(alice, "a\0b", ClientInfo.UNKNOWN)))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SESSION_NOT_FOUND));
    }

    @Test
    @DisplayName("a session id longer than the column is a session that does not exist (404)")
    void overlongSessionId() {
        String token = (String) client.login(ALICE, ALICE_PASSWORD).get("accessToken");
        assertProblem(client.delete("/user/sessions/" + "s".repeat(3000), token), 404, "SESSION_NOT_FOUND");
    }

    @Test
    @DisplayName("a User-Agent longer than the column is kept in part, and the login succeeds")
    void overlongUserAgent() {
        HttpResponse<String> r = client.send(client.request("/user/login").header("Content-Type", "application/json")
                .header("User-Agent", "a".repeat(3000)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(login(ALICE, ALICE_PASSWORD))));
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a NUL in the User-Agent header is refused by the HTTP parser (400), never stored")
    void nulInUserAgent() throws IOException {
        byte[] body = login(ALICE, ALICE_PASSWORD).getBytes(StandardCharsets.UTF_8);
        String head = "POST /user/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "User-Agent: evil\u0000agent\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (Socket s = new Socket(server.uri().getHost(), server.port())) {
            s.setSoTimeout(30_000); // a guard against a hung test, not a measurement
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 4");
        }
    }
}
