package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.core.internal.Digests;

/**
 * 64 threads refresh with the same refresh token at once, 200 times over. The store's atomic
 * rotate must let exactly one win each time, in both grace and strict mode.
 */
@DisplayName("concurrent refresh of one token")
class ConcurrencyTest {

    private static final int THREADS = 64;
    private static final int ROUNDS = 200;
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    /** What 64 simultaneous refreshes of one pair produced. */
    private record Round(List<TokenPair> successes, Map<ErrorCode, Integer> failures) {
    }

    private Round race(Fixture f, TokenPair pair) throws Exception {
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            results.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                try {
                    return f.auth.refresh(pair.accessToken(), pair.refreshToken(), Fixture.CLIENT);
                } catch (AuthException e) {
                    return e.code();
                }
            }));
        }
        ready.await();
        go.countDown();
        List<TokenPair> ok = new ArrayList<>();
        Map<ErrorCode, Integer> failed = new ConcurrentHashMap<>();
        for (Future<Object> r : results) {
            Object o = r.get(30, TimeUnit.SECONDS);
            if (o instanceof TokenPair p) {
                ok.add(p);
            } else {
                failed.merge((ErrorCode) o, 1, Integer::sum);
            }
        }
        return new Round(ok, failed);
    }

    private Fixture fixture(UnaryOperator<AuthSettings.Builder> s) {
        Fixture f = new Fixture(s);
        f.addUser("alice", "pw");
        return f;
    }

    @Test
    @DisplayName("with the grace window: exactly one rotation wins, losers get its pair or REFRESH_CONFLICT, the session lives on")
    void graceMode() throws Exception {
        try (Fixture f = fixture(b -> b)) {
            for (int round = 0; round < ROUNDS; round++) {
                TokenPair pair = f.login("alice", "pw");
                int refreshedBefore = f.events(AuditEventType.TOKEN_REFRESHED).size();
                Round r = race(f, pair);

                Set<String> successors = new java.util.HashSet<>();
                r.successes().forEach(p -> successors.add(p.refreshToken()));
                assertThat(successors).as("one successor lineage in round %d", round).hasSize(1);
                assertThat(r.successes().size() + r.failures().getOrDefault(ErrorCode.REFRESH_CONFLICT, 0))
                        .isEqualTo(THREADS);
                Session s = f.stores.sessions().find(pair.sessionId()).orElseThrow();
                assertThat(s.refreshCount()).isEqualTo(1);
                assertThat(s.revokedAt()).isEmpty();
                String successor = successors.iterator().next();
                assertThat(f.stores.sessions().findByRefreshTokenHash(Digests.sha256Base64Url(successor)))
                        .get().extracting(RefreshTokenMatch::state).isEqualTo(RefreshTokenMatch.State.CURRENT);
                long rotations = f.events(AuditEventType.TOKEN_REFRESHED).stream().skip(refreshedBefore)
                        .filter(e -> e.reason().startsWith("generation=")).count();
                assertThat(rotations).isEqualTo(1);
                f.clock.advance(Duration.ofMinutes(1));
            }
        }
    }

    @Test
    @DisplayName("in strict mode: exactly one rotation wins, every other request is reuse, and the session ends revoked")
    void strictMode() throws Exception {
        try (Fixture f = fixture(b -> b.refreshGraceWindow(Duration.ZERO))) {
            for (int round = 0; round < ROUNDS; round++) {
                TokenPair pair = f.login("alice", "pw");
                Round r = race(f, pair);
                assertThat(r.successes()).as("winners in round %d", round).hasSize(1);
                assertThat(r.failures()).containsOnlyKeys(ErrorCode.REFRESH_TOKEN_REUSED);
                Session s = f.stores.sessions().find(pair.sessionId()).orElseThrow();
                assertThat(s.refreshCount()).isEqualTo(1);
                assertThat(s.revocationReason()).contains(RevocationReason.REFRESH_TOKEN_REUSED);
                f.clock.advance(Duration.ofMinutes(1));
            }
        }
    }
}
