package org.portcullis.auth.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.server.ServerProcesses.Ran;
import org.portcullis.auth.server.ServerProcesses.Running;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The server as its own process, started by main() and stopped by SIGTERM")
class ServerProcessTest {

    private static final Pattern PASSWORD = Pattern.compile("password: (\\S+)");

    @TempDir
    Path dir;

    private ServerProcesses processes;

    @BeforeEach
    void processes() {
        processes = new ServerProcesses(dir, Map.of());
    }

    @AfterEach
    void kill() {
        processes.close();
    }

    private Running start(String name) throws Exception {
        return processes.start(name);
    }

    private static String password(List<String> output) {
        for (String line : output) {
            Matcher m = PASSWORD.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no password printed: " + output);
    }

    @Test
    @DisplayName("SIGTERM stops it in order, and the next process on the same directory keeps the session")
    void sigtermThenRestart() throws Exception {
        Running first = start("first");
        String password = password(first.output());
        Client client = new Client(first.uri());
        Map<String, Object> pair = client.login("demo", password);

        first.process().destroy(); // SIGTERM
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.output()).anySatisfy(l -> assertThat(l).contains("Portcullis stopped"));
        assertThat(String.join("\n", first.output())).doesNotContain((String) pair.get("accessToken"));

        Running second = start("second");
        assertThat(String.join("\n", second.output())).contains("Demo user demo exists").doesNotContain(password);
        Client again = new Client(second.uri());
        assertThat(again.get("/user/me", (String) pair.get("accessToken")).statusCode()).isEqualTo(200);
        assertThat(again.refresh(pair.get("accessToken"), pair.get("refreshToken")).statusCode()).isEqualTo(200);
        second.process().destroy();
        assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private Ran command(Map<String, String> env, String stdin, String... args) throws Exception {
        return processes.command(env, stdin, args);
    }

    @Test
    @DisplayName("a bad setting stops the process before it listens: exit 2 and one line naming the setting")
    void badSettingExitsTwo() throws Exception {
        Ran r = command(Map.of("PORTCULLIS_THROTTLING_MAX_DELAY", "forever"), "");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.output()).contains("Portcullis cannot start: portcullis.throttling.max-delay (PORTCULLIS_THROTTLING_MAX_DELAY)")
                .doesNotContain("Portcullis listening").doesNotContain("\tat ");
    }

    @Test
    @DisplayName("the admin commands run through the same main: user add with the password on stdin, then the server lets the user in")
    void adminCommandThenServe() throws Exception {
        Ran migrated = command(Map.of(), "", "db", "migrate");
        assertThat(migrated.exit()).as(migrated.output()).isZero();
        Ran added = command(Map.of(), "a process-made password\n", "user", "add", "erin");
        assertThat(added.exit()).as(added.output()).isZero();
        assertThat(added.output()).contains("Created user erin").doesNotContain("a process-made password");
        Ran printed = command(Map.of("PORTCULLIS_DB_PASSWORD", "hidden-db-password"), "", "--print-config");
        assertThat(printed.exit()).isZero();
        assertThat(printed.output()).contains("portcullis.access-token-lifetime = 20m").doesNotContain("hidden-db-password");

        Running server = start("serve");
        assertThat(new Client(server.uri()).login("erin", "a process-made password")).containsKey("accessToken");
        server.process().destroy();
        assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
}
