package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.tools.Server;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.Stores;

/**
 * The database goes away in the middle of a run and comes back: while it is down every store
 * call fails with {@link StoreUnavailableException} (never a raw exception, never a success),
 * and once it is back everything works again with no session lost. A writer thread keeps
 * logging in throughout; every login it saw succeed is there afterwards, with its audit event.
 */
@DisplayName("a database restarted mid-run")
class RestartTest {

    private static final Instant NOW = Instant.parse("2026-04-01T08:00:00Z");

    /** A database server the test can stop and start again on the same data and port. */
    interface Restartable extends AutoCloseable {
        String url();

        void stop() throws Exception;

        void start() throws Exception;

        @Override
        void close() throws IOException;
    }

    @Test
    @DisplayName("PostgreSQL (the embedded server stopped, then started on its data directory and port): fails closed while down, serves every session after")
    void postgres() throws Exception {
        Path dir = TempDirs.create("portcullis-pg-restart-");
        int port = freePort();
        try (EmbeddedPg server = new EmbeddedPg(dir, port)) {
            server.start();
            exercise(server, Backend.pool(server.url(), 4));
        }
    }

    @Test
    @DisplayName("H2 (a file database behind H2's TCP server, stopped and started): fails closed while down, serves every session after")
    void h2() throws Exception {
        Path dir = TempDirs.create("portcullis-h2-restart-");
        int port = freePort();
        try (H2Tcp server = new H2Tcp(dir, port)) {
            server.start();
            // HikariCP evicts a connection on SQLState 08xxx; H2 reports a broken link with its own codes.
            exercise(server, Backend.pool(server.url(), 4, c -> c.setExceptionOverride(new EvictBrokenH2Connections())));
        }
    }

