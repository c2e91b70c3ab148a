package org.portcullis.auth.store.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * The behaviour every {@link AttemptStore} must show. Extend it and override {@link #createStore};
 * see {@link StoreContract} for the optional capabilities.
 */
@DisplayName("AttemptStore contract")
public abstract class AttemptStoreContract extends StoreContract<AttemptStore> {

    /** The counting window the suite uses. */
    protected static final Duration WINDOW = Duration.ofMinutes(15);

    @Nested
    @DisplayName("counting failures")
    class Counting {

        @Test
        @DisplayName("the first failure opens a window of the given length with a count of one")
        void firstFailure() {
            Instant now = clock.instant();
            AttemptState state = store.recordFailure("user:alice", now, WINDOW);
            assertThat(state).isEqualTo(new AttemptState("user:alice", 1, now, now.plus(WINDOW), now));
        }

        @Test
        @DisplayName("a later failure in the window counts on and keeps the window")
        void countsOn() {
            Instant start = clock.instant();
            store.recordFailure("user:alice", start, WINDOW);
            Instant later = clock.advance(Duration.ofMinutes(5));
            AttemptState state = store.recordFailure("user:alice", later, WINDOW);
            assertThat(state).isEqualTo(new AttemptState("user:alice", 2, start, start.plus(WINDOW), later));
            assertThat(store.find("user:alice", later)).contains(state);
        }

        @Test
        @DisplayName("keys are counted apart")
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
        @DisplayName("a reset forgets the key's failures, and resetting an unknown key is harmless")
        void reset() {
            Instant now = clock.instant();
            store.recordFailure("user:alice", now, WINDOW);
            store.reset("user:alice");
            store.reset("user:nobody");
            assertThat(store.find("user:alice", now)).isEmpty();
            assertThat(store.recordFailure("user:alice", now, WINDOW).failures()).isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("windows at the exact boundary")
    class Windows {

        @Test
        @DisplayName("a window is open a millisecond before its end")
        void openJustBefore() {
            Instant start = clock.instant();
            store.recordFailure("user:alice", start, WINDOW);
            assertThat(store.find("user:alice", start.plus(WINDOW).minus(JUST_BEFORE))).isPresent();
        }

        @Test
        @DisplayName("a window is closed at its end exactly")
        void closedAtEnd() {
            Instant start = clock.instant();
            store.recordFailure("user:alice", start, WINDOW);
            assertThat(store.find("user:alice", start.plus(WINDOW))).isEmpty();
        }

        @Test
        @DisplayName("a failure at the end of a window starts a new window with a count of one")
        void newWindow() {
            Instant start = clock.instant();
            store.recordFailure("user:alice", start, WINDOW);
            store.recordFailure("user:alice", start, WINDOW);
            Instant end = start.plus(WINDOW);
            AttemptState state = store.recordFailure("user:alice", end, WINDOW);
            assertThat(state).isEqualTo(new AttemptState("user:alice", 1, end, end.plus(WINDOW), end));
        }
    }

    @Nested
    @DisplayName("purging in batches")
    class Purging {

        @Test
        @DisplayName("purges counters whose window closed at or before now, no more than the limit per call")
        void batches() {
            Instant start = clock.instant();
            for (int i = 0; i < 7; i++) {
                store.recordFailure("ip:" + i, start, WINDOW);
            }
            Instant end = start.plus(WINDOW);
            store.recordFailure("ip:open", end.minus(JUST_BEFORE), WINDOW);

            assertThat(store.purgeExpired(end, 3)).isEqualTo(3);
            assertThat(store.purgeExpired(end, 3)).isEqualTo(3);
            assertThat(store.purgeExpired(end, 3)).isEqualTo(1);
            assertThat(store.purgeExpired(end, 3)).isZero();
            assertThat(store.find("ip:open", end)).isPresent();
        }

        @Test
        @DisplayName("keeps a counter whose window closes a millisecond after now")
        void keepsOpen() {
            Instant start = clock.instant();
            store.recordFailure("ip:a", start, WINDOW);
            assertThat(store.purgeExpired(start.plus(WINDOW).minus(JUST_BEFORE), 10)).isZero();
            assertThat(store.find("ip:a", start.plus(WINDOW).minus(JUST_BEFORE))).isPresent();
        }
    }

    @Nested
    @DisplayName("under concurrency (real threads)")
    class Concurrency {

        @Test
        @DisplayName("32 concurrent failures under one key each count once")
        void eachCountsOnce() {
            Instant now = clock.instant();
            List<AttemptState> states = race(THREADS, i -> () -> store.recordFailure("user:alice", now, WINDOW));
            assertThat(states).extracting(AttemptState::failures)
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, THREADS).boxed().toList());
            assertThat(store.find("user:alice", now).orElseThrow().failures()).isEqualTo(THREADS);
        }

        @Test
        @DisplayName("concurrent failures under many keys keep every count exact")
        void manyKeys() {
            Instant now = clock.instant();
            race(THREADS, i -> () -> store.recordFailure("ip:" + (i % 4), now, WINDOW));
            for (int k = 0; k < 4; k++) {
                assertThat(store.find("ip:" + k, now).orElseThrow().failures()).isEqualTo(THREADS / 4);
            }
        }
    }

    @Nested
    @DisplayName("answers")
    class Answers {

        @Test
        @DisplayName("no method answers null on an empty store")
        void noNulls() {
            assertThat(store.find("nobody", clock.instant())).isNotNull().isEmpty();
            assertThat(store.purgeExpired(clock.instant(), 10)).isZero();
        }
    }

    @Nested
    @DisplayName("optional: durability")
    class Durability {

        @Test
        @DisplayName("counters survive a restart")
        void survivesRestart() {
            Instant now = clock.instant();
            store.recordFailure("user:alice", now, WINDOW);
            AttemptState state = store.recordFailure("user:alice", now, WINDOW);
            assertThat(reopened().find("user:alice", now)).contains(state);
        }
    }

    @Nested
    @DisplayName("optional: failing closed")
    class FailingClosed {

        @Test
        @DisplayName("every method throws StoreUnavailableException when the backend is gone")
        void everyMethod() {
            Instant now = clock.instant();
            cutOff();
            assertThatThrownBy(() -> store.recordFailure("k", now, WINDOW)).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.find("k", now)).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.reset("k")).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.purgeExpired(now, 10)).isInstanceOf(StoreUnavailableException.class);
        }
    }
}
