package org.portcullis.auth.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.server.TestUsers.ALICE;
import static org.portcullis.auth.server.TestUsers.ALICE_PASSWORD;

@DisplayName("The admin CLI on the server's H2 file, while the server runs")
class AdminCliTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
    private final Map<String, String> env = new HashMap<>(Map.of("PORTCULLIS_PORT", "0", "PORTCULLIS_HOST", "127.0.0.1",
            "PORTCULLIS_DEMO_SEED", "false", "PORTCULLIS_THREADS", "4"));
    private PortcullisServer server;
    private Client client;

    /** What one command did. */
    private record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void startServer() {
        server = PortcullisServerEndToEndTest.startWithTestUsers(ServerConfig.load(env, dir), clock,
                new PrintStream(OutputStream.nullOutputStream()));
        client = new Client(server.uri());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private Result cli(String stdin, String... args) {
        return cli(false, stdin, args);
    }

    private Result cli(boolean progress, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new AdminCli(env, dir, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                clock, null, TestUsers.HASHER).showProgress(progress).run(List.of(args));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private List<AuditEvent> audit(AuditEventType type) {
        return auditLog().query(AuditQuery.all().ofTypes(java.util.Set.of(type))).events();
    }

    private org.portcullis.auth.api.AuditLog auditLog() {
        // The server's own store, so the test reads what the running server would read.
        JdbcBackend b = JdbcBackend.open(ServerConfig.load(env, dir), KeyEncryptionKeys.resolve(ServerConfig.load(env, dir),
                new java.security.SecureRandom()), false);
        opened.add(b);
        return b.auditLog();
    }

    private final List<JdbcBackend> opened = new ArrayList<>();

    @AfterEach
    void closeBackends() {
        opened.forEach(JdbcBackend::close);
    }

    @Nested
    @DisplayName("user")
    class Users {

        @Test
        @DisplayName("add reads the password from stdin; the new user logs in on the running server; audited with the operator")
        void add() {
            Result r = cli("a long enough password\n", "user", "add", "carol", "--role", "user", "--role", "ops", "--operator", "ann");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("Created user carol").doesNotContain("a long enough password");
            assertThat(client.login("carol", "a long enough password")).containsKey("accessToken");
            assertThat(audit(AuditEventType.USER_CREATED)).singleElement().satisfies(e -> {
                assertThat(e.username()).contains("carol");
                assertThat(e.reason()).contains("operator=ann");
                assertThat(e.userAgent()).isEqualTo("portcullis-cli operator=ann");
            });
        }

        @Test
        @DisplayName("bad input changes nothing: an existing name (4), a short password (64), a password as an argument (64)")
        void badInput() {
            assertThat(cli("another long password\n", "user", "add", ALICE).exit()).isEqualTo(AdminCli.CONFLICT);
            assertThat(client.login(ALICE, ALICE_PASSWORD)).containsKey("accessToken");
            Result shortPw = cli("short\n", "user", "add", "dave");
            assertThat(shortPw.exit()).isEqualTo(AdminCli.USAGE);
            assertThat(shortPw.err()).contains("8 to 1024 characters");
            Result asArg = cli("", "user", "add", "dave", "--password", "a long enough password");
            assertThat(asArg.exit()).isEqualTo(AdminCli.USAGE);
            assertThat(asArg.err()).contains("never an argument");
            assertThat(cli("", "user", "show", "dave").exit()).isEqualTo(AdminCli.NOT_FOUND);
            assertThat(audit(AuditEventType.USER_CREATED)).isEmpty();
            assertThat(cli("", "user", "frobnicate", "dave").exit()).isEqualTo(AdminCli.USAGE);
        }

        @Test
        @DisplayName("show prints the user without its hash")
        void show() {
            Result r = cli("", "user", "show", ALICE);
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("username: alice", "admin", "enabled:  true").doesNotContain("$argon2").doesNotContain("$");
        }

        @Test
        @DisplayName("disable ends the user's sessions at once and refuses logins; enable lets them back; both audited")
        void disableEnable() {
            String token = (String) client.login(ALICE, ALICE_PASSWORD).get("accessToken");
            Result r = cli("", "user", "disable", ALICE, "--operator", "ann");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("1 session(s) ended");
            // The running server reads the status again once its cache entry is older than session-status-ttl.
            clock.advance(server.service().settings().sessionStatusTtl().plusSeconds(1));
            assertThat(client.get("/user/me", token).statusCode()).isEqualTo(401);
            assertThat(client.post("/user/login", null, "{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}")
                    .statusCode()).isEqualTo(403);
            assertThat(cli("", "user", "enable", ALICE).exit()).isZero();
            assertThat(client.login(ALICE, ALICE_PASSWORD)).containsKey("accessToken");
            assertThat(audit(AuditEventType.USER_DISABLED)).singleElement()
                    .satisfies(e -> assertThat(e.userAgent()).isEqualTo("portcullis-cli operator=ann"));
            assertThat(audit(AuditEventType.USER_ENABLED)).hasSize(1);
            assertThat(cli("", "user", "disable", "nobody").exit()).isEqualTo(AdminCli.NOT_FOUND);
        }

        @Test
        @DisplayName("list prints every user, page after page, never a hash")
        void list() {
            assertThat(cli("a long enough password\n", "user", "add", "carol").exit()).isZero();
            Result r = cli("", "user", "list");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("alice  u-alice  true  admin,user", "bob  u-bob  true  user", "carol", "3 user(s).")
                    .doesNotContain("$");
            assertThat(cli("", "user", "list", "extra").exit()).isEqualTo(AdminCli.USAGE);
        }

        @Test
        @DisplayName("roles replaces the roles, the next refreshed token carries them, audited with the operator; bad input changes nothing")
        void roles() {
            Map<String, Object> pair = client.login(TestUsers.BOB, TestUsers.BOB_PASSWORD);
            assertThat(cli("", "user", "roles", TestUsers.BOB, "--role", "a b").exit()).isEqualTo(AdminCli.USAGE);
            assertThat(cli("", "user", "roles", TestUsers.BOB).exit()).isEqualTo(AdminCli.USAGE);
            assertThat(cli("", "user", "roles", "nobody", "--role", "ops").exit()).isEqualTo(AdminCli.NOT_FOUND);
            assertThat(cli("", "user", "show", TestUsers.BOB).out()).contains("roles:    user\n");
            assertThat(audit(AuditEventType.ROLES_CHANGED)).isEmpty();

            Result r = cli("", "user", "roles", TestUsers.BOB, "--role", "ops", "--role", "user", "--operator", "ann");
            assertThat(r.exit()).as(r.err()).isZero();
            Map<String, Object> refreshed = Client.json(client.refresh(pair.get("accessToken"), pair.get("refreshToken")));
            Map<String, Object> me = Client.json(client.get("/user/me", (String) refreshed.get("accessToken")));
            assertThat(me.get("roles")).isEqualTo(List.of("ops", "user"));
            assertThat(audit(AuditEventType.ROLES_CHANGED)).singleElement().satisfies(e -> {
                assertThat(e.userAgent()).isEqualTo("portcullis-cli operator=ann");
                assertThat(e.username()).contains(TestUsers.BOB);
            });
        }

        @Test
        @DisplayName("delete ends the user's sessions and removes it, audited with the operator; a second delete is not found")
        void delete() {
            String token = (String) client.login(TestUsers.BOB, TestUsers.BOB_PASSWORD).get("accessToken");
            Result r = cli("", "user", "delete", TestUsers.BOB, "--operator", "ann");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("1 session(s) ended");
            clock.advance(server.service().settings().sessionStatusTtl().plusSeconds(1));
            assertThat(client.get("/user/me", token).statusCode()).isEqualTo(401);
            assertThat(client.post("/user/login", null, "{\"username\":\"bob\",\"password\":\"" + TestUsers.BOB_PASSWORD + "\"}")
                    .statusCode()).isEqualTo(401);
            assertThat(cli("", "user", "show", TestUsers.BOB).exit()).isEqualTo(AdminCli.NOT_FOUND);
            assertThat(audit(AuditEventType.USER_DELETED)).singleElement()
                    .satisfies(e -> assertThat(e.userAgent()).isEqualTo("portcullis-cli operator=ann"));
            assertThat(cli("", "user", "delete", TestUsers.BOB).exit()).isEqualTo(AdminCli.NOT_FOUND);
            assertThat(client.login(ALICE, ALICE_PASSWORD)).containsKey("accessToken");
        }

        @Test
        @DisplayName("passwd sets a new password from stdin and ends the old sessions")
        void passwd() {
            client.login(ALICE, ALICE_PASSWORD);
            Result r = cli("the new password\n", "user", "passwd", ALICE);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("1 session(s) ended");
            assertThat(client.post("/user/login", null, "{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}")
                    .statusCode()).isEqualTo(401);
            assertThat(client.login(ALICE, "the new password")).containsKey("accessToken");
            assertThat(audit(AuditEventType.PASSWORD_CHANGED)).singleElement()
                    .satisfies(e -> assertThat(e.userAgent()).startsWith("portcullis-cli operator="));
            assertThat(cli("short\n", "user", "passwd", ALICE).exit()).isEqualTo(AdminCli.USAGE);
            assertThat(client.login(ALICE, "the new password")).containsKey("accessToken");
        }
    }

    @Nested
    @DisplayName("sessions and keys")
    class SessionsAndKeys {

        @Test
        @DisplayName("sessions list shows the active ones; revoke --session ends one, --user ends all; each audited")
        void sessions() {
            client.login(ALICE, ALICE_PASSWORD);
            client.login(ALICE, ALICE_PASSWORD);
            List<org.portcullis.auth.api.Session> active = server.service().sessions("u-alice");
            Result list = cli("", "sessions", "list", ALICE);
            assertThat(list.out()).contains(active.get(0).id(), active.get(1).id(), "2 active session(s)");

            assertThat(cli("", "sessions", "revoke", "--session", active.get(0).id(), "--operator", "ann").exit()).isZero();
            assertThat(server.service().sessions("u-alice")).hasSize(1);
            assertThat(cli("", "sessions", "revoke", "--session", "no-such-session").exit()).isEqualTo(AdminCli.NOT_FOUND);
            assertThat(cli("", "sessions", "revoke", "--user", ALICE).exit()).isZero();
            assertThat(server.service().sessions("u-alice")).isEmpty();
            assertThat(audit(AuditEventType.SESSION_REVOKED)).anySatisfy(e -> assertThat(e.reason()).contains("operator=ann"));
            assertThat(cli("", "sessions", "revoke").exit()).isEqualTo(AdminCli.USAGE);
        }

        @Test
        @DisplayName("keys rotate adds a signing key that keys list shows; no private key is printed")
        void keys() {
            Result before = cli("", "keys", "list");
            long count = before.out().lines().filter(l -> l.contains("signing") || l.contains("verifying")).count();
            Result rotated = cli("", "keys", "rotate", "--operator", "ann");
            assertThat(rotated.exit()).as(rotated.err()).isZero();
            String kid = rotated.out().replaceAll("(?s).*New signing key (\\S+).*", "$1");
            Result after = cli("", "keys", "list");
            assertThat(after.out()).contains(kid);
            assertThat(after.out().lines().filter(l -> l.contains("signing") || l.contains("verifying")).count()).isEqualTo(count + 1);
            assertThat(audit(AuditEventType.KEY_ROTATED)).anySatisfy(e -> assertThat(e.reason()).contains(kid, "operator=ann"));
            assertThat(cli("", "keys", "rotate", "--lead", "soon").exit()).isEqualTo(AdminCli.USAGE);
        }
    }

    @Nested
    @DisplayName("audit export")
    class Export {

        @Test
        @DisplayName("streams the events between --from and --to as CSV, filtered by user and type, formula cells defused")
        void csv() {
            client.login(ALICE, ALICE_PASSWORD);
            client.post("/user/login", null, "{\"username\":\"alice\",\"password\":\"wrong\"}");
            client.send(client.request("/user/login").header("Content-Type", "application/json").header("User-Agent", "=HYPERLINK(1)")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"bob\",\"password\":\"nope\"}")));
            Result r = cli("", "audit", "export", "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-02T00:00:00Z",
                    "--format", "csv", "--type", "LOGIN_FAILED");
            assertThat(r.exit()).as(r.err()).isZero();
            List<String> lines = r.out().lines().toList();
            assertThat(lines.get(0)).isEqualTo("id,at,type,outcome,user_id,username,session_id,client_ip,user_agent,reason");
            assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).doesNotContain("LOGIN_SUCCEEDED"));
            assertThat(r.out()).contains("'=HYPERLINK(1)").doesNotContain(",=HYPERLINK");

            Result onlyAlice = cli("", "audit", "export", "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-02T00:00:00Z",
                    "--format", "csv", "--user", ALICE);
            assertThat(onlyAlice.out().lines().skip(1)).isNotEmpty().allSatisfy(l -> assertThat(l).contains(",u-alice,alice,"));
            Result outside = cli("", "audit", "export", "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-03T00:00:00Z",
                    "--format", "csv");
            assertThat(outside.out().lines()).hasSize(1);
        }

        @Test
        @DisplayName("JSON lines, one object per event, across several pages")
        void jsonl() throws Exception {
            for (int i = 0; i < 3; i++) {
                client.post("/user/login", null, "{\"username\":\"alice\",\"password\":\"wrong" + i + "\"}");
                clock.advance(Duration.ofMinutes(1));
            }
            Result r = cli("", "audit", "export", "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-02T00:00:00Z",
                    "--format", "jsonl");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).as("no progress line without a terminal").isEmpty();
            List<String> lines = r.out().lines().toList();
            Result onTerminal = cli(true, "", "audit", "export", "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-02T00:00:00Z",
                    "--format", "jsonl");
            assertThat(onTerminal.out()).isEqualTo(r.out());
            assertThat(onTerminal.err()).as("the progress line goes to standard error, never into the export")
                    .contains("\rexported " + lines.size() + " event(s)");
            assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
            for (String line : lines) {
                Map<String, Object> event = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(line);
                assertThat(event).containsKeys("id", "at", "type", "outcome", "username", "reason");
            }
        }

        @Test
        @DisplayName("refuses a missing format, a bad instant or an unknown type, writing nothing")
        void badInput() {
            assertThat(cli("", "audit", "export", "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-02T00:00:00Z").exit())
                    .isEqualTo(AdminCli.USAGE);
            Result badInstant = cli("", "audit", "export", "--from", "yesterday", "--to", "2026-03-02T00:00:00Z", "--format", "csv");
            assertThat(badInstant.exit()).isEqualTo(AdminCli.USAGE);
            assertThat(badInstant.out()).isEmpty();
            assertThat(cli("", "audit", "export", "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-02T00:00:00Z",
                    "--format", "csv", "--type", "NOPE").exit()).isEqualTo(AdminCli.USAGE);
        }
    }

    @Nested
    @DisplayName("configuration and database")
    class ConfigAndDatabase {

        @Test
        @DisplayName("--print-config prints every setting with secrets redacted; config check names a bad setting and exits 2")
        void printConfig() {
            env.put("PORTCULLIS_DB_PASSWORD", "very-secret-db-password");
            Result r = cli("", "--print-config");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("portcullis.throttling.base-delay = 1s", "portcullis.db.password = <redacted>")
                    .doesNotContain("very-secret-db-password");
            env.put("PORTCULLIS_CLEANUP_BATCH_SIZE", "lots");
            Result bad = cli("", "config", "check");
            assertThat(bad.exit()).isEqualTo(AdminCli.BAD_CONFIG);
            assertThat(bad.err()).contains("PORTCULLIS_CLEANUP_BATCH_SIZE");
        }

        @Test
        @DisplayName("db migrate reports the schema version; other commands refuse a database without the schema")
        void migrate() {
            env.put("PORTCULLIS_DB_URL", "jdbc:h2:file:" + dir.resolve("fresh").resolve("db"));
            Result refused = cli("", "keys", "list");
            assertThat(refused.exit()).isEqualTo(AdminCli.FAILED);
            assertThat(refused.err()).contains("db migrate");
            Result migrated = cli("", "db", "migrate");
            assertThat(migrated.exit()).as(migrated.err()).isZero();
            assertThat(migrated.out()).contains("schema at version " + org.portcullis.auth.store.jdbc.JdbcStores.SCHEMA_VERSION);
            assertThat(cli("", "keys", "list").exit()).isZero();
            assertThat(Files.exists(dir.resolve("fresh").resolve("db.kek"))).isTrue();
        }
    }

    @Test
    @DisplayName("no command prints the usage and exits 64; help exits 0")
    void usage() {
        assertThat(cli("", "help").exit()).isZero();
        assertThat(cli("", "help").out()).contains("user add", "audit export", "Exit codes");
        assertThat(cli("").exit()).isEqualTo(AdminCli.USAGE);
    }
}
