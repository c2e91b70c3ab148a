package org.portcullis.auth.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The server as its own process, started by main() and stopped by SIGTERM")
class ServerProcessTest {

    private static final Pattern LISTENING = Pattern.compile("Portcullis listening on (http://\\S+)");
    private static final Pattern PASSWORD = Pattern.compile("password: (\\S+)");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void kill() {
        processes.forEach(Process::destroyForcibly);
    }

    /** A running server process, and the file its output goes to. */
    private record Running(Process process, URI uri, Path log) {
        List<String> output() {
            try {
                return Files.readAllLines(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Running start(String name) throws Exception {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PortcullisServer.class.getName())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("PORTCULLIS_PORT", "0", "PORTCULLIS_HOST", "127.0.0.1", "PORTCULLIS_THREADS", "2"));
        // The output goes to a file (a pipe may lose its last lines when the process exits); wait for
        // the line that says where the server listens by watching the file change, not by sleeping.
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
            Process p = pb.start();
            processes.add(p);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && p.isAlive()) {
                Running r = new Running(p, null, log);
                for (String line : r.output()) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find() && !line.contains(" INFO ")) {
                        return new Running(p, URI.create(m.group(1)), log);
                    }
                }
                WatchKey key = watcher.poll(1, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
            throw new AssertionError("the server did not say where it listens: " + new Running(p, null, log).output());
        }
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

    /** Runs one command of the jar's main to its end: exit code and everything it printed. */
    private record Ran(int exit, String output) {
    }

    private Ran command(Map<String, String> env, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PortcullisServer.class.getName()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("command.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Ran(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
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
