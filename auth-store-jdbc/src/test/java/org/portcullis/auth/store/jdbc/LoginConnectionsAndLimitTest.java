package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.Credential;
import org.portcullis.auth.api.CredentialVerifier;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.Identity;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.SessionLimitPolicy;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.tck.MutableClock;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Review of the login path that now writes a success in one transaction (issue #15), on real
 * databases: the credential check (where Argon2 runs) holds no pooled connection, on a failure or a success; a failed login's counts are committed although the login throws; and on one node the
 * per-user session limit holds for simultaneous logins of one user, now that the session is
 * written inside the username's turn.
 */
@DisplayName("a login on the JDBC store: connections, failure counts and the session limit")
class LoginConnectionsAndLimitTest {

    private final MutableClock clock = MutableClock.start();

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_MEMORY", "POSTGRESQL"})
    @DisplayName("no connection is held while the credential is checked; a failure's counts are committed")
    void noConnectionDuringTheCheck(Backend.Kind kind) {
        try (Backend b = Backend.of(kind, 4);
             HikariDataSource listener = Backend.pool(b.url, 1)) {
            // The revocation feed (PostgreSQL) listens on a pool of its own, so that every connection
            // in use in the stores' pool is one a store call holds.
            Stores stores = JdbcStores.builder(b.dataSource, b.kek).listenerDataSource(listener).build().stores();
            List<Integer> activeDuringCheck = new CopyOnWriteArrayList<>();
            CredentialVerifier verifier = new CredentialVerifier() {
                @Override
                public Identity verify(Credential credential) {
                    activeDuringCheck.add(b.dataSource.getHikariPoolMXBean().getActiveConnections());
                    PasswordCredential pc = (PasswordCredential) credential;
                    if (!pc.password().equals("right")) {
                        throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, "bad_password");
                    }
                    return new Identity("u-1", "alice", Set.of("user"), Map.of());
                }

                @Override
                public boolean isStillAllowed(String userId) {
                    return true;
                }
            };
            try (AuthService auth = Portcullis.builder().stores(stores).clock(clock)
                    .settings(AuthSettings.defaults()).credentialVerifier(verifier).startCleanupJob(false).build()) {
                assertThatThrownBy(() -> auth.login(new PasswordCredential("alice", "wrong"), TwoNodesEndToEndTest.CLIENT))
                        .isInstanceOf(AuthException.class);
                // Committed although the login threw: one failure under each of its counters.
                Map<String, Integer> counted = failures(b);
                assertThat(counted.entrySet()).filteredOn(e -> e.getKey().startsWith("user:")
                        || e.getKey().startsWith("ip:") || e.getKey().startsWith("pair:")
                        || e.getKey().startsWith("account:")).hasSize(4).allSatisfy(e -> assertThat(e.getValue()).isEqualTo(1));

                assertThat(auth.login(new PasswordCredential("alice", "right"), TwoNodesEndToEndTest.CLIENT).sessionId())
                        .isNotEmpty();
                assertThat(activeDuringCheck).hasSize(2).containsOnly(0);
                // The success ended the pair's and the account's run; the source's and the username's stay.
                assertThat(failures(b).keySet()).noneMatch(k -> k.startsWith("pair:") || k.startsWith("account:"))
                        .anyMatch(k -> k.startsWith("user:")).anyMatch(k -> k.startsWith("ip:"));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SessionLimitPolicy.class)
    @DisplayName("on PostgreSQL, eight simultaneous logins of one user on one node leave at most the limit of sessions")
    void limitHoldsOnOneNode(SessionLimitPolicy policy) throws Exception {
        try (Backend b = Backend.of(Backend.Kind.POSTGRESQL, 8)) {
            Stores stores = b.jdbc.stores();
            UserRecord user = new UserRecord(UUID.randomUUID().toString(), "bob-" + UUID.randomUUID(),
                    TwoNodesEndToEndTest.FAST.hash("pw"), Set.of("user"), true);
            stores.users().create(user);
            AuthSettings settings = AuthSettings.defaults().toBuilder().maxSessionsPerUser(2, policy).build();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try (AuthService auth = Portcullis.builder().stores(stores).clock(clock).settings(settings)
                    .passwordHasher(TwoNodesEndToEndTest.FAST).startCleanupJob(false).build()) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> logins = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    logins.add(pool.submit(() -> {
                        go.await();
                        try {
                            return auth.login(new PasswordCredential(user.username(), "pw"), TwoNodesEndToEndTest.CLIENT)
                                    .sessionId();
                        } catch (AuthException e) {
                            return e.code().name();
                        }
                    }));
                }
                go.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<String> login : logins) {
                    outcomes.add(login.get(120, TimeUnit.SECONDS));
                }
                // Refusals are the policy's (REJECT) or a turn not come in time (THROTTLED, "busy"): never a store error.
                assertThat(outcomes).allSatisfy(o -> assertThat(o).isNotIn(ErrorCode.STORE_UNAVAILABLE.name()));
                assertThat(outcomes).filteredOn(o -> !o.equals(ErrorCode.SESSION_LIMIT_REACHED.name())
                        && !o.equals(ErrorCode.THROTTLED.name())).isNotEmpty();
                assertThat(stores.sessions().countActiveByUser(user.id(), clock.instant())).isBetween(1, 2);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Map<String, Integer> failures(Backend b) {
        return Jdbi.create(b.dataSource).withHandle(h -> h.createQuery("SELECT attempt_key, failures FROM portcullis_attempts")
                .setMapKeyColumn("attempt_key").setMapValueColumn("failures")
                .collectInto(new org.jdbi.v3.core.generic.GenericType<Map<String, Integer>>() { }));
    }
}
