package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.PortcullisException;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The real engine on the JDBC store: two {@code AuthService} instances ("nodes"), each with its
 * own connection pool and its own {@link JdbcStores}, sharing one PostgreSQL database and one
 * key-encryption key, as two processes of a cluster would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("two nodes on one PostgreSQL")
class TwoNodesEndToEndTest {

    static final PasswordHasher FAST = PasswordHasher.withParameters(64, 1, 1);
    static final ClientInfo CLIENT = new ClientInfo("192.0.2.50", "EndToEnd/1.0");

    private Backend backend;
    private HikariDataSource secondPool;
    private Stores storesA;
    private Stores storesB;
    private final MutableClock clock = MutableClock.start();
    private final List<AuthService> services = new ArrayList<>();

    @BeforeAll
    void start() {
        backend = Backend.of(Backend.Kind.POSTGRESQL, 40);
        secondPool = Backend.pool(backend.url, 40);
        storesA = backend.jdbc.stores();
        storesB = JdbcStores.create(secondPool, backend.kek).stores();
    }

    @AfterAll
    void stop() {
        services.forEach(AuthService::close);
        secondPool.close();
        backend.close();
    }

    AuthService node(Stores stores, AuthSettings settings) {
        AuthService s = Portcullis.builder().stores(stores).clock(clock).settings(settings).passwordHasher(FAST)
                .startCleanupJob(false).build();
        services.add(s);
        return s;
    }

    /** A new user with password "pw"; returns the username. */
    String newUser() {
        String name = "user-" + UUID.randomUUID();
        storesA.users().create(new UserRecord(UUID.randomUUID().toString(), name, FAST.hash("pw"), Set.of("reader"), true));
        return name;
    }

    static ErrorCode codeOf(Runnable call) {
        PortcullisException e = catchThrowableOfType(PortcullisException.class, call::run);
        assertThat(e).as("expected a Portcullis exception").isNotNull();
        return e.code();
    }

    @Nested
    @DisplayName("with default settings")
    class Defaults {

        final AuthSettings settings = AuthSettings.defaults();
        final AuthService a = node(storesA, settings);
        final AuthService b = node(storesB, settings);

        @Test
        @DisplayName("a login on one node is validated and refreshed on the other, and back")
        void crossNode() {
            String user = newUser();
            TokenPair first = a.login(new PasswordCredential(user, "pw"), CLIENT);
            AuthPrincipal onB = b.validate(first.accessToken());
            assertThat(onB.username()).isEqualTo(user);
            assertThat(onB.sessionId()).isEqualTo(first.sessionId());

            clock.advance(Duration.ofMinutes(1));
            TokenPair second = b.refresh(first.accessToken(), first.refreshToken(), CLIENT);
            assertThat(second.sessionId()).isEqualTo(first.sessionId());
            assertThat(a.validate(second.accessToken()).sessionId()).isEqualTo(first.sessionId());

            clock.advance(Duration.ofMinutes(1));
            TokenPair third = a.refresh(second.accessToken(), second.refreshToken(), CLIENT);
            assertThat(b.sessions(onB.userId())).extracting(Session::id).containsExactly(first.sessionId());
            assertThat(b.sessions(onB.userId()).get(0).refreshCount()).isEqualTo(2);
            assertThat(third.refreshToken()).isNotEqualTo(second.refreshToken());
        }

        @Test
        @DisplayName("a logout on one node is refused on the other once its session-status TTL has passed")
        void revocationReachesOtherNode() {
            String user = newUser();
            TokenPair pair = a.login(new PasswordCredential(user, "pw"), CLIENT);
            b.validate(pair.accessToken()); // node B now holds the session's status in its cache

            a.logout(a.validate(pair.accessToken()), CLIENT);
            assertThat(codeOf(() -> a.validate(pair.accessToken()))).isEqualTo(ErrorCode.TOKEN_REVOKED);

            clock.advance(settings.sessionStatusTtl());
            assertThat(codeOf(() -> b.validate(pair.accessToken()))).isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(codeOf(() -> b.refresh(pair.accessToken(), pair.refreshToken(), CLIENT)))
                    .isIn(ErrorCode.TOKEN_REVOKED, ErrorCode.REFRESH_TOKEN_INVALID);
        }

        @Test
        @DisplayName("64 concurrent refreshes of one token across both nodes, 10 times: one rotation, one successor, the session lives")
        void graceRace() throws Exception {
            String user = newUser();
            for (int round = 0; round < 10; round++) {
                TokenPair pair = a.login(new PasswordCredential(user, "pw"), CLIENT);
                Map<Object, Integer> outcomes = race(pair, a, b);
                Set<String> successors = new HashSet<>();
                outcomes.keySet().forEach(o -> {
                    if (o instanceof String refresh) {
                        successors.add(refresh);
                    }
                });
                assertThat(successors).as("one successor lineage").hasSize(1);
                assertThat(outcomes.keySet()).allMatch(o -> o instanceof String || o == ErrorCode.REFRESH_CONFLICT);
                Session s = storesB.sessions().find(pair.sessionId()).orElseThrow();
                assertThat(s.refreshCount()).isEqualTo(1);
                assertThat(s.revokedAt()).isEmpty();
                clock.advance(Duration.ofMinutes(1));
            }
        }
    }

