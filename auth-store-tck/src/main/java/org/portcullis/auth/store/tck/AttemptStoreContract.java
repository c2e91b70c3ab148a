package org.portcullis.auth.store.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;

/**
 * The behaviour every {@link AttemptStore} must show. Extend it and override {@link #createStore};
 * see {@link StoreContract} for the optional capabilities.
 */
@DisplayName("AttemptStore contract")
public abstract class AttemptStoreContract extends StoreContract<AttemptStore> {

    /** The counting window the suite uses. */
    protected static final Duration WINDOW = Duration.ofMinutes(15);

    @Test
    @DisplayName("counting failures: the first failure opens a window of the given length with a count of one")
    void firstFailure() {
        Instant now = clock.instant();
        AttemptState state = store.recordFailure("user:alice", now, WINDOW);
        assertThat(state).isEqualTo(new AttemptState("user:alice", 1, now, now.plus(WINDOW), now));
    }

    @Test
    @DisplayName("counting failures: a later failure in the window counts on and keeps the window")
    void countsOn() {
        Instant start = clock.instant();
        store.recordFailure("user:alice", start, WINDOW);
        Instant later = clock.advance(Duration.ofMinutes(5));
        AttemptState state = store.recordFailure("user:alice", later, WINDOW);
        assertThat(state).isEqualTo(new AttemptState("user:alice", 2, start, start.plus(WINDOW), later));
        assertThat(store.find("user:alice", later)).contains(state);
    }

    @Test
    @DisplayName("counting failures: keys are counted apart")
    void keysApart() {
        Instant now = clock.instant();
        store.recordFailure("user:alice", now, WINDOW);
        store.recordFailure("user:alice", now, WINDOW);
        store.recordFailure("ip:192.0.2.1", now, WINDOW);
        assertThat(store.find("user:alice", now).orElseThrow().failures()).isEqualTo(2);
        assertThat(store.find("ip:192.0.2.1", now).orElseThrow().failures()).isEqualTo(1);
        assertThat(store.find("user:bob", now)).isEmpty();
    }

    @Test
    @DisplayName("counting failures: a reset forgets the key's failures, and resetting an unknown key is harmless")
    void reset() {
        Instant now = clock.instant();
        store.recordFailure("user:alice", now, WINDOW);
        store.reset("user:alice");
        store.reset("user:nobody");
        assertThat(store.find("user:alice", now)).isEmpty();
        assertThat(store.recordFailure("user:alice", now, WINDOW).failures()).isEqualTo(1);
    }

    /** A key longer than any sensible column (keys are built from client input such as usernames). */
    private static final String LONG_KEY = "user:" + "x".repeat(2_000);

    @Test
    @DisplayName("reading several counters: findAll answers for each key what find answers, without the keys that have no open window")
    void findAllAsFind() {
        Instant start = clock.instant();
        store.recordFailure("user:short", start, Duration.ofMinutes(1));
        store.recordFailure("user:alice", start, WINDOW);
        Instant now = clock.advance(Duration.ofMinutes(1));
        store.recordFailure("user:alice", now, WINDOW);
        store.recordFailure("ip:192.0.2.1", now, WINDOW);
        store.recordFailure(LONG_KEY, now, WINDOW);

        Map<String, AttemptState> found = store.findAll(
                List.of("user:alice", "ip:192.0.2.1", LONG_KEY, "user:short", "user:nobody", "user:alice"), now);

        assertThat(found).containsOnlyKeys("user:alice", "ip:192.0.2.1", LONG_KEY);
        assertThat(found.get("user:alice")).isEqualTo(store.find("user:alice", now).orElseThrow());
        assertThat(found.get("user:alice").failures()).isEqualTo(2);
        assertThat(found.get("ip:192.0.2.1")).isEqualTo(store.find("ip:192.0.2.1", now).orElseThrow());
        assertThat(found.get(LONG_KEY)).isEqualTo(new AttemptState(LONG_KEY, 1, now, now.plus(WINDOW), now));
    }

    @Test
    @DisplayName("reading several counters: findAll answers under the caller's keys, whatever characters they hold")
    void findAllAnyCharacters() {
        // A lone surrogate has no UTF-8 form; a store may keep it as another character, but must
        // answer under the key it was asked for, as find does.
        List<String> keys = List.of("user:\ud800x", "user:a\udc00", "user:\u00e9\"', {}\\", "user:null");
        for (String key : keys) {
            store.recordFailure(key, clock.instant(), WINDOW);
        }
        Map<String, AttemptState> found = store.findAll(keys, clock.instant());
        for (String key : keys) {
            assertThat(found.get(key)).as(key).isEqualTo(store.find(key, clock.instant()).orElseThrow());
        }
    }

