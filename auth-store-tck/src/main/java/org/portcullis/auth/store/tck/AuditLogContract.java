package org.portcullis.auth.store.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.ClientInfo;

/**
 * The behaviour every {@link AuditLog} (the queryable kind of
 * {@link org.portcullis.auth.api.AuditSink}) must show. Extend it and override
 * {@link #createStore}; see {@link StoreContract} for the optional capabilities.
 */
@DisplayName("AuditLog contract")
public abstract class AuditLogContract extends StoreContract<AuditLog> {

    // Ids are UUIDs, so that a backend with UUID-typed columns runs the suite unchanged.
    private static final String ALICE = "a11ce000-0000-4000-8000-000000000001";
    private static final String BOB = "b0b00000-0000-4000-8000-000000000002";
    private static final String USER = "0005e400-0000-4000-8000-000000000003";

    /** A successful event of {@code type} for {@code userId} at {@code at}. */
    protected static AuditEvent event(AuditEventType type, Instant at, String userId) {
        return AuditEvent.builder(type, at).user(userId, "name-" + userId).build();
    }

    private AuditEvent recorded(AuditEventType type, Instant at, String userId) {
        AuditEvent e = event(type, at, userId);
        store.record(e);
        return e;
    }

    /** Every event the query matches, following cursors to the end. */
    protected List<AuditEvent> all(AuditQuery query) {
        List<AuditEvent> events = new ArrayList<>();
        AuditPage page = store.query(query);
        events.addAll(page.events());
        int pages = 1;
        while (page.nextCursor().isPresent()) {
            assertThat(++pages).as("pages followed").isLessThan(10_000);
            page = store.query(query.after(page.nextCursor().get()));
            events.addAll(page.events());
        }
        return events;
    }

    @Test
    @DisplayName("recording and querying: a recorded event comes back field for field")
    void roundTrip() {
        AuditEvent full = AuditEvent.builder(AuditEventType.LOGIN_FAILED, clock.instant()).failure()
                .username("alice").session(UUID.randomUUID().toString()).client(new ClientInfo("203.0.113.9", "Browser/2"))
                .reason("bad_password").build();
        AuditEvent sparse = AuditEvent.builder(AuditEventType.KEY_ROTATED, clock.instant().plusMillis(1)).build();
        store.record(full);
        store.record(sparse);
        assertThat(store.query(AuditQuery.all()).events()).containsExactly(full, sparse);
    }

    @Test
    @DisplayName("recording and querying: events come back in time order, then id order for the same instant")
    void order() {
        Instant t = clock.instant();
        AuditEvent late = AuditEvent.builder(AuditEventType.LOGGED_OUT, t.plusSeconds(5)).id("00000000-0000-4000-8000-000000000001").build();
        AuditEvent tieB = AuditEvent.builder(AuditEventType.LOGGED_OUT, t).id("00000000-0000-4000-8000-00000000000b").build();
        AuditEvent tieA = AuditEvent.builder(AuditEventType.LOGGED_OUT, t).id("00000000-0000-4000-8000-00000000000a").build();
        store.record(late);
        store.record(tieB);
        store.record(tieA);
        assertThat(store.query(AuditQuery.all()).events()).containsExactly(tieA, tieB, late);
    }

    @Test
    @DisplayName("recording and querying: a query for a user returns only that user's events")
    void byUser() {
        Instant t = clock.instant();
        AuditEvent alice = recorded(AuditEventType.LOGIN_SUCCEEDED, t, ALICE);
        recorded(AuditEventType.LOGIN_SUCCEEDED, t, BOB);
        store.record(AuditEvent.builder(AuditEventType.LOGIN_FAILED, t).username("alice").failure().build());
        assertThat(store.query(AuditQuery.all().forUser(ALICE)).events()).containsExactly(alice);
    }

    @Test
    @DisplayName("recording and querying: a query for types returns only events of those types")
    void byType() {
        Instant t = clock.instant();
        AuditEvent failed = recorded(AuditEventType.LOGIN_FAILED, t, USER);
        recorded(AuditEventType.LOGIN_SUCCEEDED, t.plusMillis(1), USER);
        AuditEvent reused = recorded(AuditEventType.REFRESH_TOKEN_REUSED, t.plusMillis(2), USER);
        assertThat(store.query(AuditQuery.all().ofTypes(
                Set.of(AuditEventType.LOGIN_FAILED, AuditEventType.REFRESH_TOKEN_REUSED))).events())
                .containsExactly(failed, reused);
    }

