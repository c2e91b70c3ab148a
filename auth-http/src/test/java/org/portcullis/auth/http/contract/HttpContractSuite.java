package org.portcullis.auth.http.contract;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.http.AccessRules;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.CorsPolicy;
import org.portcullis.auth.http.TestUsers;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The black-box HTTP contract of Portcullis embedded in a server: every 7G endpoint, the fixed
 * anonymous set, the application's route rules and the 403, CORS preflights, {@code HEAD} and
 * 204 framing, a 1 MiB body and an oversized header, all over a real loopback socket with
 * {@link HttpClient}. One leg per server extends it and overrides {@link #start}; it inherits
 * every check (the Micrometer-TCK shape).
 *
 * <p>The leg mounts {@code handler} as its adapter documents: the 7G endpoints on {@code /user/*}
 * and {@code /common/*}, admission in front of every path, and the application of {@link ContractApp}
 * behind it. It must raise its server's own request-header limit above the library's 16 KiB
 * (the suite sends 20 KiB), so that the library's 431 answers and not the server's.
 *
 * <p>Optional capabilities are skipped through hooks: a server that hosts no application routes
 * (the standalone server) overrides {@link #hostsApplicationRoutes()}, one without CORS
 * configuration {@link #supportsCors()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HttpContractSuite {

    /** The origin the suite's CORS policy allows. */
    public static final String ALLOWED_ORIGIN = "https://app.example";

    /** A server under test, on a loopback port. */
    public interface Target extends AutoCloseable {
        /** Where it listens, such as {@code http://127.0.0.1:41234}, without a trailing slash. */
        URI baseUri();

        /** A target at {@code baseUri} that {@code stop} shuts down. */
        static Target of(URI baseUri, AutoCloseable stop) {
            return new Target() {
                @Override
                public URI baseUri() {
                    return baseUri;
                }

                @Override
                public void close() throws Exception {
                    stop.close();
                }
            };
        }
    }

    /**
     * Starts the server under test on a loopback port, serving {@code handler} and {@link ContractApp}.
     * A leg that cannot take a handler (the standalone server builds its own) starts an equivalent
     * one with {@link TestUsers} seeded.
     */
    protected abstract Target start(AuthHttpHandler handler) throws Exception;

    /** Whether the server hosts the application of {@link ContractApp} behind the library's admission. */
    protected boolean hostsApplicationRoutes() {
        return true;
    }

    /** Whether the server answers with the suite's {@link CorsPolicy}. */
    protected boolean supportsCors() {
        return true;
    }

    /**
     * The engine's settings of a leg that takes a handler; the defaults unless a leg overrides it (the
     * encrypted-token leg turns access-token encryption on, so that every check runs with nested JWTs).
     */
    protected AuthSettings engineSettings() {
        return AuthSettings.defaults();
    }

    /** Whether the leg issues encrypted access tokens (nested JWT); a leg that builds its own engine says so itself. */
    protected boolean encryptedTokens() {
        return engineSettings().keys().tokenEncryption().enabled();
    }

    /**
     * The HTTP version the suite's client asks for. A leg that serves HTTP/2 overrides it; over
     * plain text the client then upgrades (h2c) on its first request without a body.
     */
    protected HttpClient.Version httpVersion() {
        return HttpClient.Version.HTTP_1_1;
    }

    /**
     * The handler every leg serves: the code of the "Route rules and CORS" section of each
     * docs/embedding page. A leg building its own handler (the standalone server) applies the same.
     */
    public static AuthHttpHandler handler(AuthService service) {
        // tag::handler[]
        AuthHttpHandler handler = AuthHttpHandler.builder(service)
                .accessRules(AccessRules.builder()
                        .anonymous("/app/public/**")                      // explicit: no token needed here
                        .requireAnyRole("/app/admin/**", "admin", "ops")  // else 403 FORBIDDEN
                        .build())                                         // any other path: a valid token
                .cors(CorsPolicy.builder()
                        .allowOrigins("https://app.example")              // never "*" with credentials
                        .maxAge(Duration.ofMinutes(5))
                        .build())
                .build();
        // end::handler[]
        return handler;
    }

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
    private HttpClient http;
    private AuthService service;
    private Target target;

    @BeforeAll
    void startTarget() throws Exception {
        http = HttpClient.newBuilder().version(httpVersion()).connectTimeout(Duration.ofSeconds(10)).build();
        Stores stores = InMemoryStores.create(clock);
        TestUsers.seed(stores.users());
        service = Portcullis.builder().stores(stores).clock(clock).passwordHasher(TestUsers.HASHER)
                .settings(engineSettings()).startCleanupJob(false).build();
        target = start(handler(service));
    }

    @AfterAll
    void stopTarget() throws Exception {
        if (target != null) {
            target.close();
        }
        if (service != null) {
            service.close();
        }
    }

    // ---- a small client ----

    /**
     * One request to the target. Every exchange is checked against the OpenAPI document
     * ({@link OpenApiContract}): an answer that breaks it fails the test that sent it.
     */
    protected final HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.baseUri() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        Map<String, List<String>> sent = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            sent.computeIfAbsent(headers[i], k -> new ArrayList<>()).add(headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            OpenApiContract.document().check(method, path, sent, body, response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<byte[]> get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    private HttpResponse<byte[]> postJson(String path, String json, String... headers) {
        String[] all = Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Content-Type";
        all[headers.length + 1] = "application/json";
        return send("POST", path, json.getBytes(StandardCharsets.UTF_8), all);
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> json(HttpResponse<byte[]> r) {
        try {
            return JSON.std.mapFrom(r.body());
        } catch (IOException e) {
            throw new AssertionError("not a JSON object (" + r.statusCode() + "): " + text(r), e);
        }
    }

    private static Optional<String> header(HttpResponse<byte[]> r, String name) {
        return r.headers().firstValue(name);
    }

    private Map<String, Object> login(String username, String password) {
        HttpResponse<byte[]> r = postJson("/user/login", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        assertThat(r.statusCode()).as("login of %s: %s", username, text(r)).isEqualTo(200);
        return json(r);
    }

    private String aliceToken() {
        return (String) login(TestUsers.ALICE, TestUsers.ALICE_PASSWORD).get("accessToken");
    }

    private String bobToken() {
        return (String) login(TestUsers.BOB, TestUsers.BOB_PASSWORD).get("accessToken");
    }

    private static void assertProblem(HttpResponse<byte[]> r, int status, String code) {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(status);
        assertThat(header(r, "Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(json(r)).containsEntry("status", status).containsEntry("code", code).containsKeys("type", "title", "detail");
    }

    private static void assertChallenge(HttpResponse<byte[]> r, String error) {
        assertThat(header(r, "WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Bearer realm=\"portcullis\"").contains("error=\"" + error + "\""));
    }

    // ---- the contract ----

    @Nested
    @DisplayName("Every 7G endpoint answers as the contract says")
    class Endpoints {

        @Test
        @DisplayName("POST /user/login answers 200 with the token response")
        void login() {
            Map<String, Object> body = HttpContractSuite.this.login(TestUsers.ALICE, TestUsers.ALICE_PASSWORD);
            assertThat(body).containsKeys("accessToken", "refreshToken", "expiresIn", "expiresAt", "refreshExpiresAt", "sessionId")
                    .containsEntry("tokenType", "Bearer");
        }

        @Test
        @DisplayName("POST /user/login with a wrong password answers 401 INVALID_CREDENTIALS")
        void wrongPassword() {
            HttpResponse<byte[]> r = postJson("/user/login", "{\"username\":\"bob\",\"password\":\"not bob's password\"}");
            assertProblem(r, 401, "INVALID_CREDENTIALS");
            assertThat(header(r, "WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }

        @Test
        @DisplayName("POST /user/refreshToken rotates both tokens")
        void refresh() {
            Map<String, Object> first = HttpContractSuite.this.login(TestUsers.BOB, TestUsers.BOB_PASSWORD);
            HttpResponse<byte[]> r = postJson("/user/refreshToken", "{\"refreshToken\":\"" + first.get("refreshToken") + "\"}",
                    "Authorization", bearer((String) first.get("accessToken")));
            assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
            assertThat(json(r).get("refreshToken")).isNotEqualTo(first.get("refreshToken"));
            assertThat(json(r)).containsEntry("sessionId", first.get("sessionId"));
        }

        @Test
        @DisplayName("GET /user/me answers the caller")
        void me() {
            HttpResponse<byte[]> r = get("/user/me", "Authorization", bearer(aliceToken()));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r)).containsEntry("username", TestUsers.ALICE).containsEntry("userId", "u-alice")
                    .containsEntry("roles", List.of("admin", "user"));
        }

        @Test
        @DisplayName("a garbage bearer token, signed-token-shaped or encrypted-token-shaped (JWE), answers 401 TOKEN_INVALID problem+json")
        void garbageAndJweConfusion() {
            // A JWE header naming dir + A256GCM with junk segments; the same junk as three segments; a token of
            // the other kind than this leg issues (five segments cut to three, three padded to five).
            String jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwiY3R5IjoiSldUIiwia2lkIjoieCJ9..AAAAAAAAAAAAAAAA.QUJD.AAAAAAAAAAAAAAAAAAAAAA";
            String real = aliceToken();
            String[] parts = real.split("\\.", -1);
            assertThat(parts).as("segments of the token this leg issues")
                    .hasSize(encryptedTokens() ? 5 : 3);
            String otherKind = parts.length == 5 ? parts[0] + "." + parts[3] + "." + parts[4]
                    : real + ".AAAA.AAAA";
            for (String token : List.of(jwe, "eyJhbGciOiJkaXIifQ.QUJD.AAAA", otherKind)) {
                assertProblem(get("/user/me", "Authorization", "Bearer " + token), 401, "TOKEN_INVALID");
            }
            assertThat(get("/user/me", "Authorization", bearer(real)).statusCode()).isEqualTo(200);
        }

        @Test
        @DisplayName("GET /user/sessions lists the caller's sessions, its own marked current; DELETE revokes another")
        void sessions() {
            Map<String, Object> other = HttpContractSuite.this.login(TestUsers.BOB, TestUsers.BOB_PASSWORD);
            Map<String, Object> mine = HttpContractSuite.this.login(TestUsers.BOB, TestUsers.BOB_PASSWORD);
            String token = bearer((String) mine.get("accessToken"));
            HttpResponse<byte[]> list = get("/user/sessions", "Authorization", token);
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(text(list)).contains("\"sessionId\":\"" + mine.get("sessionId") + "\"").contains("\"current\":true");

            HttpResponse<byte[]> revoked = send("DELETE", "/user/sessions/" + other.get("sessionId"), null, "Authorization", token);
            assertThat(revoked.statusCode()).isEqualTo(204);
            assertThat(get("/user/me", "Authorization", bearer((String) other.get("accessToken"))).statusCode()).isEqualTo(401);
            assertProblem(send("DELETE", "/user/sessions/no-such-session", null, "Authorization", token), 404, "SESSION_NOT_FOUND");
        }

        @Test
        @DisplayName("POST /user/logout answers 204 without content type, and the token stops working")
        void logout() {
            String token = bearer(bobToken());
            HttpResponse<byte[]> r = send("POST", "/user/logout", null, "Authorization", token);
            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(header(r, "Content-Type")).isEmpty();
            assertThat(r.body()).isEmpty();
            assertProblem(get("/user/me", "Authorization", token), 401, "TOKEN_REVOKED");
        }

        @Test
        @DisplayName("POST /user/logoutAll answers 204 and ends every session of the user")
        void logoutAll() {
            String first = bearer(bobToken());
            String second = bearer(bobToken());
            HttpResponse<byte[]> r = send("POST", "/user/logoutAll", null, "Authorization", second);
            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(header(r, "Content-Type")).isEmpty();
            assertThat(get("/user/me", "Authorization", first).statusCode()).isEqualTo(401);
            assertThat(get("/user/me", "Authorization", second).statusCode()).isEqualTo(401);
        }

        @Test
        @DisplayName("GET /common/lookup publishes the error codes, FORBIDDEN among them, and the anonymous set")
        void lookup() {
            HttpResponse<byte[]> r = get("/common/lookup");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(text(r)).contains("\"code\":\"FORBIDDEN\"");
            assertThat(json(r).get("anonymousPaths")).isEqualTo(List.of("/common/HealthCheck", "/common/lookup", "/user/login"));
        }

        @Test
        @DisplayName("GET /common/HealthCheck answers Healthy")
        void health() {
            HttpResponse<byte[]> r = get("/common/HealthCheck");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r)).isEqualTo(Map.of("status", "Healthy"));
        }
    }

    @Nested
    @DisplayName("Only the three contract paths are anonymous")
    class AnonymousSet {

        @Test
        @DisplayName("every other 7G path, known or not, answers 401 with a Bearer challenge and no token")
        void everythingElseNeedsAToken() {
            for (String[] call : new String[][] {{"GET", "/user/me"}, {"GET", "/user/sessions"}, {"POST", "/user/logout"},
                    {"POST", "/user/logoutAll"}, {"DELETE", "/user/sessions/x"}, {"POST", "/user/refreshToken"},
                    {"GET", "/user/nothing-here"}, {"GET", "/common/nothing-here"}, {"GET", "/user/Login"}}) {
                HttpResponse<byte[]> r = send(call[0], call[1], null);
                assertProblem(r, 401, "TOKEN_MISSING");
                assertChallenge(r, "invalid_token");
            }
        }

        @Test
        @DisplayName("the three anonymous paths answer without a token")
        void theThree() {
            assertThat(get("/common/lookup").statusCode()).isEqualTo(200);
            assertThat(get("/common/HealthCheck").statusCode()).isEqualTo(200);
            assertProblem(postJson("/user/login", "{}"), 400, "MALFORMED_REQUEST");
        }
    }

    @Nested
    @DisplayName("Route rules protect the application's own paths")
    class RouteRules {

        @Test
        @DisplayName("an anonymous application path answers without a token")
        void anonymous() {
            assumeTrue(hostsApplicationRoutes(), "this server hosts no application routes");
            HttpResponse<byte[]> r = get(ContractApp.PUBLIC_PATH);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(text(r)).isEqualTo(ContractApp.PUBLIC_BODY);
        }

        @Test
        @DisplayName("any other application path needs a token, and then sees the principal")
        void authenticated() {
            assumeTrue(hostsApplicationRoutes(), "this server hosts no application routes");
            HttpResponse<byte[]> refused = get(ContractApp.WHOAMI_PATH);
            assertProblem(refused, 401, "TOKEN_MISSING");
            HttpResponse<byte[]> r = get(ContractApp.WHOAMI_PATH, "Authorization", bearer(bobToken()));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(text(r)).isEqualTo(ContractApp.describe(TestUsers.BOB, false));
            assertThat(header(r, ContractApp.USER_ID_HEADER)).contains("u-bob");
        }

        @Test
        @DisplayName("a role-restricted path answers 403 FORBIDDEN with insufficient_scope to a caller without the role")
        void forbidden() {
            assumeTrue(hostsApplicationRoutes(), "this server hosts no application routes");
            HttpResponse<byte[]> r = get(ContractApp.ADMIN_PATH, "Authorization", bearer(bobToken()));
            assertProblem(r, 403, "FORBIDDEN");
            assertChallenge(r, "insufficient_scope");
            HttpResponse<byte[]> alice = get(ContractApp.ADMIN_PATH, "Authorization", bearer(aliceToken()));
            assertThat(alice.statusCode()).isEqualTo(200);
            assertThat(text(alice)).isEqualTo(ContractApp.describe(TestUsers.ALICE, true));
        }

        @Test
        @DisplayName("no odd spelling of a role-restricted path reaches it without the role")
        void oddSpellings() {
            assumeTrue(hostsApplicationRoutes(), "this server hosts no application routes");
            String token = bearer(bobToken());
            for (String path : List.of("/app/public/../admin/report", "/app/public/%2e%2e/admin/report", "/app/%61dmin/report",
                    "/app/admin;x=1/report", "//app/admin/report", "/app/./admin/report", "/APP/admin/report",
                    "/app/public/..%2Fadmin/report")) {
                HttpResponse<byte[]> r = send("GET", path, null, "Authorization", token);
                // The container may refuse the spelling itself (400, 404); it must never serve the page.
                assertThat(r.statusCode()).as("%s answered %s", path, text(r)).isNotEqualTo(200);
                assertThat(text(r)).as(path).doesNotContain("user=" + TestUsers.BOB);
            }
        }

        @Test
        @DisplayName("a role-restricted path without a token answers 401, not 403")
        void noTokenIs401() {
            assumeTrue(hostsApplicationRoutes(), "this server hosts no application routes");
            assertProblem(get(ContractApp.ADMIN_PATH), 401, "TOKEN_MISSING");
        }
    }

    @Nested
    @DisplayName("CORS")
    class Cors {

        private HttpResponse<byte[]> preflight(String path, String origin) {
            return send("OPTIONS", path, null, "Origin", origin, "Access-Control-Request-Method", "POST",
                    "Access-Control-Request-Headers", "authorization,content-type");
        }

        @Test
        @DisplayName("a preflight from an allowed origin is answered before authentication, on 7G and application paths")
        void preflight() {
            assumeTrue(supportsCors(), "this server is not configured for CORS");
            List<String> paths = hostsApplicationRoutes()
                    ? List.of("/user/login", "/user/me", ContractApp.WHOAMI_PATH) : List.of("/user/login", "/user/me");
            for (String path : paths) {
                HttpResponse<byte[]> r = preflight(path, ALLOWED_ORIGIN);
                assertThat(r.statusCode()).as(path).isEqualTo(204);
                assertThat(header(r, "Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);
                assertThat(header(r, "Access-Control-Allow-Headers")).contains("Authorization, Content-Type");
                assertThat(header(r, "Access-Control-Allow-Methods")).hasValueSatisfying(v -> assertThat(v).contains("POST"));
                assertThat(header(r, "Access-Control-Max-Age")).contains("300");
                assertThat(header(r, "Access-Control-Allow-Credentials")).isEmpty();
                assertThat(header(r, "WWW-Authenticate")).isEmpty();
            }
        }

        @Test
        @DisplayName("a disallowed origin gets no CORS header, in a preflight or an answer")
        void disallowed() {
            assumeTrue(supportsCors(), "this server is not configured for CORS");
            HttpResponse<byte[]> pre = preflight("/user/login", "https://evil.example");
            assertThat(pre.headers().map().keySet()).noneMatch(k -> k.toLowerCase().startsWith("access-control-"));
            HttpResponse<byte[]> r = get("/common/HealthCheck", "Origin", "https://evil.example");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().map().keySet()).noneMatch(k -> k.toLowerCase().startsWith("access-control-"));
        }

        @Test
        @DisplayName("answers to an allowed origin name it and expose WWW-Authenticate and Retry-After, refusals included")
        void actualRequests() {
            assumeTrue(supportsCors(), "this server is not configured for CORS");
            HttpResponse<byte[]> refused = get("/user/me", "Origin", ALLOWED_ORIGIN);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(header(refused, "Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);
            assertThat(header(refused, "Access-Control-Expose-Headers")).contains("WWW-Authenticate, Retry-After");
            HttpResponse<byte[]> login = postJson("/user/login",
                    "{\"username\":\"bob\",\"password\":\"" + TestUsers.BOB_PASSWORD + "\"}", "Origin", ALLOWED_ORIGIN);
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(header(login, "Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);
            if (hostsApplicationRoutes()) {
                HttpResponse<byte[]> app = get(ContractApp.WHOAMI_PATH, "Origin", ALLOWED_ORIGIN,
                        "Authorization", bearer((String) json(login).get("accessToken")));
                assertThat(app.statusCode()).isEqualTo(200);
                assertThat(header(app, "Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);
            }
        }
    }

    @Nested
    @DisplayName("Framing: HEAD and 204")
    class Framing {

        @Test
        @DisplayName("HEAD /common/HealthCheck has GET's status, Content-Type and Content-Length, and no body (RFC 9110 §9.3.2)")
        void head() {
            HttpResponse<byte[]> get = get("/common/HealthCheck");
            HttpResponse<byte[]> head = send("HEAD", "/common/HealthCheck", null);
            assertThat(head.statusCode()).isEqualTo(get.statusCode());
            assertThat(header(get, "Content-Length")).contains(Integer.toString(get.body().length));
            assertThat(header(head, "Content-Length")).isEqualTo(header(get, "Content-Length"));
            assertThat(header(head, "Content-Type")).isEqualTo(header(get, "Content-Type"));
            assertThat(header(head, "Cache-Control")).contains("no-store");
            assertThat(head.body()).isEmpty();
        }

        @Test
        @DisplayName("HEAD refused for want of a token has the 401's headers and no body")
        void headRefused() {
            HttpResponse<byte[]> get = get("/user/me");
            HttpResponse<byte[]> head = send("HEAD", "/user/me", null);
            assertThat(head.statusCode()).isEqualTo(401);
            assertThat(header(head, "Content-Length")).isEqualTo(header(get, "Content-Length"));
            assertThat(header(head, "WWW-Authenticate")).isEqualTo(header(get, "WWW-Authenticate"));
            assertThat(head.body()).isEmpty();
        }

        @Test
        @DisplayName("DELETE of a session answers 204 with no Content-Type and no body")
        void noContent() {
            Map<String, Object> other = HttpContractSuite.this.login(TestUsers.ALICE, TestUsers.ALICE_PASSWORD);
            HttpResponse<byte[]> r = send("DELETE", "/user/sessions/" + other.get("sessionId"), null,
                    "Authorization", bearer(aliceToken()));
            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(header(r, "Content-Type")).isEmpty();
            assertThat(r.body()).isEmpty();
        }
    }

    @Nested
    @DisplayName("Sizes: the library's limits answer, in its own format")
    class Sizes {

        @Test
        @DisplayName("a 1 MiB login body answers 413 problem+json")
        void oneMebibyteBody() {
            byte[] body = new byte[1 << 20];
            Arrays.fill(body, (byte) ' ');
            body[0] = '{';
            body[body.length - 1] = '}';
            HttpResponse<byte[]> r = send("POST", "/user/login", body, "Content-Type", "application/json");
            assertProblem(r, 413, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("a 20 KiB header answers 431 problem+json from the library, not the server's own page")
        void oversizedHeader() {
            HttpResponse<byte[]> r = get("/common/lookup", "X-Padding", "a".repeat(20 * 1024));
            assertProblem(r, 431, "MALFORMED_REQUEST");
        }

        @Test
        @DisplayName("a 12 KiB header, over common 8 KiB server defaults but under the library's cap, is served")
        void largeButAllowedHeader() {
            HttpResponse<byte[]> r = get("/common/lookup", "X-Padding", "a".repeat(12 * 1024));
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }
}