    @Test
    @DisplayName("reading several counters: findAll sees a window open a millisecond before its end and closed at its end")
    void findAllAtBoundary() {
        Instant start = clock.instant();
        store.recordFailure("user:alice", start, WINDOW);
        store.recordFailure("user:bob", start.plusMillis(1), WINDOW);
        Instant end = start.plus(WINDOW);
        assertThat(store.findAll(Set.of("user:alice", "user:bob"), end.minus(JUST_BEFORE)))
                .containsOnlyKeys("user:alice", "user:bob");
        assertThat(store.findAll(Set.of("user:alice", "user:bob"), end)).containsOnlyKeys("user:bob");
    }

    @Test
    @DisplayName("counting failures: resetAll forgets each key named, long ones too, keeps the others, and ignores unknown keys")
    void resetAll() {
        Instant now = clock.instant();
        store.recordFailure("user:alice", now, WINDOW);
        store.recordFailure("account:alice", now, WINDOW);
        store.recordFailure(LONG_KEY, now, WINDOW);
        store.recordFailure("user:bob", now, WINDOW);

        store.resetAll(List.of("user:alice", "account:alice", LONG_KEY, "user:nobody"));

        assertThat(store.find("user:alice", now)).isEmpty();
        assertThat(store.find("account:alice", now)).isEmpty();
        assertThat(store.find(LONG_KEY, now)).isEmpty();
        assertThat(store.find("user:bob", now)).isPresent();
        assertThat(store.recordFailure("account:alice", now, WINDOW).failures()).as("a reset key starts over").isEqualTo(1);
    }

    @Test
    @DisplayName("windows at the exact boundary: a window is open a millisecond before its end")
    void openJustBefore() {
        Instant start = clock.instant();
        store.recordFailure("user:alice", start, WINDOW);
        assertThat(store.find("user:alice", start.plus(WINDOW).minus(JUST_BEFORE))).isPresent();
    }

    @Test
    @DisplayName("windows at the exact boundary: a window is closed at its end exactly")
    void closedAtEnd() {
        Instant start = clock.instant();
        store.recordFailure("user:alice", start, WINDOW);
        assertThat(store.find("user:alice", start.plus(WINDOW))).isEmpty();
    }

    @Test
    @DisplayName("windows at the exact boundary: a failure at the end of a window starts a new window with a count of one")
    void newWindow() {
        Instant start = clock.instant();
        store.recordFailure("user:alice", start, WINDOW);
        store.recordFailure("user:alice", start, WINDOW);
        Instant end = start.plus(WINDOW);
        AttemptState state = store.recordFailure("user:alice", end, WINDOW);
        assertThat(state).isEqualTo(new AttemptState("user:alice", 1, end, end.plus(WINDOW), end));
    }

    @Test
    @DisplayName("purging in batches: purges counters whose window closed at or before now, no more than the limit per call")
    void batches() {
        Instant start = clock.instant();
        for (int i = 0; i < 7; i++) {
            store.recordFailure("ip:" + i, start, WINDOW);
        }
        Instant end = start.plus(WINDOW);
        store.recordFailure("ip:open", end.minus(JUST_BEFORE), WINDOW);

        assertThat(store.purge(end, 3)).isEqualTo(3);
        assertThat(store.purge(end, 3)).isEqualTo(3);
        assertThat(store.purge(end, 3)).isEqualTo(1);
        assertThat(store.purge(end, 3)).isZero();
        assertThat(store.find("ip:open", end)).isPresent();
    }

    @Test
    @DisplayName("purging in batches: keeps a counter whose window closes a millisecond after now")
    void keepsOpen() {
        Instant start = clock.instant();
        store.recordFailure("ip:a", start, WINDOW);
        assertThat(store.purge(start.plus(WINDOW).minus(JUST_BEFORE), 10)).isZero();
        assertThat(store.find("ip:a", start.plus(WINDOW).minus(JUST_BEFORE))).isPresent();
    }

