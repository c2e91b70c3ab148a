package org.portcullis.auth.http.servlet;

import com.fasterxml.jackson.jr.ob.JSON;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.TestUsers;
import org.portcullis.auth.http.contract.FuzzInputs;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random bytes at every input surface, over a real loopback socket into the servlet endpoint in
 * embedded Jetty 12: the access token (of every authenticated endpoint, logout and logout-all
 * included), the refresh token, every member of a login body ({@code deviceToken} included,
 * whether or not the engine knows device tokens: an unknown or odd member must not matter), whole
 * JSON bodies, session ids in the path, and header values. Requests
 * are written byte for byte on a plain {@link Socket}, so that nothing a client library would
 * refuse to send is kept from the server. Every answer must be one of the documented statuses
 * (never a 5xx), and after each try the server must still answer a health check and a genuine
 * token. Tries are bounded so the whole class runs in seconds.
 */
@Label("Random input over HTTP")
class HttpFuzzTest {

    /** What the HTTP contract documents for bad input (DESIGN: status codes), plus 404 and 405 routing answers. */
    private static final Set<Integer> DOCUMENTED = Set.of(400, 401, 404, 405, 413, 415, 429, 431);
    private static final int TRIES = 100;

    private static AuthService service;
    private static LoopbackJetty jetty;
    private static int port;
    private static String accessToken;
    private static String refreshToken;

    @BeforeContainer
    static void start() throws Exception {
        MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
        Stores stores = InMemoryStores.create(clock);
        TestUsers.seed(stores.users());
        service = Portcullis.builder().stores(stores).clock(clock).passwordHasher(TestUsers.HASHER)
                .startCleanupJob(false).build();
        jetty = LoopbackJetty.start(AuthHttpHandler.builder(service).build());
        port = jetty.port();
        byte[] login = ("{\"username\":\"alice\",\"password\":\"" + TestUsers.ALICE_PASSWORD + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        Answer a = exchange(request("POST", "/user/login", Map.of("Content-Type", "application/json"), login));
        assertThat(a.status).isEqualTo(200);
        Map<String, Object> tokens = JSON.std.mapFrom(a.body);
        accessToken = (String) tokens.get("accessToken");
        refreshToken = (String) tokens.get("refreshToken");
    }

    @AfterContainer
    static void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
        if (service != null) {
            service.close();
        }
    }

    /** Any bytes, biased towards the characters a token and a JSON text are made of. */
    @Provide
    Arbitrary<byte[]> noise() {
        Arbitrary<byte[]> made = madeUp();
        // A genuine token with one byte changed: never the same token, so it must be refused too.
        Arbitrary<byte[]> mutated = Arbitraries.integers().between(0, 4000).flatMap(i -> Arbitraries.bytes().map(b -> {
            byte[] t = accessToken.getBytes(StandardCharsets.US_ASCII);
            int at = i % t.length;
            t[at] = b == t[at] ? (byte) (b ^ 0x01) : b;
            return t;
        }));
        return Arbitraries.oneOf(made, mutated);
    }

