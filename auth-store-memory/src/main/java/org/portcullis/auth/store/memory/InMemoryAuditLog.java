package org.portcullis.auth.store.memory;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;

/**
 * An {@link AuditLog} in a sorted concurrent map, for tests, development and single-node use.
 * Events are kept in (time, id) order; recording an event whose id is already held changes
 * nothing, so a retried write does not duplicate.
 *
 * <p><b>Thread-safety.</b> Every method is safe from any thread and takes no lock; a query sees
 * a weakly consistent view of events recorded concurrently.
 *
 * <p><b>Bounded memory.</b> At most {@code maxEvents} events are kept (default
 * {@value #DEFAULT_MAX_EVENTS}); past the cap the oldest are dropped as new ones arrive, so the
 * log is a window on the most recent activity, not a compliance archive: use the JDBC store for
 * that. {@link #purge} applies the configured retention as for any other log.
 *
 * <p><b>Cursors</b> are opaque strings naming the last event of a page; a cursor that this
 * class did not produce is refused with {@link IllegalArgumentException}.
 */
public final class InMemoryAuditLog implements AuditLog {

    /** Default cap on events held. */
    public static final int DEFAULT_MAX_EVENTS = 100_000;

    private final int maxEvents;
    private final ConcurrentSkipListMap<Key, AuditEvent> events = new ConcurrentSkipListMap<>();
    /** Counted apart because {@link ConcurrentSkipListMap#size()} walks the whole map. */
    private final AtomicInteger count = new AtomicInteger();

    /** A log holding at most {@value #DEFAULT_MAX_EVENTS} events. */
    public InMemoryAuditLog() {
        this(DEFAULT_MAX_EVENTS);
    }

    /**
     * A log holding at most {@code maxEvents} events.
     *
     * @throws IllegalArgumentException if {@code maxEvents} is below 1
     */
    public InMemoryAuditLog(int maxEvents) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        this.maxEvents = maxEvents;
    }

    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        if (events.putIfAbsent(new Key(event.at(), event.id()), event) != null) {
            return;
        }
        // Each insertion past the cap drops one oldest event, so the log never grows beyond it for long.
        if (count.incrementAndGet() > maxEvents && events.pollFirstEntry() != null) {
            count.decrementAndGet();
        }
    }

    @Override
    public AuditPage query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        NavigableMap<Key, AuditEvent> view = events;
        if (query.cursor().isPresent()) {
            view = view.tailMap(decode(query.cursor().get()), false);
        } else if (query.from().isPresent()) {
            view = view.tailMap(new Key(query.from().get(), ""), true);
        }
        if (query.to().isPresent()) {
            // "" sorts before every id, so this bound excludes every event at the 'to' instant.
            view = view.headMap(new Key(query.to().get(), ""), false);
        }
        List<AuditEvent> page = new ArrayList<>(Math.min(query.limit(), 64));
        Key last = null;
        boolean more = false;
        for (Map.Entry<Key, AuditEvent> e : view.entrySet()) {
            if (!query.matches(e.getValue())) {
                continue;
            }
            if (page.size() == query.limit()) {
                more = true;
                break;
            }
            page.add(e.getValue());
            last = e.getKey();
        }
        return new AuditPage(page, more ? Optional.of(encode(last)) : Optional.empty());
    }

    @Override
    public int purge(Instant cutoff, int limit) {
        Objects.requireNonNull(cutoff, "cutoff");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        int purged = 0;
        while (purged < limit) {
            Map.Entry<Key, AuditEvent> first = events.firstEntry();
            if (first == null || !first.getKey().at().isBefore(cutoff)) {
                break;
            }
            if (events.remove(first.getKey()) != null) {
                count.decrementAndGet();
                purged++;
            }
        }
        return purged;
    }

    /** Every event held, in (time, id) order: a snapshot, for tests. */
    public List<AuditEvent> events() {
        return List.copyOf(events.values());
    }

    /** How many events are held. */
    public int size() {
        return Math.max(0, count.get());
    }

    @Override
    public String toString() {
        return "InMemoryAuditLog[events=" + size() + ", maxEvents=" + maxEvents + "]";
    }

    private static String encode(Key key) {
        String plain = key.at() + "|" + key.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    private static Key decode(String cursor) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = plain.indexOf('|');
            if (bar < 0) {
                throw new IllegalArgumentException("malformed audit cursor");
            }
            return new Key(Instant.parse(plain.substring(0, bar)), plain.substring(bar + 1));
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IllegalArgumentException("malformed audit cursor", e);
        }
    }

    private record Key(Instant at, String id) implements Comparable<Key> {
        private static final Comparator<Key> ORDER = Comparator.comparing(Key::at).thenComparing(Key::id);

        @Override
        public int compareTo(Key other) {
            return ORDER.compare(this, other);
        }
    }
}
