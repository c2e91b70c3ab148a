package org.portcullis.auth.store.tck.mutation;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.store.tck.mutation.ReferenceAuditLog.Disk;

/** Broken audit logs, each wrapping a {@link ReferenceAuditLog} and breaking one behaviour. */
final class AuditMutants {

    private AuditMutants() {
    }

    static Mutant<Disk, AuditLog> reference() {
        return Mutant.of("the reference store", "-", (disk, clock) -> new ReferenceAuditLog(disk));
    }

    static List<Mutant<Disk, AuditLog>> all() {
        List<Mutant<Disk, AuditLog>> m = new ArrayList<>();
        m.add(wrap("a time range includes its end", "byRange", InclusiveRangeEnd::new));
        m.add(wrap("event times are rounded down to the second", "millisecondsKept", TimesInSeconds::new));
        m.add(wrap("record reads the log, then writes it back (not atomic)", "noneLost", NonAtomicRecord::new));
        m.add(wrap("purge ignores the batch limit", "batches", PurgeIgnoresLimit::new));
        m.add(wrap("purge takes the event at the cutoff too", "batches", PurgeInclusiveCutoff::new));
        m.add(wrap("purge takes the newest events first", "oldestFirst", PurgeNewestFirst::new));
        m.add(wrap("purge chooses, then deletes (not atomic)", "concurrentPurges", NonAtomicPurge::new));
        m.add(Mutant.of("a restart forgets every event", "survivesRestart", (disk, clock) -> {
            synchronized (disk) {
                disk.events.clear();
            }
            return new ReferenceAuditLog(disk);
        }));
        m.add(wrap("a restart brings purged events back", "purgeSurvivesRestart", PurgesInMemoryOnly::new));
        m.add(wrap("record drops the event when the backend is gone", "everyMethod", RecordFailsOpen::new));
        return m;
    }

    private static Mutant<Disk, AuditLog> wrap(String name, String caughtBy, Function<ReferenceAuditLog, AuditLog> f) {
        return Mutant.of(name, caughtBy, (disk, clock) -> f.apply(new ReferenceAuditLog(disk)));
    }

    /** Passes every call to the reference log; each mutant overrides what it breaks. */
    abstract static class Forwarding implements AuditLog {
        final ReferenceAuditLog ref;

        Forwarding(ReferenceAuditLog ref) {
            this.ref = ref;
        }

        @Override
        public void record(AuditEvent event) {
            ref.record(event);
        }

        @Override
        public AuditPage query(AuditQuery query) {
            return ref.query(query);
        }

        @Override
        public int purge(Instant cutoff, int limit) {
            return ref.purge(cutoff, limit);
        }

        @Override
        public String toString() {
            return getClass().getSimpleName();
        }
    }

    static final class InclusiveRangeEnd extends Forwarding {
        InclusiveRangeEnd(ReferenceAuditLog ref) {
            super(ref);
        }

        @Override
        public AuditPage query(AuditQuery q) {
            return ref.query(new AuditQuery(q.userId(), q.types(), q.from(), q.to().map(t -> t.plusMillis(1)),
                    q.limit(), q.cursor()));
        }
    }

    static final class TimesInSeconds extends Forwarding {
        TimesInSeconds(ReferenceAuditLog ref) {
            super(ref);
        }

        @Override
        public void record(AuditEvent e) {
            ref.record(new AuditEvent(e.id(), e.type(), e.at().truncatedTo(ChronoUnit.SECONDS), e.outcome(), e.userId(),
                    e.username(), e.sessionId(), e.clientIp(), e.userAgent(), e.reason()));
        }
    }

    static final class NonAtomicRecord extends Forwarding {
        NonAtomicRecord(ReferenceAuditLog ref) {
            super(ref);
        }

        @Override
        public void record(AuditEvent event) {
            List<AuditEvent> all = new ArrayList<>(ref.readAll());
            all.add(event);
            Mutant.gap();
            ref.replaceAll(all);
        }
    }

    static final class PurgeIgnoresLimit extends Forwarding {
        PurgeIgnoresLimit(ReferenceAuditLog ref) {
            super(ref);
        }

        @Override
        public int purge(Instant cutoff, int limit) {
            return ref.purge(cutoff, Integer.MAX_VALUE);
        }
    }

    static final class PurgeInclusiveCutoff extends Forwarding {
        PurgeInclusiveCutoff(ReferenceAuditLog ref) {
            super(ref);
        }

        @Override
        public int purge(Instant cutoff, int limit) {
            return ref.purge(cutoff.plusMillis(1), limit);
        }
    }

    static final class PurgeNewestFirst extends Forwarding {
        PurgeNewestFirst(ReferenceAuditLog ref) {
            super(ref);
        }

        @Override
        public int purge(Instant cutoff, int limit) {
            List<AuditEvent> old = new ArrayList<>(ref.readAll().stream().filter(e -> e.at().isBefore(cutoff)).toList());
            java.util.Collections.reverse(old);
            List<AuditEvent> gone = old.stream().limit(limit).toList();
            gone.forEach(e -> ref.delete(e.id()));
            return gone.size();
        }
    }

    static final class NonAtomicPurge extends Forwarding {
        NonAtomicPurge(ReferenceAuditLog ref) {
            super(ref);
        }

        @Override
        public int purge(Instant cutoff, int limit) {
            List<AuditEvent> chosen = ref.readAll().stream().filter(e -> e.at().isBefore(cutoff)).limit(limit).toList();
            Mutant.gap();
            chosen.forEach(e -> ref.delete(e.id()));
            return chosen.size();
        }
    }

    /** Hides purged events in this instance only; the disk still holds them. */
    static final class PurgesInMemoryOnly extends Forwarding {
        private final Set<String> gone = ConcurrentHashMap.newKeySet();

        PurgesInMemoryOnly(ReferenceAuditLog ref) {
            super(ref);
        }

        @Override
        public AuditPage query(AuditQuery query) {
            AuditPage page = ref.query(query);
            return new AuditPage(page.events().stream().filter(e -> !gone.contains(e.id())).toList(), page.nextCursor());
        }

        @Override
        public int purge(Instant cutoff, int limit) {
            List<AuditEvent> chosen = ref.readAll().stream()
                    .filter(e -> !gone.contains(e.id()) && e.at().isBefore(cutoff)).limit(limit).toList();
            chosen.forEach(e -> gone.add(e.id()));
            return chosen.size();
        }
    }

    static final class RecordFailsOpen extends Forwarding {
        RecordFailsOpen(ReferenceAuditLog ref) {
            super(ref);
        }

        @Override
        public void record(AuditEvent event) {
            try {
                ref.record(event);
            } catch (StoreUnavailableException dropped) {
                // the event is lost, and nobody is told
            }
        }
    }
}