    @Test
    @DisplayName("under concurrency (real threads): concurrent failures under one key each count once, every round")
    void eachCountsOnce() {
        for (int round = 1; round <= ROUNDS; round++) {
            Instant now = clock.advance(Duration.ofMillis(3));
            String key = "user:alice-" + round;
            List<AttemptState> states = race(THREADS, i -> () -> store.recordFailure(key, now, WINDOW));
            assertThat(states).as("round %d", round).extracting(AttemptState::failures)
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, THREADS).boxed().toList());
            assertThat(store.find(key, now).orElseThrow().failures()).isEqualTo(THREADS);
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): concurrent failures under many keys keep every count exact")
    void manyKeys() {
        Instant now = clock.instant();
        race(THREADS, i -> () -> store.recordFailure("ip:" + (i % 4), now, WINDOW));
        for (int k = 0; k < 4; k++) {
            assertThat(store.find("ip:" + k, now).orElseThrow().failures()).isEqualTo(THREADS / 4);
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): concurrent purges delete each closed counter once between them")
    void concurrentPurges() {
        Instant start = clock.instant();
        for (int i = 0; i < 20; i++) {
            store.recordFailure("ip:" + i, start, WINDOW);
        }
        Instant end = start.plus(WINDOW);
        List<Integer> deleted = race(4, i -> () -> {
            int mine = 0;
            int n;
            do {
                n = store.purge(end, 3);
                mine += n;
            } while (n > 0);
            return mine;
        });
        assertThat(deleted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
    }

    @Test
    @DisplayName("windows at the exact boundary: instants come back to the millisecond, never rounded to a second")
    void millisecondsKept() {
        Instant start = clock.advance(Duration.ofMillis(1));
        Duration window = WINDOW.plusMillis(499);
        store.recordFailure("user:ms", start, window);
        Instant later = clock.advance(Duration.ofMillis(1_501));
        AttemptState state = store.recordFailure("user:ms", later, window);
        assertThat(state).isEqualTo(new AttemptState("user:ms", 2, start, start.plus(window), later));
        assertThat(store.find("user:ms", later)).contains(state);
        assertThat(store.find("user:ms", start.plus(window).minusMillis(1))).isPresent();
        assertThat(store.find("user:ms", start.plus(window))).isEmpty();
    }

    @Test
    @DisplayName("answers: no method answers null on an empty store")
    void noNulls() {
        assertThat(store.find("nobody", clock.instant())).isNotNull().isEmpty();
        assertThat(store.findAll(List.of("nobody"), clock.instant())).isNotNull().isEmpty();
        assertThat(store.findAll(List.of(), clock.instant())).isNotNull().isEmpty();
        store.resetAll(List.of());
        assertThat(store.purge(clock.instant(), 10)).isZero();
    }

    @Test
    @DisplayName("optional: durability: counters survive a restart, to the millisecond")
    void survivesRestart() {
        Instant start = clock.instant();
        store.recordFailure("user:alice", start, WINDOW);
        Instant now = clock.advance(Duration.ofMillis(2_003));
        AttemptState state = store.recordFailure("user:alice", now, WINDOW);
        AttemptStore again = reopened();
        assertThat(again.find("user:alice", now)).contains(state);
        assertThat(again.recordFailure("user:alice", now, WINDOW).failures()).isEqualTo(3);
    }

    @Test
    @DisplayName("optional: durability: a reset stays reset after a restart")
    void resetSurvivesRestart() {
        Instant now = clock.instant();
        store.recordFailure("user:alice", now, WINDOW);
        store.recordFailure("user:bob", now, WINDOW);
        store.reset("user:alice");
        AttemptStore again = reopened();
        assertThat(again.find("user:alice", now)).isEmpty();
        assertThat(again.find("user:bob", now)).isPresent();
    }

    @Test
    @DisplayName("optional: durability: purged counters stay gone after a restart")
    void purgeSurvivesRestart() {
        Instant start = clock.instant();
        store.recordFailure("ip:a", start, WINDOW);
        store.recordFailure("ip:b", start, WINDOW);
        Instant end = start.plus(WINDOW);
        assertThat(store.purge(end, 10)).isEqualTo(2);
        AttemptStore again = reopened();
        assertThat(again.purge(end, 10)).isZero();
        assertThat(again.recordFailure("ip:a", start, WINDOW).failures()).as("a purged key starts over").isEqualTo(1);
    }

    @Test
    @DisplayName("optional: failing closed: every method throws StoreUnavailableException when the backend is gone")
    void everyMethod() {
        Instant now = clock.instant();
        cutOff();
        Map<String, StoreCall> calls = new LinkedHashMap<>();
        calls.put("recordFailure", () -> store.recordFailure("k", now, WINDOW));
        calls.put("find", () -> store.find("k", now));
        calls.put("findAll", () -> store.findAll(List.of("k", "j"), now));
        calls.put("reset", () -> store.reset("k"));
        calls.put("resetAll", () -> store.resetAll(List.of("k", "j")));
        calls.put("purge", () -> store.purge(now, 10));
        assertEveryMethodFailsClosed(calls);
    }
}
