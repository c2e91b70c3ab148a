package org.portcullis.auth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.server.Client.code;
import static org.portcullis.auth.server.Client.json;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.store.tck.MutableClock;
import org.portcullis.auth.testkit.FakeOpenIdProvider;

/**
 * Login with an OpenID provider's ID token through the standalone server, configured only by its
 * {@code PORTCULLIS_OIDC_*} environment settings, over real sockets, with the fake provider from
 * auth-testkit as the identity provider and the H2 file store holding the links.
 */
@DisplayName("The standalone server logs in with an OpenID provider's ID token, end to end")
class OpenIdLoginEndToEndTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.startingAt(java.time.Instant.parse("2026-03-01T10:00:00Z"));
    private FakeOpenIdProvider idp;
    private PortcullisServer server;
    private Client client;

    @BeforeEach
    void up() {
        idp = FakeOpenIdProvider.start(clock);
        ServerConfig config = PortcullisServerEndToEndTest.testConfig(dir, Map.of(
                "PORTCULLIS_OIDC_CORP_ISSUER", idp.issuer(),
                "PORTCULLIS_OIDC_CORP_CLIENT_IDS", "web-app, mobile-app",
                "PORTCULLIS_OIDC_CORP_DISCOVERY_URL", idp.discoveryUrl().toString(),
                "PORTCULLIS_OIDC_CORP_JIT", "true",
                // trusted for e-mail: only then does a just-in-time user take the verified address as its name
                "PORTCULLIS_OIDC_CORP_LINK_BY_VERIFIED_EMAIL", "true"));
        server = PortcullisServerEndToEndTest.startWithTestUsers(config, clock,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        client = new Client(server.uri());
    }

    @AfterEach
    void down() {
        server.close();
        idp.close();
    }

    private HttpResponse<String> providerLogin(String body) {
        return client.post("/user/login", null, body);
    }

    private static String body(String provider, String idToken) {
        return "{\"provider\":\"" + provider + "\",\"idToken\":\"" + idToken + "\"}";
    }

    @Test
    @DisplayName("an ID token is exchanged for the usual token response; /user/me, refresh and logout work as after a password login")
    void fullLifecycle() {
        String idToken = idp.idToken("248289761001").audience("web-app").email("jane@example.com", true).nonce("n-42").sign();
        HttpResponse<String> login = providerLogin("{\"provider\":\"corp\",\"idToken\":\"" + idToken + "\",\"nonce\":\"n-42\"}");
        assertThat(login.statusCode()).isEqualTo(200);
        Map<String, Object> tokens = json(login);
        assertThat(tokens).containsKeys("accessToken", "refreshToken", "expiresIn", "sessionId").containsEntry("tokenType", "Bearer");

        HttpResponse<String> me = client.get("/user/me", (String) tokens.get("accessToken"));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(json(me)).containsEntry("username", "jane@example.com");

        HttpResponse<String> refreshed = client.refresh(tokens.get("accessToken"), tokens.get("refreshToken"));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        String access = (String) json(refreshed).get("accessToken");
        assertThat(client.post("/user/logout", access, null).statusCode()).isEqualTo(204);
        assertThat(client.get("/user/me", access).statusCode()).isEqualTo(401);

        HttpResponse<String> again = providerLogin(body("corp", idp.idToken("248289761001").audience("mobile-app").sign()));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(client.get("/user/me", (String) json(again).get("accessToken")))).containsEntry("username", "jane@example.com");
    }

    @Test
    @DisplayName("a forged, misdirected or expired ID token answers 401 INVALID_CREDENTIALS, like a wrong password")
    void refusals() {
        String forged = idp.idToken("s-1").audience("web-app").signWithUnpublishedKey();
        String otherClient = idp.idToken("s-1").audience("someone-else").sign();
        String unsigned = idp.idToken("s-1").audience("web-app").unsigned();
        String expiring = idp.idToken("s-1").audience("web-app").sign();
        for (String t : new String[] {forged, otherClient, unsigned}) {
            HttpResponse<String> r = providerLogin(body("corp", t));
            assertThat(r.statusCode()).as(t).isEqualTo(401);
            assertThat(code(r)).isEqualTo("INVALID_CREDENTIALS");
            assertThat(r.body()).doesNotContain(t);
        }
        clock.advance(Duration.ofMinutes(6));
        assertThat(code(providerLogin(body("corp", expiring)))).isEqualTo("INVALID_CREDENTIALS");
        assertThat(code(providerLogin(body("nobody", expiring)))).isEqualTo("INVALID_CREDENTIALS");
    }

    @Test
    @DisplayName("while the provider's JWKS is down the login answers 503 STORE_UNAVAILABLE and authenticates nobody")
    void providerDown() {
        idp.behave(FakeOpenIdProvider.Behaviour.DOWN);
        HttpResponse<String> r = providerLogin(body("corp", idp.idToken("s-2").audience("web-app").sign()));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(code(r)).isEqualTo("STORE_UNAVAILABLE");
        assertThat(r.body()).doesNotContain("Exception");
    }

    @Test
    @DisplayName("malformed provider login bodies answer 400 MALFORMED_REQUEST")
    void malformedBodies() {
        String t = idp.idToken("s-3").audience("web-app").sign();
        for (String b : new String[] {
                "{\"provider\":\"corp\"}",
                "{\"idToken\":\"" + t + "\"}",
                "{\"provider\":\"corp\",\"idToken\":\"" + t + "\",\"username\":\"alice\",\"password\":\"x\"}",
                "{\"provider\":\"corp\",\"idToken\":\"" + t + "\",\"nonce\":\"\"}",
                "{\"provider\":\"corp\",\"idToken\":42}"}) {
            HttpResponse<String> r = providerLogin(b);
            assertThat(r.statusCode()).as(b).isEqualTo(400);
            assertThat(code(r)).isEqualTo("MALFORMED_REQUEST");
        }
    }

    @Test
    @DisplayName("the hardening settings reach the engine: a nonce required, an extra audience trusted, logins per identity capped")
    void hardeningSettings(@TempDir Path other) {
        ServerConfig config = PortcullisServerEndToEndTest.testConfig(other, Map.of(
                "PORTCULLIS_OIDC_CORP_ISSUER", idp.issuer(),
                "PORTCULLIS_OIDC_CORP_CLIENT_IDS", "web-app",
                "PORTCULLIS_OIDC_CORP_DISCOVERY_URL", idp.discoveryUrl().toString(),
                "PORTCULLIS_OIDC_CORP_JIT", "true",
                "PORTCULLIS_OIDC_CORP_REQUIRE_NONCE", "true",
                "PORTCULLIS_OIDC_CORP_TRUSTED_AUDIENCES", "https://api.example.com",
                "PORTCULLIS_OIDC_CORP_SUBJECT_LOGIN_LIMIT", "2"));
        PortcullisServer strict = PortcullisServerEndToEndTest.startWithTestUsers(config, clock,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            Client c = new Client(strict.uri());
            HttpResponse<String> noNonce = c.post("/user/login", null, body("corp", idp.idToken("s-9").audience("web-app").sign()));
            assertThat(noNonce.statusCode()).isEqualTo(401);
            String untrusted = idp.idToken("s-9").audience("web-app", "https://other.example.com").authorizedParty("web-app").nonce("n-0")
                    .sign();
            assertThat(c.post("/user/login", null, withNonce(untrusted, "n-0")).statusCode()).isEqualTo(401);
            for (int i = 1; i <= 2; i++) {
                String t = idp.idToken("s-9").audience("web-app", "https://api.example.com").authorizedParty("web-app")
                        .nonce("n-" + i).sign();
                assertThat(c.post("/user/login", null, withNonce(t, "n-" + i)).statusCode()).as("login " + i).isEqualTo(200);
            }
            String third = idp.idToken("s-9").audience("web-app").nonce("n-3").sign();
            HttpResponse<String> capped = c.post("/user/login", null, withNonce(third, "n-3"));
            assertThat(capped.statusCode()).isEqualTo(429);
            assertThat(code(capped)).isEqualTo("THROTTLED");
        } finally {
            strict.close();
        }
    }

    private static String withNonce(String idToken, String nonce) {
        return "{\"provider\":\"corp\",\"idToken\":\"" + idToken + "\",\"nonce\":\"" + nonce + "\"}";
    }

    @Test
    @DisplayName("password logins keep working beside provider logins")
    void passwordsStillWork() {
        assertThat(client.login(TestUsers.ALICE, TestUsers.ALICE_PASSWORD)).containsKey("accessToken");
    }
}
