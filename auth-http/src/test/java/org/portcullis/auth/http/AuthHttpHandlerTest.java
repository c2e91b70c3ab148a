package org.portcullis.auth.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.http.HandlerFixture.asList;
import static org.portcullis.auth.http.HandlerFixture.asMap;
import static org.portcullis.auth.http.HandlerFixture.call;
import static org.portcullis.auth.http.HandlerFixture.list;
import static org.portcullis.auth.http.HandlerFixture.map;
import static org.portcullis.auth.http.TestUsers.ALICE;
import static org.portcullis.auth.http.TestUsers.ALICE_PASSWORD;
import static org.portcullis.auth.http.TestUsers.BOB;
import static org.portcullis.auth.http.TestUsers.BOB_PASSWORD;

@DisplayName("The HTTP handler, called in process over the real engine")
class AuthHttpHandlerTest {

    private final HandlerFixture f = new HandlerFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private static void assertProblem(AuthHttpResponse r, int status, String code) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("Content-Type")).contains("application/problem+json");
        Map<String, Object> p = map(r);
        assertThat(p).containsKeys("type", "title", "detail").containsEntry("status", status).containsEntry("code", code);
        assertThat(r.bodyText()).doesNotContain("Exception").doesNotContain("at org.");
    }

    @Nested
    @DisplayName("POST /user/login")
    class Login {

        @Test
        @DisplayName("answers the token response with every member, camelCase, instants in ISO-8601 UTC")
        void tokenResponse() {
            AuthHttpResponse r = f.send(call("POST", "/user/login")
                    .json("{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).contains("application/json");
            assertThat(r.header("Cache-Control")).contains("no-store");
            Map<String, Object> body = map(r);
            assertThat(body).containsOnlyKeys("accessToken", "refreshToken", "tokenType", "expiresIn", "expiresAt",
                    "refreshExpiresAt", "sessionId", "deviceToken");
            assertThat(body).containsEntry("tokenType", "Bearer").containsEntry("expiresIn", 1200);
            assertThat(Instant.parse((String) body.get("expiresAt"))).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(20)));
            assertThat((String) body.get("refreshExpiresAt")).endsWith("Z");
            assertThat((String) body.get("deviceToken")).matches("[A-Za-z0-9_-]{43}");
        }

        @Test
        @DisplayName("takes the deviceToken member back in later login bodies: a known device keeps its token")
        void deviceTokenRoundTrip() {
            String device = (String) map(f.send(call("POST", "/user/login")
                    .json("{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}"))).get("deviceToken");
            AuthHttpResponse again = f.send(call("POST", "/user/login").json("{\"username\":\"alice\",\"password\":\""
                    + ALICE_PASSWORD + "\",\"deviceToken\":\"" + device + "\"}"));
            assertThat(again.status()).isEqualTo(200);
            assertThat(map(again)).containsEntry("deviceToken", device);
            AuthHttpResponse junk = f.send(call("POST", "/user/login").json("{\"username\":\"alice\",\"password\":\""
                    + ALICE_PASSWORD + "\",\"deviceToken\":\"\\u0000not-ours\"}"));
            assertThat(junk.status()).isEqualTo(200);
            assertThat((String) map(junk).get("deviceToken")).isNotEqualTo(device).matches("[A-Za-z0-9_-]{43}");
        }

        @Test
        @DisplayName("accepts userName as well as username")
        void userNameAccepted() {
            AuthHttpResponse r = f.send(call("POST", "/user/login")
                    .json("{\"userName\":\"bob\",\"password\":\"" + BOB_PASSWORD + "\"}"));
            assertThat(r.status()).isEqualTo(200);
        }

        @Test
        @DisplayName("a wrong password is a 401 INVALID_CREDENTIALS with a Bearer challenge that names no token error")
        void wrongPassword() {
            AuthHttpResponse r = f.send(call("POST", "/user/login").json("{\"username\":\"alice\",\"password\":\"nope\"}"));
            assertProblem(r, 401, "INVALID_CREDENTIALS");
            assertThat(r.header("WWW-Authenticate")).contains("Bearer realm=\"portcullis\"");
            assertThat(r.header("WWW-Authenticate").orElseThrow()).doesNotContain("error=");
        }

        @Test
        @DisplayName("an unknown user gets exactly the answer of a wrong password")
        void unknownUser() {
            AuthHttpResponse unknown = f.send(call("POST", "/user/login").json("{\"username\":\"mallory\",\"password\":\"x\"}"));
            AuthHttpResponse wrong = f.send(call("POST", "/user/login").json("{\"username\":\"bob\",\"password\":\"x\"}"));
            assertThat(unknown.bodyText()).isEqualTo(wrong.bodyText());
            assertThat(unknown.headers()).isEqualTo(wrong.headers());
        }

        @Test
        @DisplayName("past the free attempts a login is throttled: 429 with Retry-After in whole seconds")
        void throttled() {
            for (int i = 0; i < 5; i++) {
                assertThat(f.send(call("POST", "/user/login").json("{\"username\":\"alice\",\"password\":\"bad\"}")).status())
                        .isEqualTo(401);
            }
            AuthHttpResponse r = f.send(call("POST", "/user/login")
                    .json("{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}"));
            assertProblem(r, 429, "THROTTLED");
            assertThat(r.header("Retry-After")).contains("1");
        }

        @Test
        @DisplayName("username and userName together are refused as ambiguous")
        void both() {
            assertProblem(f.send(call("POST", "/user/login")
                    .json("{\"username\":\"alice\",\"userName\":\"bob\",\"password\":\"x\"}")), 400, "MALFORMED_REQUEST");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"{\"password\":\"x\"}", "{\"username\":\"alice\"}", "{\"username\":\"\",\"password\":\"x\"}",
                "{\"username\":null,\"password\":\"x\"}", "{}"})
        @DisplayName("a missing or empty field is a 400 MALFORMED_REQUEST")
        void missingField(String body) {
            assertProblem(f.send(call("POST", "/user/login").json(body)), 400, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("a password over 1024 characters is refused before any hashing")
        void longPassword() {
            String pw = "p".repeat(1025);
            AuthHttpResponse r = f.send(call("POST", "/user/login").json("{\"username\":\"alice\",\"password\":\"" + pw + "\"}"));
            assertProblem(r, 400, "MALFORMED_REQUEST");
            assertThat(map(r).get("detail")).asString().contains("1024");
        }
    }

    @Nested
    @DisplayName("Who may pass")
    class Anonymity {

        @ParameterizedTest(name = "{0} {1}")
        @DisplayName("without a token every non-anonymous path, known or not, is a 401 with an invalid_token challenge")
        @org.junit.jupiter.params.provider.CsvSource({"GET,/user/me", "GET,/user/sessions", "POST,/user/logout",
                "POST,/user/logoutAll", "DELETE,/user/sessions/abc", "POST,/user/refreshToken", "GET,/nothing/here",
                "GET,/common/healthcheck", "GET,/user/login/", "GET,/", "PUT,/user/me"})
        void unauthenticated(String method, String path) {
            AuthHttpResponse r = f.send(call(method, path));
            assertProblem(r, 401, "TOKEN_MISSING");
            assertThat(r.header("WWW-Authenticate").orElseThrow())
                    .startsWith("Bearer realm=\"portcullis\"").contains("error=\"invalid_token\"");
        }

        @Test
        @DisplayName("with a valid token an unknown path is a 404 problem")
        void unknownPathAuthenticated() {
            String at = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            assertProblem(f.send(call("GET", "/user/nothing").bearer(at)), 404, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("with a valid token a wrong method is a 405 with Allow")
        void wrongMethodAuthenticated() {
            String at = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            AuthHttpResponse r = f.send(call("GET", "/user/logout").bearer(at));
            assertProblem(r, 405, "MALFORMED_REQUEST");
            assertThat(r.header("Allow")).contains("POST");
        }

        @Test
        @DisplayName("a wrong method on an anonymous path is a 405 with Allow, no token needed")
        void wrongMethodAnonymous() {
            AuthHttpResponse r = f.send(call("GET", "/user/login"));
            assertProblem(r, 405, "MALFORMED_REQUEST");
            assertThat(r.header("Allow")).contains("POST");
            assertThat(f.send(call("POST", "/common/HealthCheck")).header("Allow")).contains("GET, HEAD");
        }

        @Test
        @DisplayName("HEAD is answered where GET is, with the same status and headers and no content")
        void head() {
            AuthHttpResponse r = f.send(call("HEAD", "/common/HealthCheck"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).contains("application/json");
            assertThat(r.body()).isEmpty();
            assertThat(f.send(call("HEAD", "/user/me")).status()).isEqualTo(401);
            assertThat(f.send(call("HEAD", "/user/login")).header("Allow")).contains("POST");
        }

        @Test
        @DisplayName("another scheme than Bearer counts as no token")
        void basicScheme() {
            assertProblem(f.send(call("GET", "/user/me").header("Authorization", "Basic YWxpY2U6eA==")), 401, "TOKEN_MISSING");
        }

        @ParameterizedTest(name = "[{0}]")
        @ValueSource(strings = {"Bearer", "Bearer ", "Bearer a b", "Bearer ä", "Bearer =abc", "Bearer a\"b"})
        @DisplayName("a malformed bearer credential is a 401 with error=invalid_request")
        void malformedBearer(String header) {
            AuthHttpResponse r = f.send(call("GET", "/user/me").header("Authorization", header));
            assertProblem(r, 401, "TOKEN_INVALID");
            assertThat(r.header("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_request\"");
        }

        @Test
        @DisplayName("two Authorization headers are refused with error=invalid_request")
        void twoHeaders() {
            String at = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            AuthHttpResponse r = f.send(call("GET", "/user/me").bearer(at).bearer(at));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_request\"");
        }

        @Test
        @DisplayName("a forged token is a 401 TOKEN_INVALID")
        void forged() {
            String at = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            String forged = at.substring(0, at.lastIndexOf('.') + 1) + "AAAA" + at.substring(at.lastIndexOf('.') + 5);
            AuthHttpResponse r = f.send(call("GET", "/user/me").bearer(forged));
            assertProblem(r, 401, "TOKEN_INVALID");
            assertThat(r.header("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
        }

        @Test
        @DisplayName("an expired token is a 401 TOKEN_EXPIRED")
        void expired() {
            String at = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            f.clock.advance(Duration.ofMinutes(21));
            assertProblem(f.send(call("GET", "/user/me").bearer(at)), 401, "TOKEN_EXPIRED");
        }

        @Test
        @DisplayName("admit() passes the anonymous paths and grants the principal of a valid token")
        void admit() {
            String at = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            assertThat(f.handler.admit(call("GET", "/common/lookup").build())).isInstanceOf(Admission.Open.class);
            Admission a = f.handler.admit(call("GET", "/app/anything").bearer(at).build());
            assertThat(a).isInstanceOfSatisfying(Admission.Granted.class,
                    g -> assertThat(g.principal().username()).isEqualTo(ALICE));
        }
    }

    @Nested
    @DisplayName("The bearer endpoints")
    class Bearer {

        @Test
        @DisplayName("GET /user/me answers userId, username, roles and sessionId")
        void me() {
            Map<String, Object> login = f.login(ALICE, ALICE_PASSWORD);
            Map<String, Object> me = map(f.send(call("GET", "/user/me").bearer((String) login.get("accessToken"))));
            assertThat(me).containsOnlyKeys("userId", "username", "roles", "sessionId")
                    .containsEntry("userId", "u-alice").containsEntry("username", ALICE)
                    .containsEntry("roles", List.of("admin", "user")).containsEntry("sessionId", login.get("sessionId"));
        }

        @Test
        @DisplayName("GET /user/sessions lists the caller's active sessions and marks the current one")
        void sessions() {
            f.login(ALICE, ALICE_PASSWORD);
            Map<String, Object> second = f.login(ALICE, ALICE_PASSWORD);
            f.login(BOB, BOB_PASSWORD);
            List<Object> sessions = list(f.send(call("GET", "/user/sessions").bearer((String) second.get("accessToken"))
                    .header("User-Agent", "test-agent")));
            assertThat(sessions).hasSize(2);
            assertThat(sessions).filteredOn(s -> Boolean.TRUE.equals(asMap(s).get("current")))
                    .singleElement().satisfies(s -> assertThat(asMap(s).get("sessionId")).isEqualTo(second.get("sessionId")));
            assertThat(asMap(sessions.get(0))).containsKeys("sessionId", "createdAt", "lastRefreshedAt", "expiresAt",
                    "idleExpiresAt", "absoluteExpiresAt", "clientIp", "userAgent", "refreshCount", "current");
        }

        @Test
        @DisplayName("DELETE /user/sessions/{id} ends one of the caller's sessions: 204, and its token stops working")
        void revokeOwn() {
            Map<String, Object> first = f.login(ALICE, ALICE_PASSWORD);
            Map<String, Object> second = f.login(ALICE, ALICE_PASSWORD);
            AuthHttpResponse r = f.send(call("DELETE", "/user/sessions/" + first.get("sessionId"))
                    .bearer((String) second.get("accessToken")));
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.body()).isEmpty();
            assertProblem(f.send(call("GET", "/user/me").bearer((String) first.get("accessToken"))), 401, "TOKEN_REVOKED");
        }

        @Test
        @DisplayName("DELETE of another user's session is a 404 and leaves it alone")
        void revokeOthers() {
            Map<String, Object> alice = f.login(ALICE, ALICE_PASSWORD);
            Map<String, Object> bob = f.login(BOB, BOB_PASSWORD);
            assertProblem(f.send(call("DELETE", "/user/sessions/" + bob.get("sessionId"))
                    .bearer((String) alice.get("accessToken"))), 404, "SESSION_NOT_FOUND");
            assertThat(f.send(call("GET", "/user/me").bearer((String) bob.get("accessToken"))).status()).isEqualTo(200);
        }

        @ParameterizedTest(name = "[{0}]")
        @ValueSource(strings = {"a%2Fb", "x/y", "%00", "..", "a b"})
        @DisplayName("a session id with characters no session id has is a 404 without asking the store")
        void oddSessionId(String id) {
            String at = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            AuthHttpResponse r = f.send(call("DELETE", "/user/sessions/" + id).bearer(at));
            assertThat(r.status()).isEqualTo(404);
        }

        @Test
        @DisplayName("POST /user/logout is a 204 and ends the session")
        void logout() {
            String at = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            assertThat(f.send(call("POST", "/user/logout").bearer(at)).status()).isEqualTo(204);
            assertProblem(f.send(call("GET", "/user/me").bearer(at)), 401, "TOKEN_REVOKED");
        }

        @Test
        @DisplayName("POST /user/logoutAll is a 204 and ends every session of the user, not another user's")
        void logoutAll() {
            String a1 = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            String a2 = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            String b = (String) f.login(BOB, BOB_PASSWORD).get("accessToken");
            assertThat(f.send(call("POST", "/user/logoutAll").bearer(a1)).status()).isEqualTo(204);
            assertThat(f.send(call("GET", "/user/me").bearer(a2)).status()).isEqualTo(401);
            assertThat(f.send(call("GET", "/user/me").bearer(b)).status()).isEqualTo(200);
        }
    }

    @Nested
    @DisplayName("POST /user/refreshToken")
    class Refresh {

        @Test
        @DisplayName("rotates both tokens with an expired access token in the Authorization header")
        void rotates() {
            Map<String, Object> login = f.login(ALICE, ALICE_PASSWORD);
            f.clock.advance(Duration.ofMinutes(25));
            AuthHttpResponse r = f.send(call("POST", "/user/refreshToken").bearer((String) login.get("accessToken"))
                    .json("{\"refreshToken\":\"" + login.get("refreshToken") + "\"}"));
            assertThat(r.status()).isEqualTo(200);
            Map<String, Object> pair = map(r);
            assertThat(pair.get("accessToken")).isNotEqualTo(login.get("accessToken"));
            assertThat(pair.get("refreshToken")).isNotEqualTo(login.get("refreshToken"));
            assertThat(pair.get("sessionId")).isEqualTo(login.get("sessionId"));
        }

        @Test
        @DisplayName("needs the access token: without one it is a 401 and the refresh token is not touched")
        void needsAccessToken() {
            Map<String, Object> login = f.login(ALICE, ALICE_PASSWORD);
            assertProblem(f.send(call("POST", "/user/refreshToken")
                    .json("{\"refreshToken\":\"" + login.get("refreshToken") + "\"}")), 401, "TOKEN_MISSING");
            AuthHttpResponse r = f.send(call("POST", "/user/refreshToken").bearer((String) login.get("accessToken"))
                    .json("{\"refreshToken\":\"" + login.get("refreshToken") + "\"}"));
            assertThat(r.status()).isEqualTo(200);
        }

        @Test
        @DisplayName("a missing refreshToken member is a 400")
        void missing() {
            String at = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            assertProblem(f.send(call("POST", "/user/refreshToken").bearer(at).json("{}")), 400, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("an unknown refresh token is a 401 REFRESH_TOKEN_INVALID")
        void unknown() {
            String at = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            assertProblem(f.send(call("POST", "/user/refreshToken").bearer(at).json("{\"refreshToken\":\"nope\"}")),
                    401, "REFRESH_TOKEN_INVALID");
        }
    }

    @Nested
    @DisplayName("Hostile input")
    class Hostile {

        private AuthHttpResponse loginWith(byte[] body, String contentType) {
            return f.send(call("POST", "/user/login").header("Content-Type", contentType).body(body));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"{", "{\"username\":", "not json", "[]", "\"alice\"", "{\"username\":\"a\"}}",
                "{\"username\":\"a\",}", "{'username':'a'}", "{\"username\":1,\"password\":\"x\"}",
                "{\"username\":{\"x\":1},\"password\":\"x\"}", "{\"username\":\"a\",\"password\":\"b\"} trailing"})
        @DisplayName("malformed JSON is a 400 problem")
        void malformedJson(String body) {
            assertProblem(loginWith(body.getBytes(StandardCharsets.UTF_8), "application/json"), 400, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("a duplicate member name is refused, so two parsers can never read two different requests")
        void duplicateKeys() {
            AuthHttpResponse r = loginWith(("{\"username\":\"bob\",\"password\":\"x\",\"username\":\"alice\"}")
                    .getBytes(StandardCharsets.UTF_8), "application/json");
            assertProblem(r, 400, "MALFORMED_REQUEST");
            assertThat(map(r).get("detail")).asString().contains("more than once");
        }

        @Test
        @DisplayName("a duplicate inside an ignored nested member is refused too")
        void nestedDuplicate() {
            assertProblem(loginWith(("{\"x\":{\"a\":1,\"a\":2},\"username\":\"bob\",\"password\":\"x\"}")
                    .getBytes(StandardCharsets.UTF_8), "application/json"), 400, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("bytes that are not UTF-8 are a 400 problem")
        void notUtf8() {
            byte[] body = {'{', '"', 'u', 's', 'e', 'r', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            AuthHttpResponse r = loginWith(body, "application/json");
            assertProblem(r, 400, "MALFORMED_REQUEST");
            assertThat(map(r).get("detail")).asString().contains("UTF-8");
        }

        @ParameterizedTest(name = "[{0}]")
        @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1",
                "application/xml", ""})
        @DisplayName("a body that is not application/json in UTF-8 is a 415 problem")
        void wrongContentType(String type) {
            AuthHttpResponse r = f.send(call("POST", "/user/login").header("Content-Type", type)
                    .body("{\"username\":\"alice\",\"password\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
            assertProblem(r, 415, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("application/json with charset=UTF-8 and +json media types are accepted")
        void jsonVariants() {
            byte[] body = ("{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}").getBytes(StandardCharsets.UTF_8);
            assertThat(loginWith(body, "application/json; charset=UTF-8").status()).isEqualTo(200);
            assertThat(loginWith(body, "application/vnd.7g+json").status()).isEqualTo(200);
        }

        @Test
        @DisplayName("a compressed body is a 415: the server does not inflate what anyone sends")
        void compressed() {
            AuthHttpResponse r = f.send(call("POST", "/user/login").json("{}").header("Content-Encoding", "gzip"));
            assertProblem(r, 415, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("a body over 16 KiB is a 413, whether or not Content-Length says so")
        void bodyTooLarge() {
            byte[] big = ("{\"username\":\"alice\",\"password\":\"x\",\"pad\":\"" + "x".repeat(17_000) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            assertProblem(loginWith(big, "application/json"), 413, "MALFORMED_REQUEST");
            assertProblem(f.send(call("POST", "/user/login").json("{}").header("Content-Length", "999999999")),
                    413, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("headers over the cap are a 431, even on an anonymous path")
        void headersTooLarge() {
            AuthHttpResponse r = f.send(call("GET", "/common/lookup").header("X-Junk", "j".repeat(20_000)));
            assertProblem(r, 431, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("a token of megabytes is refused without being parsed")
        void hugeToken() {
            char[] token = new char[2 * 1024 * 1024];
            Arrays.fill(token, 'a');
            AuthHttpResponse r = f.send(call("GET", "/user/me").bearer(new String(token)));
            assertThat(r.status()).isEqualTo(431);
        }

        @Test
        @DisplayName("a token just under the header cap but over the engine's token cap is a 401 TOKEN_INVALID")
        void longToken() {
            AuthHttpResponse r = f.send(call("GET", "/user/me").bearer("a".repeat(10_000)));
            assertProblem(r, 401, "TOKEN_INVALID");
        }

        @Test
        @DisplayName("deep nesting is refused cleanly")
        void deepNesting() {
            String body = "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + ",\"username\":\"a\",\"password\":\"b\"}";
            assertProblem(loginWith(body.getBytes(StandardCharsets.UTF_8), "application/json"), 400, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("an empty body is a 400")
        void emptyBody() {
            assertProblem(loginWith(new byte[0], "application/json"), 400, "MALFORMED_REQUEST");
        }
    }

    @Nested
    @DisplayName("GET /common/lookup")
    class Lookup {

        @Test
        @DisplayName("lists every error code with its status, every audit event type, and the client settings")
        void tables() {
            AuthHttpResponse r = f.send(call("GET", "/common/lookup"));
            assertThat(r.status()).isEqualTo(200);
            Map<String, Object> body = map(r);
            List<Object> codes = asList(body.get("errorCodes"));
            for (ErrorCode c : ErrorCode.values()) {
                assertThat(codes).anySatisfy(o -> assertThat(asMap(o)).containsEntry("code", c.name())
                        .containsEntry("description", c.description()).containsKey("status"));
            }
            assertThat(asList(body.get("auditEventTypes")))
                    .containsExactlyElementsOf(Arrays.stream(AuditEventType.values()).map(Enum::name).toList());
            assertThat(asMap(body.get("settings"))).containsEntry("accessTokenLifetimeSeconds", 1200)
                    .containsEntry("jwtExpireMinutes", 20).containsEntry("refreshMarginSeconds", 30)
                    .containsEntry("tokenType", "Bearer");
        }
    }

    @Nested
    @DisplayName("GET /common/HealthCheck")
    class Health {

        @Test
        @DisplayName("answers {\"status\":\"Healthy\"} when the store answers")
        void healthy() {
            AuthHttpResponse r = f.send(call("GET", "/common/HealthCheck"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("{\"status\":\"Healthy\"}");
        }
    }

    @Nested
    @DisplayName("The client address")
    class ClientAddress {

        @Test
        @DisplayName("ignores X-Forwarded-For unless proxies are trusted")
        void socketOnly() {
            AuthHttpRequest r = call("GET", "/").header("X-Forwarded-For", "203.0.113.9").from("10.0.0.2").build();
            assertThat(f.handler.clientInfo(r).ip()).isEqualTo("10.0.0.2");
        }

        @Test
        @DisplayName("takes the right-most untrusted X-Forwarded-For entry when the peer is a trusted proxy")
        void trusted() {
            try (HandlerFixture g = new HandlerFixture(b -> b.trustedProxies(List.of("10.0.0.0/8")))) {
                AuthHttpRequest r = call("GET", "/").header("X-Forwarded-For", "198.51.100.1, 203.0.113.9, 10.1.1.1")
                        .header("User-Agent", "curl/8").from("10.0.0.2").build();
                assertThat(g.handler.clientInfo(r).ip()).isEqualTo("203.0.113.9");
                assertThat(g.handler.clientInfo(r).userAgent()).isEqualTo("curl/8");
            }
        }
    }
}
