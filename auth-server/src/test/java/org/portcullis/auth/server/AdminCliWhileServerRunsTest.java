package org.portcullis.auth.server;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.server.ServerProcesses.Pending;
import org.portcullis.auth.server.ServerProcesses.Ran;
import org.portcullis.auth.server.ServerProcesses.Running;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The admin commands run as their own processes while the server runs as another, both on the
 * default H2 file, as an operator does on one machine: the server opens the file and serves it
 * to the commands through H2's loopback-only listener (AUTO_SERVER), and the running server sees
 * every change a command makes. Nothing here waits for a fixed time: where the server shows an
 * effect only after one of its caches expires, the test asks again until it does, up to a
 * generous deadline.
 */
@DisplayName("The admin commands on the default H2 file while the server runs (separate processes)")
class AdminCliWhileServerRunsTest {

    private static final String ALICE_PW = "alice's long password";
    private static final String BOB_PW = "bob's long enough password";
    private static final String CAROL_PW = "carol's long enough password";
    /** Bound of every wait for an effect that shows after a cache expires; far above the 1 s caches configured here. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Pattern NEW_KEY = Pattern.compile("New signing key (\\S+) signs from now");

    @TempDir
    Path dir;

    private ServerProcesses processes;

    @AfterEach
    void close() {
        if (processes != null) {
            processes.close();
        }
    }

    private ServerProcesses processes() {
        // Short caches so that the waits below are short; the effect times they show are the documented ones.
        processes = new ServerProcesses(dir, Map.of("PORTCULLIS_DEMO_SEED", "false", "PORTCULLIS_SESSION_STATUS_TTL", "1s",
                "PORTCULLIS_KEY_RELOAD_INTERVAL", "1s"));
        return processes;
    }

    @Test
    @DisplayName("user add, sessions revoke, user disable, keys rotate and audit export reach the running server")
    void commandsWhileTheServerRuns() throws Exception {
        ServerProcesses p = processes();
        // Without a server: the commands open the file themselves.
        ok(p.command(Map.of(), "", "db", "migrate"));
        ok(p.command(Map.of(), ALICE_PW + "\n", "user", "add", "alice"));

        Running server = p.start("server");
        Client client = new Client(server.uri());
        Map<String, Object> alice = client.login("alice", ALICE_PW);

        // The server holds the file and listens for the commands on loopback only.
        Path lock = dir.resolve("data").resolve("portcullis.lock.db");
        Properties lockFile = lockFile(lock);
        String listener = lockFile.getProperty("server");
        assertThat(InetAddress.getByName(listener.substring(0, listener.lastIndexOf(':'))).isLoopbackAddress())
                .as("the listener H2 names in its lock file, " + listener, listener).isTrue();
        int port = Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1));
        assertListensOnLoopbackOnly(port);
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:h2:tcp://127.0.0.1:" + port + "/nokey", "sa", "").close())
                .as("a connection without the lock file's key").isInstanceOf(SQLException.class);

        // Traffic meanwhile: alice's requests, all answered.
        AtomicBoolean stop = new AtomicBoolean();
        List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        Thread traffic = new Thread(() -> {
            Client c = new Client(server.uri());
            while (!stop.get()) {
                statuses.add(c.get("/user/me", (String) alice.get("accessToken")).statusCode());
            }
        }, "traffic");
        traffic.start();
        try {
            // user add, the password on standard input: the new user logs in on the running server at once.
            Ran added = p.command(Map.of(), BOB_PW + "\n", "user", "add", "bob", "--operator", "ann");
            ok(added);
            assertThat(added.output()).contains("Created user bob").doesNotContain(BOB_PW);
            Map<String, Object> first = client.login("bob", BOB_PW);
            Map<String, Object> second = client.login("bob", BOB_PW);

            // sessions revoke: the session's refresh token is refused at once (the refresh reads the store),
            // its access token once the server's cached status of the session expires (session-status-ttl).
            ok(p.command(Map.of(), "", "sessions", "revoke", "--session", (String) first.get("sessionId"), "--operator", "ann"));
            assertThat(client.refresh(first.get("accessToken"), first.get("refreshToken")).statusCode()).isEqualTo(401);
            awaitCode(() -> client.get("/user/me", (String) first.get("accessToken")), "TOKEN_REVOKED");
            assertThat(client.get("/user/me", (String) second.get("accessToken")).statusCode()).isEqualTo(200);

            // user disable: logins refused at once, the other session's refresh too, its access token after the TTL.
            ok(p.command(Map.of(), "", "user", "disable", "bob", "--operator", "ann"));
            HttpResponse<String> refused = client.post("/user/login", null, "{\"username\":\"bob\",\"password\":\"" + BOB_PW + "\"}");
            assertThat(Client.code(refused)).isEqualTo("ACCOUNT_DISABLED");
            assertThat(client.refresh(second.get("accessToken"), second.get("refreshToken")).statusCode()).isEqualTo(401);
            awaitCode(() -> client.get("/user/me", (String) second.get("accessToken")), "TOKEN_REVOKED");

            // keys rotate: the new key signs the server's new tokens once it re-reads its keys (key-reload-interval).
            Ran rotated = p.command(Map.of(), "", "keys", "rotate", "--operator", "ann");
            ok(rotated);
            Matcher kid = NEW_KEY.matcher(rotated.output());
            assertThat(kid.find()).as(rotated.output()).isTrue();
            Map<String, Object> signedByNewKey = await(() -> client.login("alice", ALICE_PW),
                    pair -> kid(pair).equals(kid.group(1)), "a login signed with key " + kid.group(1));
            assertThat(client.get("/user/me", (String) signedByNewKey.get("accessToken")).statusCode()).isEqualTo(200);
        } finally {
            stop.set(true);
            traffic.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertThat(statuses).as("alice's requests while the commands ran").isNotEmpty().containsOnly(200);

        // audit export reads the live trail: the server's own events beside the commands', with the operator as the actor.
        Ran export = p.command(Map.of(), "", "audit", "export", "--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z",
                "--format", "jsonl");
        ok(export);
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : export.output().split("\n")) {
            if (line.startsWith("{")) {
                events.add(JSON.std.mapFrom(line));
            }
        }
        assertThat(events).anySatisfy(e -> assertThat(e).containsEntry("type", "LOGIN_SUCCEEDED").containsEntry("username", "bob"));
        for (String type : List.of("USER_CREATED", "SESSION_REVOKED", "USER_DISABLED", "KEY_ROTATED")) {
            assertThat(events).as(type + " by ann").anySatisfy(e -> {
                assertThat(e).containsEntry("type", type);
                assertThat(String.valueOf(e.get("userAgent"))).isEqualTo("portcullis-cli operator=ann");
            });
        }

        ServerProcesses.stop(server);
        assertThat(Files.exists(lock)).as("the lock is gone with the server").isFalse();
        // The file keeps its owner-only permissions through all this.
        Path file = dir.resolve("data").resolve("portcullis" + DataFolder.H2_FILE_SUFFIX);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    }

    @Test
    @DisplayName("the server starts while a command holds the file, and keeps serving after the command ends")
    void serverStartsWhileACommandHoldsTheFile() throws Exception {
        ServerProcesses p = processes();
        ok(p.command(Map.of(), "", "db", "migrate"));
        ok(p.command(Map.of(), ALICE_PW + "\n", "user", "add", "alice"));

        // user add opens the database, then waits for the password on standard input: it holds the file meanwhile.
        Pending carol = p.begin(Map.of(), "user", "add", "carol", "--operator", "ann");
        Path lock = dir.resolve("data").resolve("portcullis.lock.db");
        lockFile(lock);

        Running server = p.start("server");
        Client client = new Client(server.uri());
        Map<String, Object> alice = client.login("alice", ALICE_PW);

        Ran added = carol.finish(CAROL_PW + "\n");
        ok(added);
        // The command has ended and its listener with it: the server's connections open the file themselves now.
        assertThat(client.login("carol", CAROL_PW)).containsKey("accessToken");
        assertThat(client.refresh(alice.get("accessToken"), alice.get("refreshToken")).statusCode()).isEqualTo(200);
        Properties now = lockFile(lock);
        String listener = now.getProperty("server");
        assertThat(InetAddress.getByName(listener.substring(0, listener.lastIndexOf(':'))).isLoopbackAddress()).as(listener).isTrue();

        // And the next command reaches the server again.
        Ran shown = p.command(Map.of(), "", "user", "show", "carol");
        ok(shown);
        assertThat(shown.output()).contains("username: carol", "sessions: 1 active");
        ServerProcesses.stop(server);
    }

    private static void ok(Ran ran) {
        assertThat(ran.exit()).as(ran.output()).isZero();
    }

    /** Waits (by watching its folder) until H2's lock file names the listener of the process that holds the file. */
    private static Properties lockFile(Path lock) throws IOException, InterruptedException {
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            lock.getParent().register(watcher, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                Optional<Properties> p = readLock(lock);
                if (p.isPresent() && p.get().getProperty("server") != null) {
                    return p.get();
                }
                WatchKey key = watcher.poll(1, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
        throw new AssertionError("no listener in " + lock + ": " + readLock(lock));
    }

    private static Optional<Properties> readLock(Path lock) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(lock)) {
            p.load(in);
            return Optional.of(p);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Nothing answers on the listener's port at any of this machine's non-loopback addresses. */
    private static void assertListensOnLoopbackOnly(int port) throws SocketException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        } catch (IOException e) {
            throw new UncheckedIOException("the listener answers on loopback", e);
        }
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a.isLoopbackAddress() || !(a instanceof Inet4Address)) {
                    continue;
                }
                assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(a, port), 5_000);
                    }
                }).as("the listener at " + a.getHostAddress()).isInstanceOf(IOException.class);
            }
        }
    }

    private static void awaitCode(Supplier<HttpResponse<String>> request, String code) {
        await(request, r -> r.statusCode() == 401 && code.equals(Client.code(r)), "answer " + code);
    }

    private static <T> T await(Supplier<T> attempt, java.util.function.Predicate<T> done, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        T last;
        do {
            last = attempt.get();
            if (done.test(last)) {
                return last;
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no " + what + " within " + DEADLINE + "; last: " + last);
    }

    private static String kid(Map<String, Object> pair) {
        String jws = (String) pair.get("accessToken");
        byte[] header = Base64.getUrlDecoder().decode(jws.substring(0, jws.indexOf('.')));
        try {
            return (String) JSON.std.mapFrom(new String(header, StandardCharsets.UTF_8)).get("kid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