    @Test
    @DisplayName("recording and querying: a time range includes its start and excludes its end")
    void byRange() {
        Instant t = clock.instant();
        recorded(AuditEventType.LOGGED_OUT, t.minus(JUST_BEFORE), USER);
        AuditEvent atStart = recorded(AuditEventType.LOGGED_OUT, t, USER);
        AuditEvent inside = recorded(AuditEventType.LOGGED_OUT, t.plusSeconds(30), USER);
        recorded(AuditEventType.LOGGED_OUT, t.plusSeconds(60), USER);
        assertThat(store.query(AuditQuery.all().between(t, t.plusSeconds(60))).events())
                .containsExactly(atStart, inside);
    }

    @Test
    @DisplayName("recording and querying: filters combine: user, types and time range together")
    void combined() {
        Instant t = clock.instant();
        recorded(AuditEventType.LOGIN_FAILED, t, BOB);
        recorded(AuditEventType.LOGIN_SUCCEEDED, t, ALICE);
        AuditEvent hit = recorded(AuditEventType.LOGIN_FAILED, t.plusSeconds(1), ALICE);
        recorded(AuditEventType.LOGIN_FAILED, t.plusSeconds(100), ALICE);
        AuditQuery q = AuditQuery.all().forUser(ALICE).ofTypes(Set.of(AuditEventType.LOGIN_FAILED))
                .between(t, t.plusSeconds(10));
        assertThat(store.query(q).events()).containsExactly(hit);
    }

    @Test
    @DisplayName("paging with cursors: following cursors returns every event exactly once, in order")
    void everyEventOnce() {
        List<AuditEvent> expected = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            // Pairs share an instant, so the id must break ties for paging to be stable.
            expected.add(recorded(AuditEventType.TOKEN_REFRESHED, clock.instant().plusSeconds(i / 2), USER));
        }
        expected.sort((a, b) -> a.at().equals(b.at()) ? a.id().compareTo(b.id()) : a.at().compareTo(b.at()));
        assertThat(all(AuditQuery.all().limit(5))).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("paging with cursors: a page holds at most the limit, and a short page has no cursor")
    void pageSize() {
        for (int i = 0; i < 7; i++) {
            recorded(AuditEventType.TOKEN_REFRESHED, clock.instant().plusSeconds(i), USER);
        }
        AuditPage first = store.query(AuditQuery.all().limit(5));
        assertThat(first.events()).hasSize(5);
        assertThat(first.nextCursor()).isPresent();
        AuditPage second = store.query(AuditQuery.all().limit(5).after(first.nextCursor().get()));
        assertThat(second.events()).hasSize(2);
        assertThat(second.nextCursor()).isEmpty();
    }

