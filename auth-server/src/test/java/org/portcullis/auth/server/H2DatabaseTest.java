package org.portcullis.auth.server;

import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.server.TestUsers.ALICE;
import static org.portcullis.auth.server.TestUsers.ALICE_PASSWORD;

@DisplayName("The standalone server's H2 settings")
class H2DatabaseTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private ServerConfig config(Map<String, String> extra) {
        return PortcullisServerEndToEndTest.testConfig(dir, extra);
    }

    private PortcullisServer start(ServerConfig config) {
        PortcullisServer server = PortcullisServerEndToEndTest.startWithTestUsers(config, clock,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        toClose.add(server);
        return server;
    }

    private static String kek() {
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        return Base64.getEncoder().encodeToString(kek);
    }

    @Nested
    @DisplayName("The URL's additions: commits written through, a longer lock timeout")
    class LockTimeout {

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "jdbc:h2:file:/var/lib/p/portcullis | jdbc:h2:file:/var/lib/p/portcullis;WRITE_DELAY=0;LOCK_TIMEOUT=10000",
            "jdbc:h2:tcp://db:9092/portcullis;CIPHER=AES | jdbc:h2:tcp://db:9092/portcullis;CIPHER=AES;WRITE_DELAY=0;LOCK_TIMEOUT=10000",
            "jdbc:h2:file:/p/portcullis; | jdbc:h2:file:/p/portcullis;WRITE_DELAY=0;LOCK_TIMEOUT=10000",
            "jdbc:h2:file:/p/portcullis;lock_timeout=500 | jdbc:h2:file:/p/portcullis;lock_timeout=500;WRITE_DELAY=0",
            "jdbc:h2:file:/p/portcullis;LOCK_TIMEOUT = 500;MODE=PostgreSQL | jdbc:h2:file:/p/portcullis;LOCK_TIMEOUT = 500;MODE=PostgreSQL;WRITE_DELAY=0",
            "jdbc:h2:file:/p/portcullis;write_delay=200 | jdbc:h2:file:/p/portcullis;write_delay=200;LOCK_TIMEOUT=10000",
            "jdbc:h2:mem:test | jdbc:h2:mem:test;LOCK_TIMEOUT=10000",
            "jdbc:postgresql://db/app | jdbc:postgresql://db/app",
        })
        @DisplayName("each is added to an H2 URL that does not set it, and only there")
        void effectiveUrl(String configured, String effective) {
            assertThat(JdbcBackend.effectiveUrl(configured)).isEqualTo(effective);
        }

        @Test
        @DisplayName("the connections to the default H2 file wait 10 s for a row lock, not H2's default 2 s")
        void defaultFile() throws SQLException {
            assertThat(lockTimeoutOf(config(Map.of()))).isEqualTo(10_000);
        }

        @Test
        @DisplayName("a lock timeout the URL sets is the one the connections get")
        void ownSetting() throws SQLException {
            String url = "jdbc:h2:file:" + dir.resolve("own") + ";LOCK_TIMEOUT=4321";
            assertThat(lockTimeoutOf(config(Map.of("PORTCULLIS_DB_URL", url)))).isEqualTo(4_321);
        }

        @Test
        @DisplayName("the default H2 file writes each commit through (WRITE_DELAY 0), not up to 500 ms later")
        void writeThrough() throws SQLException {
            ServerConfig config = config(Map.of());
            try (JdbcBackend backend = JdbcBackend.open(config, KeyEncryptionKeys.resolve(config, new SecureRandom()));
                 Connection c = backend.dataSource().getConnection();
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("0");
            }
        }

        private int lockTimeoutOf(ServerConfig config) throws SQLException {
            try (JdbcBackend backend = JdbcBackend.open(config, KeyEncryptionKeys.resolve(config, new SecureRandom()));
                 Connection c = backend.dataSource().getConnection();
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT LOCK_TIMEOUT()")) {
                rs.next();
                return rs.getInt(1);
            }
        }

        @Test
        @DisplayName("24 concurrent refreshes of one session on the H2 file each answer 200 or 409, none 503")
        void concurrentRefreshes() throws Exception {
            Client client = new Client(start(config(Map.of("PORTCULLIS_THREADS", "16"))).uri());
            Map<String, Object> pair = client.login(ALICE, ALICE_PASSWORD);
            List<Integer> statuses = concurrently(24,
                    () -> client.refresh(pair.get("accessToken"), pair.get("refreshToken")).statusCode());
            assertThat(statuses).allSatisfy(s -> assertThat(s).isIn(200, 409)).contains(200);
        }
    }

    @Nested
    @DisplayName("Behind H2's TCP server")
    class Tcp {

        @Test
        @DisplayName("after the database server restarts, the first request is served again and the old session refreshes")
        void restart() throws Exception {
            int port = freePort();
            Server h2 = tcpServer(port);
            try {
                String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/portcullis";
                Client client = new Client(start(config(Map.of("PORTCULLIS_DB_URL", url, "PORTCULLIS_KEK", kek()))).uri());
                Map<String, Object> pair = client.login(ALICE, ALICE_PASSWORD);
                // Concurrent requests, so the pool holds several connections when the server goes.
                assertThat(concurrently(8, () -> client.get("/common/HealthCheck", null).statusCode()))
                        .containsOnly(200);

                h2.stop();
                assertThat(client.get("/common/HealthCheck", null).statusCode()).isEqualTo(503);

                h2 = tcpServer(port);
                HttpResponse<String> first = client.get("/common/HealthCheck", null);
                assertThat(first.statusCode()).isEqualTo(200);
                assertThat(first.body()).isEqualTo("{\"status\":\"Healthy\"}");
                assertThat(client.refresh(pair.get("accessToken"), pair.get("refreshToken")).statusCode()).isEqualTo(200);
                assertThat(client.login(ALICE, ALICE_PASSWORD)).containsKey("accessToken");
            } finally {
                h2.stop();
            }
        }

        private Server tcpServer(int port) throws SQLException {
            return Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists", "-baseDir", dir.toString())
                    .start();
        }
    }

    /** Runs {@code call} on {@code n} threads released together, and returns what each returned. */
    private static <T> List<T> concurrently(int n, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
