package org.portcullis.auth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * What only the in-memory session store does: its bound on sessions, its housekeeping sweep, and
 * its nanosecond precision. Everything every store must do is checked by
 * {@link InMemorySessionStoreContractTest}.
 */
@DisplayName("InMemorySessionStore, beyond the contract")
class InMemorySessionStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final MutableClock clock = MutableClock.startingAt(T0);

    private static Session session(String id, String user, Instant at) {
        return Session.start(id, user, user, Set.of("user"), at, at.plusSeconds(3600), at.plusSeconds(7200),
                ClientInfo.ofIp("192.0.2.1"));
    }

    @Test
    @DisplayName("sessions that send equal user agents share one stored copy, with the text and the rest unchanged")
    void sharesUserAgents() {
        var store = new InMemorySessionStore(clock);
        String agent = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0";
        Session a = Session.start("s1", "u1", "u1", Set.of("user"), T0, T0.plusSeconds(3600), T0.plusSeconds(7200),
                new ClientInfo("192.0.2.1", new String(agent.toCharArray())));
        Session b = Session.start("s2", "u2", "u2", Set.of("user"), T0, T0.plusSeconds(3600), T0.plusSeconds(7200),
                new ClientInfo("192.0.2.2", new String(agent.toCharArray())));
        store.create(a, "h1");
        store.create(b, "h2");

        Session storedA = store.find("s1").orElseThrow();
        Session storedB = store.find("s2").orElseThrow();
        assertThat(storedA).isEqualTo(a);
        assertThat(storedB).isEqualTo(b);
        assertThat(storedB.client().userAgent()).isSameAs(storedA.client().userAgent());
    }

    @Test
    @DisplayName("makes room for a new session by dropping sessions that are over when full")
    void dropsOverSessionsWhenFull() {
        var small = new InMemorySessionStore(clock, 2, Duration.ofDays(1));
        small.create(session("s1", "u1", T0), "h1");
        small.create(session("s2", "u1", T0), "h2");
        small.revoke("s1", RevocationReason.LOGOUT, T0);

        small.create(session("s3", "u1", T0), "h3");

        assertThat(small.find("s1")).isEmpty();
        assertThat(small.findByRefreshTokenHash("h1")).isEmpty();
        assertThat(small.size()).isEqualTo(2);
    }

    @Test
    @DisplayName("fails closed when full of live sessions")
    void failsClosedWhenFull() {
        var small = new InMemorySessionStore(clock, 2, Duration.ofDays(1));
        small.create(session("s1", "u1", T0), "h1");
        small.create(session("s2", "u1", T0), "h2");

        assertThatThrownBy(() -> small.create(session("s3", "u1", T0), "h3"))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(small.find("s3")).isEmpty();
        assertThat(small.findByRefreshTokenHash("h3")).isEmpty();
    }

    @Test
    @DisplayName("drops long-over sessions on its own as sessions are created")
    void housekeeping() {
        var swept = new InMemorySessionStore(clock, 100_000, Duration.ofDays(1));
        swept.create(session("old", "u1", T0), "old");
        Instant later = clock.advance(Duration.ofDays(3));
        for (int i = 0; i < InMemorySessionStore.SWEEP_EVERY_CREATES; i++) {
            swept.create(session("s" + i, "u2", later), "h" + i);
        }
        assertThat(swept.find("old")).isEmpty();
        assertThat(swept.findActiveByUser("u2", later)).hasSize(InMemorySessionStore.SWEEP_EVERY_CREATES);
    }

    @Test
    @DisplayName("refuses to rotate at the idle expiry instant but not a nanosecond before")
    void nanosecondBoundary() {
        var store = new InMemorySessionStore(clock);
        store.create(session("s1", "u1", T0), "h0");
        Instant idle = T0.plusSeconds(3600);
        assertThat(store.rotate("s1", "h0", "h1", idle, idle.plusSeconds(60))).isEqualTo(RotationResult.INACTIVE);
        assertThat(store.findActiveByUser("u1", idle)).isEmpty();
        Instant justBefore = idle.minusNanos(1);
        assertThat(store.rotate("s1", "h0", "h1", justBefore, idle.plusSeconds(60))).isEqualTo(RotationResult.ROTATED);
    }

    @Test
    @DisplayName("a refresh-token hash kept as 32 bytes is found only by its own spelling, not by one differing in the unused bits")
    void compactHashesStayExact() {
        var store = new InMemorySessionStore(clock);
        // SHA-256 in unpadded base64url: 43 characters, the last carrying 2 unused bits ('A' = 000000).
        String hash = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgA";
        store.create(session("s1", "u1", T0), hash);
        assertThat(store.findByRefreshTokenHash(hash)).isPresent();
        // 'B' decodes to the same 32 bytes (its extra bit is dropped) but is another string.
        assertThat(store.findByRefreshTokenHash(hash.substring(0, 42) + "B")).isEmpty();
        assertThat(store.findByRefreshTokenHash(hash.substring(0, 42) + "E")).isEmpty();
        assertThat(store.findByRefreshTokenHash(hash + "=")).isEmpty();
        assertThat(store.rotate("s1", hash.substring(0, 42) + "B", "h2", T0, T0.plusSeconds(3600)))
                .isEqualTo(RotationResult.STALE);
        assertThat(store.rotate("s1", hash, "h2", T0, T0.plusSeconds(3600))).isEqualTo(RotationResult.ROTATED);
        assertThat(store.findByRefreshTokenHash(hash).orElseThrow().state().name()).isEqualTo("PREVIOUS");
        assertThat(store.findByRefreshTokenHash("h2").orElseThrow().session().refreshCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("a stored session reads back equal, with its instants to the nanosecond, revoked or not")
    void roundTripsEveryField() {
        var store = new InMemorySessionStore(clock);
        Instant at = T0.plusNanos(123_456_789);
        Session s = new Session("s1", "u1", "alice", Set.of("user", "admin"), at, at.plusNanos(5), at.plusSeconds(60),
                at.plusSeconds(120), new ClientInfo("2001:db8::1", "agent"), 7, java.util.Optional.empty(),
                java.util.Optional.empty());
        store.create(s, "h1");
        assertThat(store.find("s1")).contains(s);
        store.revoke("s1", RevocationReason.LOGOUT, at.plusNanos(9));
        assertThat(store.find("s1")).contains(s.revoked(at.plusNanos(9), RevocationReason.LOGOUT));
    }

    @Test
    @DisplayName("an IPv4 address is packed only in its canonical spelling and always reads back as written")
    void ipv4Packing() {
        for (String ip : new String[] {"0.0.0.0", "198.51.100.7", "255.255.255.255", "10.0.0.1", "1.2.3.4"}) {
            long packed = InMemorySessionStore.Ipv4.pack(ip);
            assertThat(packed).as(ip).isNotNegative();
            assertThat(InMemorySessionStore.Ipv4.unpack((int) packed)).isEqualTo(ip);
        }
        for (String ip : new String[] {"", "01.2.3.4", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4.", ".1.2.3.4",
                "1..2.3", "1.2.3.-4", "2001:db8::1", "1.2.3.4 ", "\u0661.2.3.4", "1.2.3.0004"}) {
            assertThat(InMemorySessionStore.Ipv4.pack(ip)).as(ip).isEqualTo(-1);
        }
        var store = new InMemorySessionStore(clock);
        store.create(Session.start("s1", "u1", "u1", Set.of(), T0, T0.plusSeconds(60), T0.plusSeconds(120),
                new ClientInfo("01.2.3.4", "a")), "h1");
        assertThat(store.find("s1").orElseThrow().client().ip()).isEqualTo("01.2.3.4");
    }
}