    @Test
    @DisplayName("paging with cursors: paging keeps the filter on every page")
    void filteredPages() {
        List<AuditEvent> alices = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            alices.add(recorded(AuditEventType.LOGIN_SUCCEEDED, clock.instant().plusSeconds(i), ALICE));
            recorded(AuditEventType.LOGIN_SUCCEEDED, clock.instant().plusSeconds(i), BOB);
        }
        assertThat(all(AuditQuery.all().forUser(ALICE).limit(2))).containsExactlyElementsOf(alices);
    }

    @Test
    @DisplayName("paging with cursors: an event recorded after a page was read appears on a later page")
    void lateArrival() {
        Instant t = clock.instant();
        recorded(AuditEventType.LOGGED_OUT, t, USER);
        recorded(AuditEventType.LOGGED_OUT, t.plusSeconds(1), USER);
        AuditPage first = store.query(AuditQuery.all().limit(1));
        AuditEvent late = recorded(AuditEventType.LOGGED_OUT, t.plusSeconds(2), USER);
        List<AuditEvent> rest = all(AuditQuery.all().limit(1).after(first.nextCursor().orElseThrow()));
        assertThat(rest).hasSize(2).endsWith(late);
    }

    @Test
    @DisplayName("purging in batches: purges events strictly older than the cutoff, no more than the limit per call")
    void batches() {
        Instant t = clock.instant();
        for (int i = 0; i < 7; i++) {
            recorded(AuditEventType.LOGIN_SUCCEEDED, t.minusSeconds(60 + i), USER);
        }
        AuditEvent atCutoff = recorded(AuditEventType.LOGIN_SUCCEEDED, t, USER);

        assertThat(store.purge(t, 3)).isEqualTo(3);
        assertThat(store.purge(t, 3)).isEqualTo(3);
        assertThat(store.purge(t, 3)).isEqualTo(1);
        assertThat(store.purge(t, 3)).isZero();
        assertThat(store.query(AuditQuery.all()).events()).containsExactly(atCutoff);
    }

    @Test
    @DisplayName("purging in batches: purges the oldest events first")
    void oldestFirst() {
        Instant t = clock.instant();
        recorded(AuditEventType.LOGIN_SUCCEEDED, t.minusSeconds(30), USER);
        AuditEvent newer = recorded(AuditEventType.LOGIN_SUCCEEDED, t.minusSeconds(10), USER);
        recorded(AuditEventType.LOGIN_SUCCEEDED, t.minusSeconds(20), USER);
        assertThat(store.purge(t, 2)).isEqualTo(2);
        assertThat(store.query(AuditQuery.all()).events()).containsExactly(newer);
    }

    @Test
    @DisplayName("under concurrency (real threads): 32 threads recording 10 events each lose none and duplicate none")
    void noneLost() {
        Instant t = clock.instant();
        List<List<String>> ids = race(THREADS, i -> () -> {
            List<String> mine = new ArrayList<>();
            for (int n = 0; n < 10; n++) {
                AuditEvent e = event(AuditEventType.TOKEN_REFRESHED, t.plusMillis(n), UUID.randomUUID().toString());
                store.record(e);
                mine.add(e.id());
            }
            return mine;
        });
        List<String> expected = new ArrayList<>();
        ids.forEach(expected::addAll);
        assertThat(all(AuditQuery.all().limit(AuditQuery.MAX_LIMIT))).extracting(AuditEvent::id)
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    @DisplayName("answers: an empty log answers an empty page without a cursor, never null")
    void noNulls() {
        AuditPage page = store.query(AuditQuery.all().forUser(UUID.randomUUID().toString()));
        assertThat(page).isNotNull();
        assertThat(page.events()).isEmpty();
        assertThat(page.nextCursor()).isEmpty();
        assertThat(store.purge(clock.instant(), 10)).isZero();
    }

    @Test
    @DisplayName("under concurrency (real threads): concurrent purges delete each old event once between them")
    void concurrentPurges() {
        Instant t = clock.instant();
        for (int i = 0; i < 20; i++) {
            recorded(AuditEventType.LOGIN_SUCCEEDED, t.minusMillis(1_000 + i), USER);
        }
        AuditEvent kept = recorded(AuditEventType.LOGIN_SUCCEEDED, t, USER);
        List<Integer> deleted = race(4, i -> () -> {
            int mine = 0;
            int n;
            do {
                n = store.purge(t, 3);
                mine += n;
            } while (n > 0);
            return mine;
        });
        assertThat(deleted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
        assertThat(store.query(AuditQuery.all()).events()).containsExactly(kept);
    }

    @Test
    @DisplayName("recording and querying: event times come back to the millisecond, and ranges cut to the millisecond")
    void millisecondsKept() {
        Instant t = clock.advance(Duration.ofMillis(1));
        AuditEvent a = recorded(AuditEventType.LOGGED_OUT, t, USER);
        AuditEvent b = recorded(AuditEventType.LOGGED_OUT, t.plusMillis(499), USER);
        AuditEvent c = recorded(AuditEventType.LOGGED_OUT, t.plusMillis(501), USER);
        assertThat(store.query(AuditQuery.all()).events()).containsExactly(a, b, c);
        assertThat(store.query(AuditQuery.all().between(t.plusMillis(1), t.plusMillis(501))).events()).containsExactly(b);
        assertThat(store.purge(t.plusMillis(499), 10)).isEqualTo(1);
        assertThat(store.query(AuditQuery.all()).events()).containsExactly(b, c);
    }

    @Test
    @DisplayName("optional: durability: events survive a restart field for field, in order")
    void survivesRestart() {
        AuditEvent full = AuditEvent.builder(AuditEventType.LOGIN_FAILED, clock.instant()).failure()
                .username("alice").session(UUID.randomUUID().toString()).client(new ClientInfo("203.0.113.9", "Browser/2"))
                .reason("bad_password").build();
        store.record(full);
        AuditEvent e = recorded(AuditEventType.LOGIN_SUCCEEDED, clock.instant().plusMillis(7), USER);
        assertThat(reopened().query(AuditQuery.all()).events()).containsExactly(full, e);
    }

    @Test
    @DisplayName("optional: durability: purged events stay gone after a restart")
    void purgeSurvivesRestart() {
        Instant t = clock.instant();
        recorded(AuditEventType.LOGIN_SUCCEEDED, t.minusMillis(5), USER);
        AuditEvent kept = recorded(AuditEventType.LOGIN_SUCCEEDED, t, USER);
        assertThat(store.purge(t, 10)).isEqualTo(1);
        assertThat(reopened().query(AuditQuery.all()).events()).containsExactly(kept);
    }

    @Test
    @DisplayName("optional: failing closed: every method throws StoreUnavailableException when the backend is gone")
    void everyMethod() {
        cutOff();
        Instant t = clock.instant().plus(Duration.ofSeconds(1));
        Map<String, StoreCall> calls = new LinkedHashMap<>();
        calls.put("record", () -> store.record(event(AuditEventType.LOGGED_OUT, t, USER)));
        calls.put("query", () -> store.query(AuditQuery.all()));
        calls.put("purge", () -> store.purge(t, 10));
        assertEveryMethodFailsClosed(calls);
    }
}
