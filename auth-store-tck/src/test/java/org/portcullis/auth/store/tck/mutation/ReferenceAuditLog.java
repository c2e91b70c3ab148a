package org.portcullis.auth.store.tck.mutation;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * An obviously right {@link AuditLog}: events by id, sorted on every query, every method
 * synchronized on its {@link Disk}. Its cursor is the (time, id) of the last event of a page.
 */
final class ReferenceAuditLog implements AuditLog {

    /** What survives a restart, and the switch that takes the backend away. */
    static final class Disk {
        final Map<String, AuditEvent> events = new HashMap<>();
        volatile boolean down;
    }

    static final Comparator<AuditEvent> ORDER = Comparator.comparing(AuditEvent::at).thenComparing(AuditEvent::id);

    final Disk disk;

    ReferenceAuditLog(Disk disk) {
        this.disk = disk;
    }

    private void up() {
        if (disk.down) {
            throw new StoreUnavailableException("the reference store's backend is gone");
        }
    }

    @Override
    public void record(AuditEvent event) {
        synchronized (disk) {
            up();
            disk.events.putIfAbsent(event.id(), event);
        }
    }

    @Override
    public AuditPage query(AuditQuery query) {
        Optional<AuditEvent> after = query.cursor().map(ReferenceAuditLog::parse);
        synchronized (disk) {
            up();
            List<AuditEvent> page = disk.events.values().stream().filter(query::matches)
                    .filter(e -> after.map(a -> ORDER.compare(e, a) > 0).orElse(true))
                    .sorted(ORDER).limit(query.limit()).toList();
            Optional<String> next = page.size() == query.limit()
                    ? Optional.of(page.get(page.size() - 1).at() + "|" + page.get(page.size() - 1).id())
                    : Optional.empty();
            return new AuditPage(page, next);
        }
    }

    private static AuditEvent parse(String cursor) {
        int bar = cursor.indexOf('|');
        if (bar < 0) {
            throw new IllegalArgumentException("not a cursor of this log");
        }
        return AuditEvent.builder(org.portcullis.auth.api.AuditEventType.KEY_ROTATED,
                Instant.parse(cursor.substring(0, bar))).id(cursor.substring(bar + 1)).build();
    }

    @Override
    public int purge(Instant cutoff, int limit) {
        synchronized (disk) {
            up();
            List<AuditEvent> old = disk.events.values().stream().filter(e -> e.at().isBefore(cutoff))
                    .sorted(ORDER).limit(limit).toList();
            old.forEach(e -> disk.events.remove(e.id()));
            return old.size();
        }
    }

    // ---- unchecked primitives for the broken stores ----

    List<AuditEvent> readAll() {
        synchronized (disk) {
            up();
            return disk.events.values().stream().sorted(ORDER).toList();
        }
    }

    void replaceAll(List<AuditEvent> events) {
        synchronized (disk) {
            up();
            disk.events.clear();
            events.forEach(e -> disk.events.put(e.id(), e));
        }
    }

    void delete(String id) {
        synchronized (disk) {
            up();
            disk.events.remove(id);
        }
    }

    @Override
    public String toString() {
        return "ReferenceAuditLog";
    }
}
