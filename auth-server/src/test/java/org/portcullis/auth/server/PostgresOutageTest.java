package org.portcullis.auth.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.server.Client.json;
import static org.portcullis.auth.server.TestUsers.ALICE;
import static org.portcullis.auth.server.TestUsers.ALICE_PASSWORD;
import static org.portcullis.auth.server.TestUsers.BOB;
import static org.portcullis.auth.server.TestUsers.BOB_PASSWORD;

/**
 * PostgreSQL stops while the server is busy, and later starts again on the same data directory
 * and port: meanwhile every answer that needs the database is a 503 {@code STORE_UNAVAILABLE}
 * with {@code Retry-After} and nothing is authenticated on a session status this node does not
 * hold; afterwards the same server process, its pool recovered, gives full service.
 */
@DisplayName("PostgreSQL stopped under load, then started again")
class PostgresOutageTest {

    private static final int LOAD_THREADS = 3;

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private EmbeddedPostgres postgres(Path data, int port) throws IOException {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("fsync", "off").start();
        toClose.add(pg);
        return pg;
    }

    @Test
    @DisplayName("answers 503 STORE_UNAVAILABLE with Retry-After meanwhile, authenticates nothing it cannot check, and recovers without a restart")
    void outage() throws Exception {
        Path data = dir.resolve("pg");
        int port = freePort();
        EmbeddedPostgres pg = postgres(data, port);
        PortcullisServer server = OnPostgres.start(pg, dir, clock);
        toClose.add(server);
        Client client = new Client(server.uri());
        Map<String, Object> alice = client.login(ALICE, ALICE_PASSWORD);
        String aliceToken = (String) alice.get("accessToken");

        Load load = new Load(client, aliceToken);
        try {
            load.start();
            assertThat(load.served.await(60, TimeUnit.SECONDS)).as("the load is running").isTrue();

            pg.close(); // pg_ctl stop: the database goes away under the load
            assertThat(load.refused.await(60, TimeUnit.SECONDS)).as("the load meets the outage").isTrue();

            // Everything that needs the database is refused, with a hint when to come back.
            assertUnavailable(client.post("/user/login", null,
                    "{\"username\":\"" + BOB + "\",\"password\":\"" + BOB_PASSWORD + "\"}"));
            assertUnavailable(client.refresh(aliceToken, alice.get("refreshToken")));
            assertUnavailable(client.post("/user/logout", aliceToken, null));
            HttpResponse<String> health = client.get("/common/HealthCheck", null);
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).isEqualTo("{\"status\":\"Unhealthy\"}");

            // A session status this node read less than session-status-ttl ago is still trusted
            // (the documented staleness bound, docs/security.md); past it, the status must be read
            // again, cannot be, and validation fails closed.
            assertThat(client.get("/user/me", aliceToken).statusCode()).isEqualTo(200);
            // The load stops first: its threads validate the same session, and while the status
            // must be read again each such read holds that session's cache entry for a pool
            // timeout (3 s); this test's own request could wait behind them without bound.
            load.stop();
            clock.advance(AuthSettings.defaults().sessionStatusTtl().plus(Duration.ofSeconds(1)));
            assertUnavailable(client.get("/user/me", aliceToken));
            assertUnavailable(client.get("/user/sessions", aliceToken));
        } finally {
            load.stop();
        }
        assertThat(load.statuses.keySet()).as("every answer under load was one of these, never a 500")
                .isSubsetOf(200, 401, 429, 503).contains(200, 503);
        assertThat(load.withoutRetryAfter.get()).as("503s without Retry-After").isZero();

        // The database starts again on the same data; the same server process serves in full. The
        // pool re-opens connections with HikariCP's growing pause between attempts (a few seconds at
        // most), so the first checks may still be 503s: a bounded number of real requests, no sleep.
        postgres(data, port);
        HttpResponse<String> healthy = client.get("/common/HealthCheck", null);
        for (int attempt = 1; attempt < 20 && healthy.statusCode() == 503; attempt++) {
            healthy = client.get("/common/HealthCheck", null);
        }
        assertThat(healthy.statusCode()).as("healthy again without a restart").isEqualTo(200);
        assertThat(healthy.body()).isEqualTo("{\"status\":\"Healthy\"}");
        HttpResponse<String> refreshed = client.refresh(aliceToken, alice.get("refreshToken"));
        assertThat(refreshed.statusCode()).as("the session from before the outage refreshes").isEqualTo(200);
        assertThat(client.get("/user/me", (String) json(refreshed).get("accessToken")).statusCode()).isEqualTo(200);
        assertThat(client.login(BOB, BOB_PASSWORD)).containsKey("accessToken");
        assertThat(client.post("/user/logout", (String) json(refreshed).get("accessToken"), null).statusCode()).isEqualTo(204);
    }

    private static void assertUnavailable(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(json(r)).containsEntry("code", "STORE_UNAVAILABLE");
        assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
    }

    /** Threads that validate, refresh-probe and log in without pause until stopped, counting every status. */
    private static final class Load {
        final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final AtomicInteger withoutRetryAfter = new AtomicInteger();
        final CountDownLatch served = new CountDownLatch(LOAD_THREADS * 5);
        final CountDownLatch refused = new CountDownLatch(1);
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService pool = Executors.newFixedThreadPool(LOAD_THREADS);
        private final List<Future<?>> running = new ArrayList<>();
        private final Client client;
        private final String token;

        Load(Client client, String token) {
            this.client = client;
            this.token = token;
        }

        void start() {
            for (int t = 0; t < LOAD_THREADS; t++) {
                int kind = t;
                running.add(pool.submit(() -> {
                    while (!stop.get()) {
                        HttpResponse<String> r = switch (kind) {
                            case 0 -> client.get("/user/me", token);
                            // Its own username: a login of a username another login is serialised
                            // behind waits at most a second and then answers 429 "busy", which the
                            // assertions on bob's logins must not meet.
                            case 1 -> client.post("/user/login", null, "{\"username\":\"load-only\",\"password\":\"wrong\"}");
                            default -> client.get("/user/sessions", token);
                        };
                        record(r);
                    }
                    return null;
                }));
            }
        }

        private void record(HttpResponse<String> r) {
            statuses.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
            if (r.statusCode() == 503) {
                if (r.headers().firstValue("Retry-After").isEmpty()) {
                    withoutRetryAfter.incrementAndGet();
                }
                refused.countDown();
            } else {
                served.countDown();
            }
        }

        void stop() throws Exception {
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            for (Future<?> f : running) {
                f.get(); // a load thread's own failure fails the test
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
