package org.portcullis.auth.server;

import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.server.ServerProcesses.Ran;
import org.portcullis.auth.server.ServerProcesses.Running;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up when the database does not answer at once (it is starting, or the machine is so loaded
 * that a connection takes longer than the pool's 3 s wait): the server keeps trying for
 * {@code db.start-timeout}, starts when the database answers, and otherwise gives up with exit 1
 * and a message naming the setting. The server runs as its own process on H2's TCP server, which
 * the test starts only once the server has said that its first attempt failed.
 */
@DisplayName("Start-up waits for a database that answers late, within db.start-timeout")
class DatabaseAtStartTest {

    private static final Pattern FIRST_ATTEMPT_FAILED = Pattern.compile("the database does not answer yet \\(attempt 1 of ");

    @TempDir
    Path dir;

    private ServerProcesses processes;
    private Server h2;

    @AfterEach
    void close() {
        if (processes != null) {
            processes.close();
        }
        if (h2 != null) {
            h2.stop();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Map<String, String> env(int port, String timeout) {
        return Map.of("PORTCULLIS_DB_URL", "jdbc:h2:tcp://127.0.0.1:" + port + "/portcullis", "PORTCULLIS_DB_USER", "sa",
                "PORTCULLIS_KEK", OnPostgres.randomKek(), "PORTCULLIS_DB_START_TIMEOUT", timeout);
    }

    @Test
    @DisplayName("a database that answers only after the first attempt failed: the server starts and serves")
    void answersLate() throws Exception {
        int port = freePort();
        processes = new ServerProcesses(dir, env(port, "90s"));
        Running server = processes.start("late", Map.of(), FIRST_ATTEMPT_FAILED, () -> {
            try {
                h2 = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists", "-baseDir",
                        dir.resolve("h2").toString()).start();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Client client = new Client(server.uri());
        assertThat(client.get("/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(server.outputText()).doesNotContain("dialect detection");
        ServerProcesses.stop(server);
    }

    @Test
    @DisplayName("a database that never answers: exit 1 after db.start-timeout, the message names the setting")
    void neverAnswers() throws Exception {
        int port = freePort();
        processes = new ServerProcesses(dir, env(port, "4s"));
        Ran ran = processes.startFails("never", Map.of());
        assertThat(ran.exit()).as(ran.output()).isEqualTo(1);
        assertThat(ran.output()).contains("Portcullis cannot start", "the database did not answer within 4s",
                "PORTCULLIS_DB_START_TIMEOUT").doesNotContain("\tat ");
    }
}
