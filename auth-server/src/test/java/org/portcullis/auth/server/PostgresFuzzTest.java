package org.portcullis.auth.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.portcullis.auth.http.contract.FuzzInputs;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.server.TestUsers.ALICE;
import static org.portcullis.auth.server.TestUsers.ALICE_PASSWORD;
import static org.portcullis.auth.server.TestUsers.BOB;
import static org.portcullis.auth.server.TestUsers.BOB_PASSWORD;

/**
 * Random text, of the kinds that break what stores it (NUL and other controls, lone surrogates,
 * strings past every column), in every member the server hands towards PostgreSQL: the login's
 * username, password and device token, the refresh token, and a session id to revoke. Every
 * answer must be a documented 4xx (or a 200 where the input may be genuine), never a 503 as if
 * the database were down, and the server keeps serving. Tries are bounded so the class runs in
 * seconds.
 */
@Label("Random text towards PostgreSQL over HTTP")
class PostgresFuzzTest {

    /** What the HTTP contract documents for bad input; 404 for a session that does not exist. */
    private static final Set<Integer> DOCUMENTED = Set.of(400, 401, 404, 413, 429);
    private static final int TRIES = 100;

    private static Path dir;
    private static EmbeddedPostgres postgres;
    private static PortcullisServer server;
    private static Client client;
    private static Map<String, Object> alice;

    @BeforeContainer
    static void up() throws IOException {
        dir = Files.createTempDirectory("portcullis-pg-fuzz");
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        server = OnPostgres.start(postgres, dir, MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z")));
        client = new Client(server.uri());
        alice = client.login(ALICE, ALICE_PASSWORD);
    }

    @AfterContainer
    static void down() throws IOException {
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        Files.deleteIfExists(dir); // nothing was written there: the database is PostgreSQL and the key given
    }

    @Provide
    Arbitrary<String> text() {
        return FuzzInputs.text();
    }

    @Property(tries = TRIES)
    @Label("any text as username, password and device token of a login")
    void login(@ForAll("text") String username, @ForAll("text") String password, @ForAll("text") String deviceToken) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        body.put("deviceToken", deviceToken);
        answersDocumented(post("/user/login", null, FuzzInputs.jsonObject(body)));
        // A genuine login with any device token: Bob's, so no limit on Alice's sessions can end the one the checks use.
        answersDocumented(post("/user/login", null, FuzzInputs.jsonObject(Map.of("username", BOB, "password", BOB_PASSWORD,
                "deviceToken", deviceToken))), 200);
        stillServing();
    }

    @Property(tries = TRIES)
    @Label("any text as the refresh token and as a session id to revoke")
    void refreshAndRevoke(@ForAll("text") String text) {
        answersDocumented(post("/user/refreshToken", (String) alice.get("accessToken"),
                FuzzInputs.jsonObject(Map.of("refreshToken", text))));
        HttpResponse<String> revoke = client.delete("/user/sessions/" + URLEncoder.encode(text, StandardCharsets.UTF_8)
                .replace("+", "%20"), (String) alice.get("accessToken"));
        answersDocumented(revoke);
        stillServing();
    }

    private static HttpResponse<String> post(String path, String token, byte[] json) {
        HttpRequest.Builder b = client.request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b);
    }

    private static void answersDocumented(HttpResponse<String> r, Integer... alsoAllowed) {
        Set<Integer> allowed = new java.util.HashSet<>(DOCUMENTED);
        allowed.addAll(java.util.List.of(alsoAllowed));
        assertThat(r.statusCode()).as("status of a fuzzed request: %s", r.body()).isIn(allowed);
    }

    private static void stillServing() {
        assertThat(client.get("/common/HealthCheck", null).statusCode()).isEqualTo(200);
        assertThat(client.get("/user/me", (String) alice.get("accessToken")).statusCode()).isEqualTo(200);
    }
}
