package org.portcullis.auth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.client.example.FileTokenHolder;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The client against the real standalone server on loopback, with an H2 file database. Server and
 * client read one {@link MutableClock} that the tests move, so token lifetimes pass without waiting.
 * The server's clock skew is zero, so a token presented one instant after its expiry is refused.
 */
@DisplayName("AuthClient against the standalone server")
class ClientAgainstServerTest {

    static final String USER = TestServer.USER;
    static final String PASSWORD = TestServer.PASSWORD;
    static final Duration LIFETIME = TestServer.ACCESS_TOKEN_LIFETIME;

    @TempDir
    Path dir;

    MutableClock clock;
    TestServer server;
    AuthClient client;
    final HttpClient raw = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        clock = MutableClock.startingAt(Instant.parse("2026-03-01T08:00:00Z"));
        server = TestServer.start(dir.resolve("server"), clock);
        client = clientWith(TokenHolder.inMemory());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    AuthClient clientWith(TokenHolder holder) {
        return AuthClient.builder(server.baseUri()).clock(clock).tokenHolder(holder).build();
    }

    /** The status the server gives a plain request with this access token, bypassing the client. */
    int statusOf(String path, String accessToken) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.baseUri().resolve(path))
                .header("Authorization", "Bearer " + accessToken).GET().build();
        return raw.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Nested
    @DisplayName("logging in")
    class LoggingIn {

        @Test
        @DisplayName("login holds the tokens, and me() names the user and the session")
        void login() {
            Tokens tokens = client.login(USER, PASSWORD);
            assertThat(client.tokens()).contains(tokens);
            UserInfo me = client.me();
            assertThat(me.username()).isEqualTo(USER);
            assertThat(me.sessionId()).isEqualTo(tokens.sessionId());
            assertThat(tokens.lifetime()).isEqualTo(LIFETIME);
        }

        @Test
        @DisplayName("a wrong password is INVALID_CREDENTIALS with status 401, not a session-gone exception")
        void wrongPassword() {
            assertThatThrownBy(() -> client.login(USER, "wrong"))
                    .isExactlyInstanceOf(AuthClientException.class)
                    .satisfies(e -> {
                        AuthClientException a = (AuthClientException) e;
                        assertThat(a.code()).isEqualTo("INVALID_CREDENTIALS");
                        assertThat(a.status()).isEqualTo(401);
                        assertThat(a.getMessage()).doesNotContain("wrong");
                    });
            assertThat(client.tokens()).isEmpty();
        }

        @Test
        @DisplayName("repeated wrong passwords are THROTTLED, with the server's Retry-After")
        void throttled() {
            AuthClientException last = null;
            for (int i = 0; i < 10 && (last == null || !"THROTTLED".equals(last.code())); i++) {
                try {
                    client.login(USER, "wrong-" + i);
                } catch (AuthClientException e) {
                    last = e;
                }
            }
            assertThat(last).isNotNull();
            assertThat(last.code()).isEqualTo("THROTTLED");
            assertThat(last.status()).isEqualTo(429);
            assertThat(last.retryAfter()).hasValueSatisfying(d -> assertThat(d).isPositive());
            assertThat(last.isRetryable()).isTrue();
        }

        @Test
        @DisplayName("the holder keeps the login's device token across a logout, and the next login presents it: the client is a known device, let in while its account is under attack")
        void deviceToken() {
            TokenHolder holder = TokenHolder.inMemory();
            AuthClient mine = clientWith(holder);
            mine.login(USER, PASSWORD);
            String device = holder.deviceToken().orElseThrow();
            mine.logout();
            assertThat(holder.get()).isEmpty();
            assertThat(holder.deviceToken()).contains(device);
            // Wrong passwords from this very address: an unknown device here now waits (its pair counter).
            AuthClient attacker = clientWith(TokenHolder.inMemory());
            for (int i = 0; i < 60; i++) {
                try {
                    attacker.login(USER, "wrong-" + i);
                } catch (AuthClientException expected) {
                    // INVALID_CREDENTIALS, then THROTTLED
                }
                clock.advance(Duration.ofSeconds(1));
            }
            assertThatThrownBy(() -> clientWith(TokenHolder.inMemory()).login(USER, PASSWORD))
                    .satisfies(e -> assertThat(((AuthClientException) e).code()).isEqualTo("THROTTLED"));
            assertThat(mine.login(USER, PASSWORD).sessionId()).isNotBlank();
            assertThat(holder.deviceToken()).contains(device);
        }

        @Test
        @DisplayName("sessions() lists the client's session and marks it current")
        void sessions() {
            Tokens mine = client.login(USER, PASSWORD);
            clientWith(TokenHolder.inMemory()).login(USER, PASSWORD);
            List<SessionInfo> sessions = client.sessions();
            assertThat(sessions).hasSize(2);
            assertThat(sessions).filteredOn(SessionInfo::current).singleElement()
                    .satisfies(s -> assertThat(s.id()).isEqualTo(mine.sessionId()));
        }

        @Test
        @DisplayName("revoking a session id that is not the user's is SESSION_NOT_FOUND with status 404")
        void revokeUnknown() {
            client.login(USER, PASSWORD);
            assertThatThrownBy(() -> client.revokeSession("no-such-session"))
                    .isInstanceOfSatisfying(AuthClientException.class, e -> {
                        assertThat(e.code()).isEqualTo("SESSION_NOT_FOUND");
                        assertThat(e.status()).isEqualTo(404);
                    });
            assertThat(client.tokens()).isPresent();
        }
    }

    @Nested
    @DisplayName("keeping the token fresh")
    class Refreshing {

        @Test
        @DisplayName("over five token lifetimes in 20-second steps, every token handed out is accepted by the server")
        void neverExpired() throws Exception {
            client.login(USER, PASSWORD);
            for (int step = 1; step <= 30; step++) {
                clock.advance(Duration.ofSeconds(20));
                String token = client.ensureValidToken();
                Tokens held = client.tokens().orElseThrow();
                assertThat(held.accessToken()).isEqualTo(token);
                // Valid for at least the margin: checked here because the server forgives 30 s of skew.
                assertThat(held.expiresAt()).as("step %d", step)
                        .isAfterOrEqualTo(clock.instant().plus(AuthClient.DEFAULT_REFRESH_MARGIN));
                assertThat(statusOf("user/me", token)).as("step %d", step).isEqualTo(200);
                assertThat(client.me().username()).isEqualTo(USER);
            }
            // Lifetime 120 s, margin 30 s: due 90 s after each refresh, so one refresh every 100 s.
            assertThat(server.audited(AuditEventType.TOKEN_REFRESHED)).isEqualTo(6);
            assertThat(server.audited(AuditEventType.REFRESH_FAILED)).isZero();
        }

        @Test
        @DisplayName("16 threads calling in lockstep over five token lifetimes share each refresh, and the server refuses none of their tokens")
        void concurrentLoop() throws Exception {
            client.login(USER, PASSWORD);
            int threads = 16;
            int steps = 30;
            // The barrier's action moves the clock while every thread is parked, so each step is one instant.
            CyclicBarrier step = new CyclicBarrier(threads, () -> clock.advance(Duration.ofSeconds(20)));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<Integer>>> results = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    results.add(pool.submit(() -> {
                        List<Integer> statuses = new ArrayList<>();
                        for (int s = 0; s < steps; s++) {
                            step.await(30, TimeUnit.SECONDS);
                            statuses.add(statusOf("user/me", client.ensureValidToken()));
                        }
                        return statuses;
                    }));
                }
                for (Future<List<Integer>> f : results) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).hasSize(steps).containsOnly(200);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(server.audited(AuditEventType.TOKEN_REFRESHED)).isEqualTo(6);
            assertThat(server.audited(AuditEventType.REFRESH_FAILED)).isZero();
        }

        @Test
        @DisplayName("64 threads asking for a token near expiry cause exactly one refresh at the server, and all get its token")
        void singleFlight() throws Exception {
            Tokens before = client.login(USER, PASSWORD);
            clock.advance(LIFETIME.minusSeconds(10));
            int threads = 64;
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    results.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return client.ensureValidToken();
                    }));
                }
                ready.await();
                go.countDown();
                Set<String> tokens = ConcurrentHashMap.newKeySet();
                for (Future<String> f : results) {
                    tokens.add(f.get(30, TimeUnit.SECONDS));
                }
                assertThat(server.audited(AuditEventType.TOKEN_REFRESHED)).isEqualTo(1);
                assertThat(server.audited(AuditEventType.REFRESH_FAILED)).isZero();
                assertThat(tokens).singleElement().isNotEqualTo(before.accessToken())
                        .isEqualTo(client.tokens().orElseThrow().accessToken());
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @DisplayName("ensureValidTokenAsync completes with a refreshed token once the held one is due")
        void async() throws Exception {
            Tokens before = client.login(USER, PASSWORD);
            clock.advance(LIFETIME.minusSeconds(5));
            String token = client.ensureValidTokenAsync().get(30, TimeUnit.SECONDS);
            assertThat(token).isNotEqualTo(before.accessToken());
            assertThat(statusOf("user/me", token)).isEqualTo(200);
        }

        @Test
        @DisplayName("when the server's clock runs ahead, its 401 makes the client refresh once and retry")
        void retryAfter401() throws Exception {
            MutableClock lagging = MutableClock.startingAt(clock.instant());
            AuthClient behind = AuthClient.builder(server.baseUri()).clock(lagging).build();
            behind.login(USER, PASSWORD);
            // Past the expiry and the server's 30-second clock skew, while the client's clock stands still.
            clock.advance(LIFETIME.plusMinutes(1));
            HttpResponse<String> r = behind.send(HttpRequest.newBuilder(server.baseUri().resolve("user/me")).GET(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(server.audited(AuditEventType.TOKEN_REFRESHED)).isEqualTo(1);
        }

        @Test
        @DisplayName("sendAsync follows the same rule: after a 401, one refresh and one retry")
        void asyncRetryAfter401() throws Exception {
            MutableClock lagging = MutableClock.startingAt(clock.instant());
            AuthClient behind = AuthClient.builder(server.baseUri()).clock(lagging).build();
            behind.login(USER, PASSWORD);
            clock.advance(LIFETIME.plusMinutes(1));
            HttpResponse<String> r = behind.sendAsync(HttpRequest.newBuilder(server.baseUri().resolve("user/me")).GET(),
                    HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(server.audited(AuditEventType.TOKEN_REFRESHED)).isEqualTo(1);
        }

        @Test
        @DisplayName("two processes sharing a token file: the one whose refresh loses the race (REFRESH_CONFLICT) takes the winner's tokens")
        void conflictPicksUpTheWinnersTokens() {
            Path file = dir.resolve("shared-tokens.properties");
            AuthClient first = clientWith(new FileTokenHolder(file));
            Tokens original = first.login(USER, PASSWORD);
            // The second process reads the file, and before its refresh request leaves, the first
            // process refreshes (through another server node, which cannot replay the answer).
            FileTokenHolder shared = new FileTokenHolder(file);
            AtomicBoolean raced = new AtomicBoolean();
            TokenHolder secondView = new TokenHolder() {
                @Override
                public Optional<Tokens> get() {
                    Optional<Tokens> read = shared.get();
                    if (raced.compareAndSet(false, true)) {
                        first.refresh();
                    }
                    return read;
                }

                @Override
                public void set(Tokens tokens) {
                    shared.set(tokens);
                }

                @Override
                public void clear() {
                    shared.clear();
                }
            };
            try (TestServer otherNode = server.secondNode()) {
                AuthClient second = AuthClient.builder(otherNode.baseUri()).clock(clock).tokenHolder(secondView).build();
                Tokens got = second.refresh();

                Tokens winners = first.tokens().orElseThrow();
                assertThat(winners.refreshToken()).isNotEqualTo(original.refreshToken());
                assertThat(got).isEqualTo(winners);
                assertThat(server.audited(AuditEventType.REFRESH_FAILED)).as("the conflict").isEqualTo(1);
                assertThat(server.audited(AuditEventType.REFRESH_TOKEN_REUSED)).isZero();
                assertThat(second.me().sessionId()).isEqualTo(original.sessionId());
            }
        }

        @Test
        @DisplayName("an explicit refresh rotates both tokens of the same session")
        void explicitRefresh() {
            Tokens before = client.login(USER, PASSWORD);
            Tokens after = client.refresh();
            assertThat(after.sessionId()).isEqualTo(before.sessionId());
            assertThat(after.accessToken()).isNotEqualTo(before.accessToken());
            assertThat(after.refreshToken()).isNotEqualTo(before.refreshToken());
            assertThat(client.tokens()).contains(after);
        }
    }

    @Nested
    @DisplayName("when the session is gone")
    class SessionGone {

        @Test
        @DisplayName("revoked from another session: SessionGoneException(TOKEN_REVOKED), tokens forgotten, login works again")
        void revokedElsewhere() {
            Tokens mine = client.login(USER, PASSWORD);
            AuthClient other = clientWith(TokenHolder.inMemory());
            other.login(USER, PASSWORD);
            other.revokeSession(mine.sessionId());

            assertThatThrownBy(client::me).isInstanceOfSatisfying(SessionGoneException.class,
                    e -> assertThat(e.code()).isEqualTo("TOKEN_REVOKED"));
            assertThat(client.tokens()).isEmpty();

            client.login(USER, PASSWORD);
            assertThat(client.me().username()).isEqualTo(USER);
        }

        @Test
        @DisplayName("revoked by the server side: the next refresh says TOKEN_REVOKED as a session-gone exception")
        void revokedByServer() {
            client.login(USER, PASSWORD);
            server.revokeAllSessionsOf(USER);
            assertThatThrownBy(client::refresh).isInstanceOfSatisfying(SessionGoneException.class,
                    e -> assertThat(e.code()).isEqualTo("TOKEN_REVOKED"));
            assertThat(client.tokens()).isEmpty();
            client.login(USER, PASSWORD);
            assertThat(client.me().username()).isEqualTo(USER);
        }

        @Test
        @DisplayName("a copied refresh token used by someone else first: the client's refresh reports REFRESH_TOKEN_REUSED")
        void reuse() {
            Tokens mine = client.login(USER, PASSWORD);
            TokenHolder thiefHolder = TokenHolder.inMemory();
            thiefHolder.set(mine);
            AuthClient thief = clientWith(thiefHolder);
            thief.refresh();
            clock.advance(TestServer.GRACE_WINDOW.plusSeconds(1));

            assertThatThrownBy(client::refresh).isInstanceOfSatisfying(SessionGoneException.class,
                    e -> assertThat(e.code()).isEqualTo("REFRESH_TOKEN_REUSED"));
            assertThat(client.tokens()).isEmpty();
            assertThatThrownBy(thief::me).isInstanceOf(SessionGoneException.class);
        }

        @Test
        @DisplayName("a session idle past its timeout: REFRESH_TOKEN_EXPIRED as a session-gone exception")
        void idleExpiry() {
            client.login(USER, PASSWORD);
            clock.advance(TestServer.IDLE_TIMEOUT.plusSeconds(1));
            assertThatThrownBy(client::ensureValidToken).isInstanceOfSatisfying(SessionGoneException.class,
                    e -> assertThat(e.code()).isEqualTo("REFRESH_TOKEN_EXPIRED"));
            assertThat(client.tokens()).isEmpty();
        }

        @Test
        @DisplayName("logout ends the session on the server: its access token is refused afterwards")
        void logout() throws Exception {
            Tokens mine = client.login(USER, PASSWORD);
            client.logout();
            assertThat(client.tokens()).isEmpty();
            assertThat(statusOf("user/me", mine.accessToken())).isEqualTo(401);
        }

        @Test
        @DisplayName("logoutAll ends every session of the user")
        void logoutAll() throws Exception {
            AuthClient other = clientWith(TokenHolder.inMemory());
            Tokens theirs = other.login(USER, PASSWORD);
            client.login(USER, PASSWORD);
            client.logoutAll();
            assertThat(client.tokens()).isEmpty();
            assertThat(statusOf("user/me", theirs.accessToken())).isEqualTo(401);
            assertThatThrownBy(other::me).isInstanceOf(SessionGoneException.class);
        }
    }

    @Nested
    @DisplayName("when the server goes away")
    class ServerAway {

        @Test
        @DisplayName("a restart on the same H2 file is survived: the new instance accepts the held tokens and refreshes them")
        void restart() throws Exception {
            Tokens before = client.login(USER, PASSWORD);
            server = server.restart();

            assertThat(client.me().sessionId()).isEqualTo(before.sessionId());
            assertThat(client.tokens()).contains(before);

            clock.advance(LIFETIME.minusSeconds(10));
            String fresh = client.ensureValidToken();
            assertThat(fresh).isNotEqualTo(before.accessToken());
            assertThat(statusOf("user/me", fresh)).isEqualTo(200);
        }

        @Test
        @DisplayName("while the server is down, a token not yet expired is still handed out, a call fails as unavailable, and the tokens are kept")
        void down() {
            Tokens before = client.login(USER, PASSWORD);
            server.close();
            clock.advance(LIFETIME.minusSeconds(10));

            assertThat(client.ensureValidToken()).isEqualTo(before.accessToken());
            assertThatThrownBy(client::me).isInstanceOfSatisfying(ServerUnavailableException.class,
                    e -> assertThat(e.code()).isEqualTo(AuthClientException.SERVER_UNREACHABLE));
            assertThat(client.tokens()).contains(before);

            server = server.restart();
            assertThat(client.me().username()).isEqualTo(USER);
        }

        @Test
        @DisplayName("a client restarted with a file-backed holder resumes its session without logging in")
        void clientRestart() {
            Path file = dir.resolve("tokens.properties");
            Tokens before = clientWith(new FileTokenHolder(file)).login(USER, PASSWORD);
            AuthClient restarted = clientWith(new FileTokenHolder(file));
            assertThat(restarted.me().sessionId()).isEqualTo(before.sessionId());
        }
    }

    @Test
    @DisplayName("toString of a logged-in client prints neither token")
    void redacted() {
        Tokens t = client.login(USER, PASSWORD);
        assertThat(client.toString()).doesNotContain(t.accessToken()).doesNotContain(t.refreshToken());
    }
}