    @Nested
    @DisplayName("in strict mode (no grace window)")
    class Strict {

        final AuthSettings settings = AuthSettings.builder().refreshGraceWindow(Duration.ZERO).build();
        final AuthService a = node(storesA, settings);
        final AuthService b = node(storesB, settings);

        @Test
        @DisplayName("64 concurrent refreshes of one token across both nodes, 10 times: exactly one succeeds")
        void strictRace() throws Exception {
            String user = newUser();
            for (int round = 0; round < 10; round++) {
                TokenPair pair = a.login(new PasswordCredential(user, "pw"), CLIENT);
                Map<Object, Integer> outcomes = race(pair, a, b);
                int successes = outcomes.entrySet().stream().filter(e -> e.getKey() instanceof String)
                        .mapToInt(Map.Entry::getValue).sum();
                assertThat(successes).as("winners in round %d", round).isEqualTo(1);
                assertThat(outcomes.keySet()).filteredOn(o -> !(o instanceof String))
                        .containsOnly(ErrorCode.REFRESH_TOKEN_REUSED);
                Session s = storesA.sessions().find(pair.sessionId()).orElseThrow();
                assertThat(s.refreshCount()).isEqualTo(1);
                assertThat(s.revocationReason()).contains(RevocationReason.REFRESH_TOKEN_REUSED);
                clock.advance(Duration.ofMinutes(1));
            }
        }
    }

    /** 64 threads, half on each node, refresh {@code pair} at once; outcome (refresh token or error code) → count. */
    private Map<Object, Integer> race(TokenPair pair, AuthService a, AuthService b) throws Exception {
        int threads = 64;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                AuthService node = t % 2 == 0 ? a : b;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    try {
                        return node.refresh(pair.accessToken(), pair.refreshToken(), CLIENT).refreshToken();
                    } catch (AuthException e) {
                        return e.code();
                    }
                }));
            }
            ready.await();
            go.countDown();
            Map<Object, Integer> outcomes = new HashMap<>();
            for (Future<Object> f : futures) {
                outcomes.merge(f.get(60, TimeUnit.SECONDS), 1, Integer::sum);
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The pool reconnects on its own schedule (HikariCP retries in the background), so the first
     * health checks after the database returns may still fail, always as STORE_UNAVAILABLE.
     */
    private static void awaitHealthy(AuthService node) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                node.checkHealth();
                return;
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    @Test
    @DisplayName("with the database down, login, validation and refresh fail with STORE_UNAVAILABLE; after it returns, the session is still there")
    void databaseDown() throws Exception {
        Path dir = TempDirs.create("portcullis-e2e-down-");
        try (RestartTest.EmbeddedPg server = new RestartTest.EmbeddedPg(dir, RestartTest.freePort())) {
            server.start();
            try (HikariDataSource ds = Backend.pool(server.url(), 8, c -> c.setConnectionTimeout(500))) {
                JdbcStores jdbc = JdbcStores.create(ds, backend.kek);
                jdbc.migrate();
                MutableClock own = MutableClock.start();
                AuthSettings settings = AuthSettings.defaults();
                try (AuthService node = Portcullis.builder().stores(jdbc.stores()).clock(own).settings(settings)
                        .passwordHasher(FAST).startCleanupJob(false).build()) {
                    jdbc.stores().users().create(new UserRecord("u1", "carol", FAST.hash("pw"), Set.of(), true));
                    TokenPair pair = node.login(new PasswordCredential("carol", "pw"), CLIENT);
                    node.validate(pair.accessToken());

                    server.stop();
                    own.advance(settings.sessionStatusTtl()); // past what the node may answer from its cache
                    assertThat(codeOf(() -> node.login(new PasswordCredential("carol", "pw"), CLIENT)))
                            .isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(codeOf(() -> node.validate(pair.accessToken()))).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(codeOf(() -> node.refresh(pair.accessToken(), pair.refreshToken(), CLIENT)))
                            .isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThatThrownBy(node::checkHealth).isInstanceOf(StoreUnavailableException.class);

                    server.start();
                    awaitHealthy(node);
                    assertThat(node.validate(pair.accessToken()).sessionId()).isEqualTo(pair.sessionId());
                    TokenPair next = node.refresh(pair.accessToken(), pair.refreshToken(), CLIENT);
                    assertThat(next.sessionId()).isEqualTo(pair.sessionId());
                    assertThat(node.login(new PasswordCredential("carol", "pw"), CLIENT).sessionId())
                            .isNotEqualTo(pair.sessionId());
                }
            }
        }
    }
}
