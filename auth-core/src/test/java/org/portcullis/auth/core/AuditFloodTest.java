package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.internal.UnattributedFailures;
import org.portcullis.auth.store.memory.InMemoryAttemptStore;
import org.portcullis.auth.store.memory.InMemoryAuditLog;
import org.portcullis.auth.store.memory.InMemorySessionStore;
import org.portcullis.auth.store.memory.InMemorySigningKeyStore;
import org.portcullis.auth.store.memory.InMemoryUserStore;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * Unauthenticated garbage cannot grow the audit trail without bound, nor push genuine events out
 * of a capped log: failures that no account vouches for are summarised per source and window.
 */
@DisplayName("a flood of unauthenticated failures")
class AuditFloodTest {

    private static final Pattern COUNT = Pattern.compile("^aggregated;count=(\\d+);");

    private final MutableClock clock = MutableClock.startingAt(Fixture.START);
    /** A log that keeps 2,000 events: without summaries the flood would push the login out. */
    private final InMemoryAuditLog log = new InMemoryAuditLog(2_000);
    private final Stores stores = new Stores(new InMemoryUserStore(), new InMemorySessionStore(clock),
            new InMemoryAttemptStore(), new InMemorySigningKeyStore(), log, org.portcullis.auth.api.StoreTransactions.NONE);
    private final AuthService auth = Portcullis.builder().stores(stores).clock(clock)
            .passwordHasher(Fixture.FAST).startCleanupJob(false).build();

    @AfterEach
    void close() {
        auth.close();
    }

    private TokenPair aliceLogsIn() {
        stores.users().create(new UserRecord(UUID.randomUUID().toString(), "alice", Fixture.FAST.hash("wonderland"),
                Set.of(), true));
        return auth.login(new PasswordCredential("alice", "wonderland"), Fixture.CLIENT);
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (AuthException expected) {
            // every one of them fails; what matters is what the trail keeps
        }
    }

    /** How many failures of {@code type} the trail accounts for: first events plus the counts of summaries. */
    private long accountedFor(List<AuditEvent> events, AuditEventType type) {
        long n = 0;
        for (AuditEvent e : events) {
            if (e.type() != type) {
                continue;
            }
            Matcher m = COUNT.matcher(e.reason());
            n += m.find() ? Long.parseLong(m.group(1)) : 1;
        }
        return n;
    }

    @Test
    @DisplayName("10,000 garbage refreshes, unknown refresh tokens and rejected logins from a few sources leave a few dozen rows, each failure counted, and the earlier login stays")
    void fewSources() {
        TokenPair alice = aliceLogsIn();
        for (int i = 0; i < 10_000; i++) {
            ClientInfo from = new ClientInfo("198.51.100." + (i % 5), "flood");
            switch (i % 4) {
                case 0 -> quietly(() -> auth.refresh("garbage." + UUID.randomUUID(), "x", from));
                case 1 -> quietly(() -> auth.refresh(alice.accessToken(), UUID.randomUUID().toString(), from));
                case 2 -> quietly(() -> auth.login(new PasswordCredential("", "x"), from));
                default -> quietly(() -> auth.login(new PasswordCredential("nobody-" + UUID.randomUUID(), "x"), from));
            }
            clock.advance(Duration.ofMillis(10));
        }
        auth.purgeExpired();
        clock.advance(UnattributedFailures.WINDOW);
        auth.purgeExpired();
        List<AuditEvent> events = log.events();
        // 100 seconds: two windows, five sources, a handful of kinds of failure, at most two rows each.
        assertThat(events).hasSizeLessThan(200);
        assertThat(events).anySatisfy(e -> assertThat(e.type()).isEqualTo(AuditEventType.LOGIN_SUCCEEDED));
        assertThat(accountedFor(events, AuditEventType.REFRESH_FAILED)).isEqualTo(5_000);
        // Unknown usernames: the first 20 per source are checked (LOGIN_FAILED), the rest throttled.
        assertThat(accountedFor(events, AuditEventType.LOGIN_FAILED) + accountedFor(events, AuditEventType.LOGIN_THROTTLED))
                .isEqualTo(5_000);
        assertThat(events).filteredOn(e -> e.reason().startsWith("aggregated;"))
                .allSatisfy(e -> assertThat(e.userId()).isEmpty());
    }

    @Test
    @DisplayName("10,000 garbage refreshes from 10,000 addresses leave at most two rows per open key, and the earlier login stays")
    void manySources() {
        aliceLogsIn();
        for (int i = 0; i < 10_000; i++) {
            ClientInfo from = new ClientInfo("10.1." + (i / 250) + "." + (i % 250), "botnet");
            quietly(() -> auth.refresh("garbage", "x", from));
        }
        auth.close();
        List<AuditEvent> events = log.events();
        assertThat(events).hasSizeLessThanOrEqualTo(2 * (UnattributedFailures.MAX_KEYS + 1) + 1);
        assertThat(events).anySatisfy(e -> assertThat(e.type()).isEqualTo(AuditEventType.LOGIN_SUCCEEDED));
        assertThat(accountedFor(events, AuditEventType.REFRESH_FAILED)).isEqualTo(10_000);
    }

    @Test
    @DisplayName("a failure that names a real account is still recorded on its own row")
    void attributedStayWhole() {
        aliceLogsIn();
        for (int i = 0; i < 3; i++) {
            quietly(() -> auth.login(new PasswordCredential("alice", "wrong"), Fixture.CLIENT));
        }
        assertThat(log.events()).filteredOn(e -> e.type() == AuditEventType.LOGIN_FAILED).hasSize(3)
                .allSatisfy(e -> assertThat(e.reason()).isEqualTo("bad_password"));
    }
}
