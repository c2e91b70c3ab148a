package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * The purge finds every session through {@code purge_check_at}, so an expired or long-revoked
 * session is found only while its check time is at or before its expiry. This drives the store
 * through every write it has (create, rotate, revoke, revokeAll, purge) in a seeded random order,
 * with the clock sometimes going backwards (a node whose clock is behind) and the idle timeout
 * changing between rotations (settings changed between restarts), and checks after each write
 * that no row has its check time after its expiry. At the end, repeated purges at one instant
 * leave no session that expired or was revoked long enough before it, and remove no live one.
 */
@DisplayName("the purge check time under every write path")
class PurgeCheckInvariantTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Duration[] IDLE = {Duration.ofMinutes(30), Duration.ofHours(4), Duration.ofHours(9)};
    private static final Duration RETENTION = Duration.ofHours(1);
    private static final int SESSIONS = 40;
    private static final int STEPS = 600;

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_MEMORY", "POSTGRESQL"})
    @DisplayName("the check time never passes the expiry, and repeated purges leave no expired or long-revoked session")
    void invariantAndNoSurvivor(Backend.Kind kind) {
        try (Backend b = Backend.of(kind, 2)) {
            SessionStore store = b.jdbc.stores().sessions();
            Jdbi jdbi = Jdbi.create(b.dataSource);
            Random random = new Random(20261130L);
            Map<String, String> current = new HashMap<>();
            List<String> ids = new ArrayList<>();
            Instant now = T0;
            int hashes = 0;
            for (int step = 0; step < STEPS; step++) {
                // Mostly forwards, sometimes back by up to 20 minutes.
                now = random.nextInt(8) == 0 ? now.minus(Duration.ofMinutes(random.nextInt(20)))
                        : now.plus(Duration.ofMinutes(random.nextInt(25)));
                int op = random.nextInt(10);
                if (ids.size() < SESSIONS && (ids.isEmpty() || op < 2)) {
                    String id = "s" + ids.size();
                    Duration idle = IDLE[random.nextInt(IDLE.length)];
                    Instant absolute = now.plus(Duration.ofHours(2 + random.nextInt(20)));
                    Instant idleAt = now.plus(idle).isBefore(absolute) ? now.plus(idle) : absolute;
                    String hash = "h" + hashes++;
                    store.create(Session.start(id, "u" + random.nextInt(4), "user", Set.of("user"), now, idleAt,
                            absolute, ClientInfo.ofIp("192.0.2.1")), hash);
                    ids.add(id);
                    current.put(id, hash);
                } else if (op < 7) {
                    String id = ids.get(random.nextInt(ids.size()));
                    String next = "h" + hashes++;
                    // The idle timeout of the node doing the rotation: shorter or longer than the session's own.
                    RotationResult r = store.rotate(id, current.get(id), next, now,
                            now.plus(IDLE[random.nextInt(IDLE.length)]));
                    if (r == RotationResult.ROTATED) {
                        current.put(id, next);
                    }
                } else if (op == 7) {
                    store.revoke(ids.get(random.nextInt(ids.size())), RevocationReason.LOGOUT, now);
                } else if (op == 8) {
                    store.revokeAll("u" + random.nextInt(4), RevocationReason.LOGOUT_ALL, now, Optional.empty());
                } else {
                    store.purge(now, now.minus(RETENTION), 1 + random.nextInt(3));
                }
                assertThat(checkTimesAfterExpiry(jdbi)).as("rows whose check time is after their expiry, step %d", step)
                        .isZero();
            }

            Instant end = now.plus(Duration.ofHours(3));
            Instant revokedBefore = end.minus(RETENTION);
            List<Session> liveBefore = store.findActiveByUser("u0", end);
            for (int call = 0; call < 4 * SESSIONS; call++) {
                store.purge(end, revokedBefore, 1);
            }
            for (String id : ids) {
                store.find(id).ifPresent(s -> {
                    assertThat(s.expiresAt()).as("%s survived its expiry", id).isAfter(end);
                    s.revokedAt().ifPresent(at -> assertThat(at).as("%s survived its revocation", id).isAfter(revokedBefore));
                });
            }
            assertThat(liveBefore).allSatisfy(s -> assertThat(store.find(s.id())).isPresent());
        }
    }

    private static int checkTimesAfterExpiry(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM portcullis_sessions WHERE purge_check_at > expires_at"
                        + " OR expires_at > idle_expires_at OR expires_at > absolute_expires_at")
                .mapTo(Integer.class).one());
    }
}
