package org.portcullis.auth.server;

import com.fasterxml.jackson.jr.ob.JSON;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.server.ServerProcesses.Ran;
import org.portcullis.auth.server.ServerProcesses.Running;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.server.Client.json;
import static org.portcullis.auth.server.Client.jsonList;

/**
 * An acknowledgement means durable: every write the server answered for (login, refresh, logout,
 * revoke, logout-all, key rotation and the audit row of each) is still there after the server
 * process is killed with SIGKILL right after the answer, with no chance to flush or close
 * anything. The real server runs as its own JVM; each round performs operations over HTTP,
 * kills the process at once, and the next round, a new process on the same data, checks their
 * effects. H2's default write delay (500 ms) lost the last writes of every round here.
 */
@DisplayName("Every acknowledged write survives kill -9 of the server process")
class KillNineDurabilityTest {

    private static final String USER = "erin";
    private static final String PASSWORD = "a password that survives crashes";
    private static final Pattern NEW_KEY = Pattern.compile("New signing key (\\S+) signs from now");

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    @DisplayName("on the default H2 file")
    void h2File() throws Exception {
        scenario(Map.of("PORTCULLIS_DEMO_SEED", "false"));
    }

    @Test
    @DisplayName("on PostgreSQL")
    void postgres() throws Exception {
        // PostgreSQL's own default (the embedded one turns it off for speed): a commit returns once its WAL is flushed.
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
        toClose.add(pg);
        scenario(Map.of("PORTCULLIS_DB_URL", pg.getJdbcUrl("postgres", "postgres"), "PORTCULLIS_DB_USER", "postgres",
                "PORTCULLIS_KEK", OnPostgres.randomKek()));
    }

    private void scenario(Map<String, String> env) throws Exception {
        ServerProcesses processes = new ServerProcesses(dir, env);
        toClose.add(processes);
        assertOk(processes.command(Map.of(), "", "db", "migrate"));
        assertOk(processes.command(Map.of(), PASSWORD + "\n", "user", "add", USER));

        // Round 1: four logins, each answered 200; the process dies right after the last answer.
        Running first = processes.start("round1");
        Client client = new Client(first.uri());
        Map<String, Object> refreshed = client.login(USER, PASSWORD);
        Map<String, Object> loggedOut = client.login(USER, PASSWORD);
        Map<String, Object> revoked = client.login(USER, PASSWORD);
        Map<String, Object> keptUntilLogoutAll = client.login(USER, PASSWORD);
        ServerProcesses.killHard(first);

        // Round 2: every login and its signing key are there; then a refresh, a logout and a revocation.
        Running second = processes.start("round2");
        client = new Client(second.uri());
        for (Map<String, Object> pair : List.of(refreshed, loggedOut, revoked, keptUntilLogoutAll)) {
            assertThat(client.get("/user/me", access(pair)).statusCode()).as("a session from before the kill").isEqualTo(200);
        }
        assertThat(jsonList(client.get("/user/sessions", access(refreshed)))).hasSize(4);
        HttpResponse<String> refresh = client.refresh(access(refreshed), refreshed.get("refreshToken"));
        assertThat(refresh.statusCode()).isEqualTo(200);
        Map<String, Object> rotated = json(refresh);
        assertThat(client.post("/user/logout", access(loggedOut), null).statusCode()).isEqualTo(204);
        assertThat(client.delete("/user/sessions/" + revoked.get("sessionId"), access(rotated)).statusCode()).isEqualTo(204);
        ServerProcesses.killHard(second);

        // An operator rotates the signing key; the command's answer names the new key.
        Ran rotation = processes.command(Map.of(), "", "keys", "rotate");
        assertOk(rotation);
        Matcher newKey = NEW_KEY.matcher(rotation.output());
        assertThat(newKey.find()).as(rotation.output()).isTrue();

        // Round 3: the refresh, the logout, the revocation and the rotation held; then a logout of every session.
        Running third = processes.start("round3");
        client = new Client(third.uri());
        HttpResponse<String> again = client.refresh(access(rotated), rotated.get("refreshToken"));
        assertThat(again.statusCode()).as("the refresh token handed out just before the kill").isEqualTo(200);
        Map<String, Object> rotatedAgain = json(again);
        assertThat(Client.code(client.get("/user/me", access(loggedOut)))).isEqualTo("TOKEN_REVOKED");
        assertThat(Client.code(client.get("/user/me", access(revoked)))).isEqualTo("TOKEN_REVOKED");
        assertThat(client.get("/user/me", access(keptUntilLogoutAll)).statusCode()).isEqualTo(200);
        Map<String, Object> afterRotation = client.login(USER, PASSWORD);
        assertThat(kid(access(afterRotation))).as("new tokens are signed with the rotated key").isEqualTo(newKey.group(1));
        assertThat(client.post("/user/logoutAll", access(keptUntilLogoutAll), null).statusCode()).isEqualTo(204);
        ServerProcesses.killHard(third);

        // Round 4: the logout of every session held.
        Running fourth = processes.start("round4");
        client = new Client(fourth.uri());
        for (Map<String, Object> pair : List.of(keptUntilLogoutAll, rotatedAgain, afterRotation)) {
            assertThat(Client.code(client.get("/user/me", access(pair)))).isEqualTo("TOKEN_REVOKED");
        }
        assertThat(client.refresh(access(rotatedAgain), rotatedAgain.get("refreshToken")).statusCode()).isEqualTo(401);
        ServerProcesses.killHard(fourth);

        // The audit row of every acknowledged operation is in the store.
        Map<AuditEventType, Integer> counts = auditCounts(env);
        assertThat(counts.getOrDefault(AuditEventType.LOGIN_SUCCEEDED, 0)).isEqualTo(5);
        assertThat(counts.getOrDefault(AuditEventType.TOKEN_REFRESHED, 0)).isEqualTo(2);
        assertThat(counts.getOrDefault(AuditEventType.LOGGED_OUT, 0)).isEqualTo(1);
        assertThat(counts.getOrDefault(AuditEventType.SESSION_REVOKED, 0)).isEqualTo(1);
        assertThat(counts.getOrDefault(AuditEventType.SESSIONS_REVOKED_ALL, 0)).isEqualTo(1);
        assertThat(counts.getOrDefault(AuditEventType.KEY_ROTATED, 0)).isGreaterThanOrEqualTo(1);
    }

    private Map<AuditEventType, Integer> auditCounts(Map<String, String> env) {
        ServerConfig config = ServerConfig.load(env, dir);
        Map<AuditEventType, Integer> counts = new HashMap<>();
        try (JdbcBackend backend = JdbcBackend.open(config, KeyEncryptionKeys.resolve(config, new SecureRandom()), false)) {
            for (AuditEvent e : backend.auditLog().query(AuditQuery.all().limit(AuditQuery.MAX_LIMIT)).events()) {
                counts.merge(e.type(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static void assertOk(Ran ran) {
        assertThat(ran.exit()).as(ran.output()).isZero();
    }

    private static String access(Map<String, Object> pair) {
        return (String) pair.get("accessToken");
    }

    private static String kid(String jws) throws java.io.IOException {
        byte[] header = Base64.getUrlDecoder().decode(jws.substring(0, jws.indexOf('.')));
        return (String) JSON.std.mapFrom(new String(header, StandardCharsets.UTF_8)).get("kid");
    }
}
