package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.Stores;

/**
 * Cleanup of 100,000 expired sessions, in batches of 1,000, while two threads keep logging in
 * (session plus audit event in one transaction) and refreshing, 20 logins released per batch.
 * Logins never fail or wait for the whole purge, every batch is bounded, and exactly the expired
 * sessions go. The timing is printed and appended to {@code target/purge-timing.txt}.
 */
@DisplayName("purging 100,000 expired sessions")
class PurgeUnderLoadTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final int EXPIRED = 100_000;
    private static final int BATCH = 1_000;
    private static final int LOGIN_THREADS = 2;
    private static final int LOGINS_PER_BATCH = 20;

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_FILE", "POSTGRESQL"})
    @DisplayName("goes in bounded batches while logins and refreshes continue unharmed")
    void purgeWhileLoggingIn(Backend.Kind kind) throws Exception {
        try (Backend backend = Backend.of(kind, 8)) {
            Stores stores = backend.jdbc.stores();
            Seeder.sessions(backend.dataSource, backend.jdbc.dialect(), "old", EXPIRED, 5_000,
                    NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(3)));

            AtomicBoolean purging = new AtomicBoolean(true);
            // Each batch lets LOGINS_PER_BATCH logins loose, to run while that batch runs: the load
            // overlaps every batch without the login threads starving the purge on a small machine.
            Semaphore permits = new Semaphore(0);
            Queue<String> loggedIn = new ConcurrentLinkedQueue<>();
            Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(LOGIN_THREADS);
            ExecutorService logins = Executors.newFixedThreadPool(LOGIN_THREADS);
            for (int t = 0; t < LOGIN_THREADS; t++) {
                logins.submit(() -> {
                    started.countDown();
                    while (purging.get()) {
                        try {
                            if (permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                                loginAndRefresh(stores, loggedIn);
                            }
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                });
            }
            started.await();

            long begin = System.nanoTime();
            long longestBatch = 0;
            int purged = 0;
            int batches = 0;
            List<Session> batch;
            do {
                permits.release(LOGINS_PER_BATCH);
                long b = System.nanoTime();
                batch = stores.sessions().purge(NOW, NOW.minus(Duration.ofDays(1)), BATCH);
                longestBatch = Math.max(longestBatch, System.nanoTime() - b);
                assertThat(batch.size()).isLessThanOrEqualTo(BATCH);
                purged += batch.size();
                batches++;
            } while (batch.size() == BATCH);
            long total = System.nanoTime() - begin;
            int loginsDuringPurge = loggedIn.size();
            purging.set(false);
            logins.shutdown();
            assertThat(logins.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            assertThat(errors).isEmpty();
            assertThat(purged).isEqualTo(EXPIRED);
            assertThat(loginsDuringPurge).isPositive();
            assertThat(countSessions(backend)).isEqualTo(loggedIn.size());
            assertThat(loggedIn).allSatisfy(id -> assertThat(stores.sessions().find(id)).isPresent());

            String line = String.format("%s: purged %,d expired sessions in %d batches of %,d in %d ms"
                            + " (longest batch %d ms) while %,d logins+refreshes completed%n", kind, purged, batches, BATCH,
                    TimeUnit.NANOSECONDS.toMillis(total), TimeUnit.NANOSECONDS.toMillis(longestBatch), loginsDuringPurge);
            System.out.print(line);
            record(line);
        }
    }

    private static void loginAndRefresh(Stores stores, Queue<String> loggedIn) {
        Session s = Session.start(UUID.randomUUID().toString(), "live-user", "alice", Set.of("user"), NOW,
                NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(1)), ClientInfo.ofIp("192.0.2.1"));
        String hash = UUID.randomUUID().toString();
        stores.transactions().inTransaction(() -> {
            stores.sessions().create(s, hash);
            stores.audit().record(AuditEvent.builder(AuditEventType.LOGIN_SUCCEEDED, NOW).user(s.userId(), "alice")
                    .session(s.id()).build());
            return null;
        });
        loggedIn.add(s.id());
        RotationResult r = stores.sessions().rotate(s.id(), hash, UUID.randomUUID().toString(), NOW.plusSeconds(1),
                NOW.plus(Duration.ofHours(2)));
        if (r != RotationResult.ROTATED) {
            throw new AssertionError("refresh during purge was " + r);
        }
    }

    private static long countSessions(Backend backend) throws Exception {
        try (Connection c = backend.dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM portcullis_sessions")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void record(String line) throws IOException {
        Files.writeString(Path.of("target", "purge-timing.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