    /** Any bytes, or text of the characters tokens and JSON are made of; never derived from a genuine token. */
    @Provide
    Arbitrary<byte[]> madeUp() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> tokenish = Arbitraries.strings()
                .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/~ \"{}[]:,\\")
                .ofMaxLength(400).map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(raw, tokenish);
    }

    @Property(tries = TRIES)
    @Label("any bytes as the bearer token")
    void accessToken(@ForAll("noise") byte[] token) {
        byte[] header = concat("Bearer ".getBytes(StandardCharsets.US_ASCII), token);
        answersDocumented(request("GET", "/user/me", Map.of(), new byte[0], "Authorization", header));
        // A made-up refresh token: nothing here may rotate the genuine session's tokens.
        answersDocumented(request("POST", "/user/refreshToken", Map.of("Content-Type", "application/json"),
                refreshBody("not-the-refresh-token"), "Authorization", header));
        stillServing();
    }

    @Property(tries = TRIES)
    @Label("any bytes as the refresh token, and as the whole refresh body")
    void refreshToken(@ForAll("noise") byte[] bytes) {
        Map<String, String> json = Map.of("Content-Type", "application/json", "Authorization", "Bearer " + accessToken);
        answersDocumented(request("POST", "/user/refreshToken", json,
                refreshBody(new String(bytes, StandardCharsets.ISO_8859_1))));
        answersDocumented(request("POST", "/user/refreshToken", json, bytes));
        stillServing();
    }

    @Property(tries = TRIES)
    @Label("any bytes as a JSON body of every endpoint that reads one")
    void jsonBodies(@ForAll("noise") byte[] body) {
        Map<String, String> json = Map.of("Content-Type", "application/json");
        answersDocumented(request("POST", "/user/login", json, body));
        Map<String, String> authed = Map.of("Content-Type", "application/json", "Authorization", "Bearer " + accessToken);
        answersDocumented(request("POST", "/user/login", Map.of("Content-Type", "text/plain"), body));
        answersDocumented(request("GET", "/user/sessions", authed, body), 200);
        stillServing();
    }

    @Property(tries = TRIES)
    @Label("any bytes as a header value, on an anonymous and an authenticated endpoint")
    void headers(@ForAll("noise") byte[] value, @ForAll("headerNames") String name) {
        answersDocumented(request("GET", "/user/me", Map.of("Authorization", "Bearer " + accessToken), new byte[0],
                name, value), 200);
        answersDocumented(request("POST", "/user/login", Map.of("Content-Type", "application/json"),
                "{\"username\":\"nobody\",\"password\":\"x\"}".getBytes(StandardCharsets.UTF_8), name, value));
        stillServing();
    }

    /** Text meant to break what stores it: controls, NUL, lone surrogates, overlong (see {@link FuzzInputs#text()}). */
    @Provide
    Arbitrary<String> text() {
        return FuzzInputs.text();
    }

    @Property(tries = TRIES)
    @Label("any text in every member of a login body, deviceToken included, as well-formed JSON")
    void loginMembers(@ForAll("text") String username, @ForAll("text") String password, @ForAll("text") String deviceToken,
                      @ForAll boolean userNameSpelling) {
        Map<String, String> json = Map.of("Content-Type", "application/json");
        Map<String, String> body = new java.util.LinkedHashMap<>();
        body.put(userNameSpelling ? "userName" : "username", username);
        body.put("password", password);
        body.put("deviceToken", deviceToken);
        answersDocumented(request("POST", "/user/login", json, FuzzInputs.jsonObject(body)));
        // The member alone, with a genuine password: a device token of any shape never turns a login into a 5xx.
        // Bob's, not Alice's: a session limit that evicts the oldest must not end the session the other checks use.
        answersDocumented(request("POST", "/user/login", json, FuzzInputs.jsonObject(Map.of("username", TestUsers.BOB,
                "password", TestUsers.BOB_PASSWORD, "deviceToken", deviceToken))), 200);
        stillServing();
    }

    @Property(tries = TRIES)
    @Label("any bytes as the bearer token of logout and logout-all, and as a session id to revoke")
    void sessionEndpoints(@ForAll("madeUp") byte[] bytes) {
        // Only made-up tokens here: a logout with the genuine one would end the session the other checks use.
        byte[] header = concat("Bearer ".getBytes(StandardCharsets.US_ASCII), bytes);
        answersDocumented(request("POST", "/user/logout", Map.of(), new byte[0], "Authorization", header));
        answersDocumented(request("POST", "/user/logoutAll", Map.of(), new byte[0], "Authorization", header));
        StringBuilder id = new StringBuilder();
        for (byte b : bytes) {
            id.append('%').append(String.format("%02X", b & 0xff));
        }
        answersDocumented(request("DELETE", "/user/sessions/" + id, Map.of("Authorization", "Bearer " + accessToken),
                new byte[0]));
        answersDocumented(request("DELETE", "/user/sessions/" + new String(bytes, StandardCharsets.ISO_8859_1)
                        .replaceAll("[\\s\\x00-\\x20\\x7f-\\xff?#]", "_"),
                Map.of("Authorization", "Bearer " + accessToken), new byte[0]));
        stillServing();
    }

    /**
     * Not Transfer-Encoding: for a coding it does not know, Jetty answers 501 before the request
     * reaches Portcullis, as RFC 9112 §6.1 asks of a server; that answer is the container's.
     */
    @Provide
    Arbitrary<String> headerNames() {
        return Arbitraries.of("Authorization", "Content-Type", "Content-Length", "X-Forwarded-For", "User-Agent",
                "Origin", "Accept", "Cookie", "X-Fuzz");
    }

    private static byte[] refreshBody(String refresh) {
        try {
            return JSON.std.asBytes(Map.of("refreshToken", refresh));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void answersDocumented(byte[] request, Integer... alsoAllowed) {
        Answer a = exchange(request);
        Set<Integer> allowed = new java.util.HashSet<>(DOCUMENTED);
        allowed.addAll(java.util.List.of(alsoAllowed));
        assertThat(a.status).as("status of a fuzzed request").isIn(allowed);
        assertThat(a.body).doesNotContain("Exception").doesNotContain("at org.");
    }

    private static void stillServing() {
        assertThat(exchange(request("GET", "/common/HealthCheck", Map.of(), new byte[0])).status).isEqualTo(200);
        assertThat(exchange(request("GET", "/user/me", Map.of("Authorization", "Bearer " + accessToken), new byte[0]))
                .status).isEqualTo(200);
    }

    // ---------------------------------------------------------------------------------------------
    // HTTP/1.1 by hand, so that any byte can be sent

    private record Answer(int status, String body) {
    }

    private static byte[] request(String method, String path, Map<String, String> headers, byte[] body) {
        return request(method, path, headers, body, null, null);
    }

    private static byte[] request(String method, String path, Map<String, String> headers, byte[] body,
                                  String extraName, byte[] extraValue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        headers.forEach((n, v) -> out.writeBytes((n + ": " + v + "\r\n").getBytes(StandardCharsets.UTF_8)));
        if (extraName != null) {
            out.writeBytes((extraName + ": ").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(extraValue);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static Answer exchange(byte[] request) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            // A guard against a hung test, not a measurement: nothing asserts on time.
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).as("a response").startsWith("HTTP/1.1 ");
            int status = Integer.parseInt(response.substring(9, 12));
            int blank = response.indexOf("\r\n\r\n");
            return new Answer(status, blank < 0 ? "" : response.substring(blank + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
