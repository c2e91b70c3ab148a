package org.portcullis.auth.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.auth.server.TestUsers.ALICE;
import static org.portcullis.auth.server.TestUsers.ALICE_PASSWORD;
import static org.portcullis.auth.server.Client.json;

@DisplayName("Hostile input against the standalone server over real sockets: a clean 4xx problem each, and the server keeps serving")
class HostileInputEndToEndTest {

    @TempDir
    static Path dir;

    private static Client client;
    private static PortcullisServer server;

    @BeforeAll
    static void up() {
        server = PortcullisServerEndToEndTest.startWithTestUsers(ServerConfig.load(Map.of("PORTCULLIS_PORT", "0",
                "PORTCULLIS_HOST", "127.0.0.1", "PORTCULLIS_DEMO_SEED", "false", "PORTCULLIS_THREADS", "4"), dir),
                MutableClock.startingAt(java.time.Instant.parse("2026-03-01T10:00:00Z")), new PrintStream(OutputStream.nullOutputStream()));
        client = new Client(server.uri());
    }

    @AfterAll
    static void down() {
        server.close();
    }

    @AfterEach
    void stillServing() {
        assertThat(client.get("/common/HealthCheck", null).statusCode()).isEqualTo(200);
        assertThat(client.login(ALICE, ALICE_PASSWORD)).containsKey("accessToken");
    }

    private void assertProblem(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(json(r)).containsEntry("status", status).containsEntry("code", code).containsKeys("type", "title", "detail");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    @DisplayName("malformed JSON is a 400")
    void malformed() {
        assertProblem(client.post("/user/login", null, "{\"username\": \"alice\", "), 400, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("a wrong content type is a 415")
    void contentType() {
        assertProblem(client.postBytes("/user/login", "text/plain", "username=alice".getBytes(StandardCharsets.UTF_8)),
                415, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("a missing field is a 400")
    void missingField() {
        assertProblem(client.post("/user/login", null, "{\"username\":\"alice\"}"), 400, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("a body over 16 KiB is a 413")
    void bodyTooLarge() {
        assertProblem(client.post("/user/login", null, "{\"x\":\"" + "a".repeat(64 * 1024) + "\"}"), 413, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("headers over the cap are a 431")
    void headerTooLarge() {
        assertProblem(client.send(client.request("/common/lookup").header("X-Padding", "p".repeat(20_000)).GET()),
                431, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("an access token of megabytes is refused with a problem")
    void megabyteToken() {
        HttpResponse<String> r = client.get("/user/me", "a".repeat(2 * 1024 * 1024));
        assertProblem(r, 431, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("headers of 5 MiB are refused by the transport with the same 431 problem, not a dropped connection")
    void farBeyondTheCap() {
        assertProblem(client.get("/user/me", "a".repeat(5 * 1024 * 1024)), 431, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("HEAD is answered like GET, without a body")
    void head() {
        HttpResponse<String> r = client.send(client.request("/common/lookup").method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        HttpResponse<String> refused = client.send(client.request("/user/me").method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).isEmpty();
    }

    @Test
    @DisplayName("bytes that are not UTF-8 are a 400")
    void notUtf8() {
        byte[] body = {'{', '"', 'u', 's', 'e', 'r', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xFE, (byte) 0xFF, '"', '}'};
        assertProblem(client.postBytes("/user/login", "application/json", body), 400, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("duplicate JSON keys are a 400")
    void duplicateKeys() {
        assertProblem(client.post("/user/login", null,
                "{\"username\":\"mallory\",\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}"),
                400, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("an unknown path is a 401 without a token and a 404 with one")
    void unknownPath() {
        assertProblem(client.get("/admin", null), 401, "TOKEN_MISSING");
        String token = (String) client.login(ALICE, ALICE_PASSWORD).get("accessToken");
        assertProblem(client.get("/admin", token), 404, "MALFORMED_REQUEST");
    }

    @Test
    @DisplayName("a wrong method is a 405 with Allow")
    void wrongMethod() {
        HttpResponse<String> r = client.send(client.request("/common/HealthCheck").DELETE());
        assertProblem(r, 405, "MALFORMED_REQUEST");
        assertThat(r.headers().firstValue("Allow")).contains("GET, HEAD");
    }

    @Test
    @DisplayName("a request that is not HTTP at all does not disturb the server")
    void garbageOnTheWire() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write("\u0016\u0003\u0001 not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            s.setSoTimeout(5_000);
            InputStream in = s.getInputStream();
            byte[] answer = in.readNBytes(12);
            // The transport answers 400 or closes; either way it must not hang or crash.
            assertThat(answer.length == 0 || new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 4")).isTrue();
        }
    }

    @Test
    @DisplayName("a body over the cap is read to its end before the 413, so the answer arrives and the connection serves the next request")
    void oversizedBodyIsDrainedBeforeThe413() throws IOException {
        int size = 256 * 1024; // over the 16 KiB cap, under the 1 MiB the server reads and discards
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /user/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] body = new byte[size];
            java.util.Arrays.fill(body, (byte) ' ');
            out.write(body); // all of it: a server that closed at the cap would make this write fail
            out.flush();
            InputStream in = s.getInputStream();
            String first = readResponse(in);
            assertThat(first).startsWith("HTTP/1.1 413").doesNotContainIgnoringCase("Connection: close");
            out.write("GET /common/HealthCheck HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
        }
    }

    /** One HTTP/1.1 response with a Content-Length body, as text. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