    private static void exercise(Restartable server, HikariDataSource ds) throws Exception {
        try (ds) {
            ds.setConnectionTimeout(500);
            JdbcStores jdbc = JdbcStores.create(ds, Backend.newKek());
            jdbc.migrate();
            Stores stores = jdbc.stores();

            // Sessions made before the outage; every other one refreshed once.
            Map<String, String> currentHash = new ConcurrentHashMap<>();
            Map<String, Long> refreshCount = new LinkedHashMap<>();
            for (int i = 0; i < 40; i++) {
                String hash = UUID.randomUUID().toString();
                Session s = login(stores, hash);
                if (i % 2 == 0) {
                    String next = UUID.randomUUID().toString();
                    assertThat(stores.sessions().rotate(s.id(), hash, next, NOW.plusSeconds(1), NOW.plus(Duration.ofHours(2))))
                            .isEqualTo(RotationResult.ROTATED);
                    hash = next;
                }
                currentHash.put(s.id(), hash);
                refreshCount.put(s.id(), i % 2 == 0 ? 1L : 0L);
            }

            // A writer that keeps logging in across the outage.
            AtomicBoolean running = new AtomicBoolean(true);
            Queue<String> succeeded = new ConcurrentLinkedQueue<>();
            Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            CountDownLatch failedWhileDown = new CountDownLatch(1);
            AtomicReference<CountDownLatch> succeededAfterRestart = new AtomicReference<>(new CountDownLatch(0));
            Thread writer = new Thread(() -> {
                while (running.get()) {
                    String hash = UUID.randomUUID().toString();
                    try {
                        Session s = login(stores, hash);
                        succeeded.add(s.id());
                        currentHash.put(s.id(), hash);
                        succeededAfterRestart.get().countDown();
                    } catch (StoreUnavailableException e) {
                        failedWhileDown.countDown();
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }
            }, "writer");
            writer.start();

            server.stop();
            assertThat(failedWhileDown.await(30, TimeUnit.SECONDS)).as("the writer noticed the outage").isTrue();

            String sid = refreshCount.keySet().iterator().next();
            String hash = currentHash.get(sid);
            AuditLog audit = jdbc.auditLog();
            for (Runnable call : new Runnable[] {
                () -> stores.sessions().find(sid),
                () -> stores.sessions().findByRefreshTokenHash(hash),
                () -> stores.sessions().rotate(sid, hash, "x", NOW.plusSeconds(5), NOW.plus(Duration.ofHours(3))),
                () -> stores.sessions().revoke(sid, RevocationReason.LOGOUT, NOW),
                () -> stores.sessions().findActiveByUser("u", NOW),
                () -> stores.sessions().ping(),
                () -> stores.users().findByUsername("alice"),
                () -> stores.attempts().recordFailure("user:alice", NOW, Duration.ofMinutes(15)),
                () -> stores.signingKeys().findAll(),
                () -> audit.query(AuditQuery.all()),
                () -> login(stores, UUID.randomUUID().toString()),
            }) {
                assertThatThrownBy(call::run).isInstanceOf(StoreUnavailableException.class);
            }

            succeededAfterRestart.set(new CountDownLatch(1));
            server.start();
            assertThat(succeededAfterRestart.get().await(30, TimeUnit.SECONDS)).as("the writer recovered").isTrue();
            running.set(false);
            writer.join(30_000);
            assertThat(unexpected).isEmpty();

            // Nothing lost: every session that was reported created is there, with its current token.
            assertThat(succeeded).isNotEmpty();
            for (Map.Entry<String, String> e : currentHash.entrySet()) {
                RefreshTokenMatch m = stores.sessions().findByRefreshTokenHash(e.getValue()).orElseThrow();
                assertThat(m.session().id()).isEqualTo(e.getKey());
                assertThat(m.state()).isEqualTo(RefreshTokenMatch.State.CURRENT);
            }
            refreshCount.forEach((id, count) ->
                    assertThat(stores.sessions().find(id).orElseThrow().refreshCount()).isEqualTo(count));
            for (String id : succeeded) {
                assertThat(audit.query(AuditQuery.all().forUser(stores.sessions().find(id).orElseThrow().userId())).events())
                        .extracting(AuditEvent::sessionId).containsExactly(Optional.of(id));
            }
            // Full service: the pre-outage session refreshes, and the one the outage interrupted still can.
            assertThat(stores.sessions().rotate(sid, hash, UUID.randomUUID().toString(), NOW.plusSeconds(9),
                    NOW.plus(Duration.ofHours(3)))).isEqualTo(RotationResult.ROTATED);
            assertThat(stores.sessions().revoke(sid, RevocationReason.LOGOUT, NOW.plusSeconds(10))).isTrue();
        }
    }

    static Session login(Stores stores, String hash) {
        Session s = Session.start(UUID.randomUUID().toString(), "u-" + UUID.randomUUID(), "alice", Set.of("user"), NOW,
                NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(1)), ClientInfo.ofIp("192.0.2.9"));
        stores.transactions().inTransaction(() -> {
            stores.sessions().create(s, hash);
            stores.audit().record(AuditEvent.builder(AuditEventType.LOGIN_SUCCEEDED, NOW).user(s.userId(), "alice")
                    .session(s.id()).build());
            return null;
        });
        return s;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Zonky's server, closed (pg_ctl stop, fast mode) and started again on the same directory and port. */
    static final class EmbeddedPg implements Restartable {
        private final Path dir;
        private final int port;
        private EmbeddedPostgres pg;

        EmbeddedPg(Path dir, int port) {
            this.dir = dir;
            this.port = port;
        }

        @Override
        public String url() {
            return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
        }

        @Override
        public void start() throws IOException {
            pg = EmbeddedPostgres.builder().setDataDirectory(dir).setPort(port).setCleanDataDirectory(false).start();
        }

        @Override
        public void stop() throws IOException {
            pg.close();
            pg = null;
        }

        @Override
        public void close() throws IOException {
            if (pg != null) {
                pg.close();
            }
            TempDirs.delete(dir);
        }
    }

    /** H2's TCP server over a file database; stopping it closes every connection and the database. */
    static final class H2Tcp implements Restartable {
        private final Path dir;
        private final int port;
        private Server tcp;

        H2Tcp(Path dir, int port) {
            this.dir = dir;
            this.port = port;
        }

        @Override
        public String url() {
            return "jdbc:h2:tcp://localhost:" + port + "/portcullis;LOCK_TIMEOUT=10000";
        }

        @Override
        public void start() throws SQLException {
            tcp = Server.createTcpServer("-tcpPort", String.valueOf(port), "-baseDir", dir.toString(), "-ifNotExists").start();
        }

        @Override
        public void stop() {
            tcp.stop();
        }

        @Override
        public void close() {
            tcp.stop();
            TempDirs.delete(dir);
        }
    }

    /** Evicts pooled H2 connections whose link broke (H2 error codes 90067 and 90007). */
    public static final class EvictBrokenH2Connections implements SQLExceptionOverride {
        @java.lang.Override
        public SQLExceptionOverride.Override adjudicate(SQLException e) {
            int code = e.getErrorCode();
            return code == 90067 || code == 90007 || code == 90098 || code == 90121
                    ? SQLExceptionOverride.Override.MUST_EVICT : SQLExceptionOverride.Override.CONTINUE_EVICT;
        }
    }
}
