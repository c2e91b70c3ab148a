package org.portcullis.auth.store.tck.mutation;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.store.tck.mutation.ReferenceAttemptStore.Disk;

/** Broken attempt stores, each wrapping a {@link ReferenceAttemptStore} and breaking one behaviour. */
final class AttemptMutants {

    private AttemptMutants() {
    }

    static Mutant<Disk, AttemptStore> reference() {
        return Mutant.of("the reference store", "-", (disk, clock) -> new ReferenceAttemptStore(disk));
    }

    static List<Mutant<Disk, AttemptStore>> all() {
        List<Mutant<Disk, AttemptStore>> m = new ArrayList<>();
        m.add(wrap("a window stays open one second past its end", "closedAtEnd", WindowOneSecondLate::new));
        m.add(wrap("recordFailure reads, then writes (not atomic)", "eachCountsOnce", NonAtomicRecord::new));
        m.add(wrap("failure times are rounded down to the second", "firstFailure", TimesInSeconds::new));
        m.add(wrap("reset forgets nothing", "reset", ResetIgnored::new));
        m.add(wrap("findAll answers windows that have closed", "findAllAtBoundary", FindAllIgnoresWindow::new));
        m.add(wrap("resetAll forgets the first key only", "resetAll", ResetAllFirstOnly::new));
        m.add(wrap("purge ignores the batch limit", "batches", PurgeIgnoresLimit::new));
        m.add(wrap("purge takes windows a millisecond before they close", "keepsOpen", PurgeEarly::new));
        m.add(wrap("purge chooses, then deletes (not atomic)", "concurrentPurges", NonAtomicPurge::new));
        m.add(Mutant.of("a restart forgets every counter", "survivesRestart", (disk, clock) -> {
            synchronized (disk) {
                disk.counters.clear();
            }
            return new ReferenceAttemptStore(disk);
        }));
        m.add(wrap("a restart forgets resets", "resetSurvivesRestart", ResetsInMemoryOnly::new));
        m.add(wrap("find answers empty when the backend is gone", "everyMethod", FindFailsOpen::new));
        return m;
    }

    private static Mutant<Disk, AttemptStore> wrap(String name, String caughtBy,
                                                   Function<ReferenceAttemptStore, AttemptStore> f) {
        return Mutant.of(name, caughtBy, (disk, clock) -> f.apply(new ReferenceAttemptStore(disk)));
    }

    /** Passes every call to the reference store; each mutant overrides what it breaks. */
    abstract static class Forwarding implements AttemptStore {
        final ReferenceAttemptStore ref;

        Forwarding(ReferenceAttemptStore ref) {
            this.ref = ref;
        }

        @Override
        public AttemptState recordFailure(String key, Instant now, Duration window) {
            return ref.recordFailure(key, now, window);
        }

        @Override
        public Optional<AttemptState> find(String key, Instant now) {
            return ref.find(key, now);
        }

        @Override
        public void reset(String key) {
            ref.reset(key);
        }

        @Override
        public int purge(Instant now, int limit) {
            return ref.purge(now, limit);
        }

        @Override
        public String toString() {
            return getClass().getSimpleName();
        }
    }

    static final class WindowOneSecondLate extends Forwarding {
        WindowOneSecondLate(ReferenceAttemptStore ref) {
            super(ref);
        }

        @Override
        public Optional<AttemptState> find(String key, Instant now) {
            return ref.find(key, now.minusSeconds(1));
        }
    }

    static final class NonAtomicRecord extends Forwarding {
        NonAtomicRecord(ReferenceAttemptStore ref) {
            super(ref);
        }

        @Override
        public AttemptState recordFailure(String key, Instant now, Duration window) {
            AttemptState before = ref.read(key).orElse(null);
            Mutant.gap();
            AttemptState next = ReferenceAttemptStore.counted(before, key, now, window);
            ref.write(next);
            return next;
        }
    }

    static final class TimesInSeconds extends Forwarding {
        TimesInSeconds(ReferenceAttemptStore ref) {
            super(ref);
        }

        @Override
        public AttemptState recordFailure(String key, Instant now, Duration window) {
            return ref.recordFailure(key, now.truncatedTo(ChronoUnit.SECONDS), window);
        }
    }

    static final class ResetIgnored extends Forwarding {
        ResetIgnored(ReferenceAttemptStore ref) {
            super(ref);
        }

        @Override
        public void reset(String key) {
            ref.read(key);
        }
    }

    static final class FindAllIgnoresWindow extends Forwarding {
        FindAllIgnoresWindow(ReferenceAttemptStore ref) {
            super(ref);
        }

        @Override
        public Map<String, AttemptState> findAll(Collection<String> keys, Instant now) {
            Map<String, AttemptState> all = new HashMap<>();
            keys.forEach(k -> ref.read(k).ifPresent(s -> all.put(k, s)));
            return all;
        }
    }

    static final class ResetAllFirstOnly extends Forwarding {
        ResetAllFirstOnly(ReferenceAttemptStore ref) {
            super(ref);
        }

        @Override
        public void resetAll(Collection<String> keys) {
            keys.stream().findFirst().ifPresent(ref::reset);
        }
    }

    static final class PurgeIgnoresLimit extends Forwarding {
        PurgeIgnoresLimit(ReferenceAttemptStore ref) {
            super(ref);
        }

        @Override
        public int purge(Instant now, int limit) {
            return ref.purge(now, Integer.MAX_VALUE);
        }
    }

    static final class PurgeEarly extends Forwarding {
        PurgeEarly(ReferenceAttemptStore ref) {
            super(ref);
        }

        @Override
        public int purge(Instant now, int limit) {
            return ref.purge(now.plusMillis(1), limit);
        }
    }

    static final class NonAtomicPurge extends Forwarding {
        NonAtomicPurge(ReferenceAttemptStore ref) {
            super(ref);
        }

        @Override
        public int purge(Instant now, int limit) {
            List<AttemptState> chosen = ref.readAll().stream().filter(s -> !s.isOpenAt(now)).limit(limit).toList();
            Mutant.gap();
            chosen.forEach(s -> ref.delete(s.key()));
            return chosen.size();
        }
    }

    /** Hides reset keys in this instance only; the disk still counts them. */
    static final class ResetsInMemoryOnly extends Forwarding {
        private final Set<String> reset = ConcurrentHashMap.newKeySet();

        ResetsInMemoryOnly(ReferenceAttemptStore ref) {
            super(ref);
        }

        @Override
        public Optional<AttemptState> find(String key, Instant now) {
            return reset.contains(key) ? Optional.empty() : ref.find(key, now);
        }

        @Override
        public AttemptState recordFailure(String key, Instant now, Duration window) {
            if (reset.remove(key)) {
                ref.reset(key);
            }
            return ref.recordFailure(key, now, window);
        }

        @Override
        public void reset(String key) {
            ref.read(key);
            reset.add(key);
        }
    }

    static final class FindFailsOpen extends Forwarding {
        FindFailsOpen(ReferenceAttemptStore ref) {
            super(ref);
        }

        @Override
        public Optional<AttemptState> find(String key, Instant now) {
            try {
                return ref.find(key, now);
            } catch (StoreUnavailableException e) {
                return Optional.empty();
            }
        }
    }
}
