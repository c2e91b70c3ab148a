package org.portcullis.auth.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.client.example.CallingTheApiExample;

/** The README's example, run against the standalone server as a reader would run it. */
@DisplayName("The README example")
class CallingTheApiExampleTest {

    @TempDir
    Path dir;

    TestServer server;
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @BeforeEach
    void start() {
        server = TestServer.start(dir, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    int run(String password) {
        AuthClient auth = AuthClient.builder(server.baseUri()).build();
        return CallingTheApiExample.run(auth, server.baseUri(), TestServer.USER, password, out);
    }

    @Test
    @DisplayName("logs in, calls the endpoints, lists its session and logs out, exiting 0")
    void runs() {
        assertThat(run(TestServer.PASSWORD)).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("Logged in as " + TestServer.USER)
                .contains("GET /common/lookup -> 200")
                .contains("(this one)")
                .contains("Logged out");
    }

    @Test
    @DisplayName("with a wrong password it reports INVALID_CREDENTIALS and exits 1, printing no password")
    void wrongPassword() {
        assertThat(run("not-the-password")).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("INVALID_CREDENTIALS")
                .doesNotContain("not-the-password");
    }
}
