package org.portcullis.auth.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A filter over the audit trail for {@link AuditLog#query}. Results are ordered by time, then
 * id, ascending. Paging is by cursor: pass the {@link AuditPage#nextCursor()} of one page to get
 * the next.
 *
 * @param userId only events of this user
 * @param types  only events of these types; empty means all types
 * @param from   only events at or after this instant (inclusive)
 * @param to     only events before this instant (exclusive)
 * @param limit  page size, 1 to {@link #MAX_LIMIT}
 * @param cursor the opaque cursor of the previous page, if any
 */
public record AuditQuery(Optional<String> userId, Set<AuditEventType> types, Optional<Instant> from,
                         Optional<Instant> to, int limit, Optional<String> cursor) {

    /** Largest page. */
    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        Objects.requireNonNull(userId, "userId");
        types = Set.copyOf(types);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(cursor, "cursor");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ": " + limit);
        }
    }

    /** Every event, 100 at a time. */
    public static AuditQuery all() {
        return new AuditQuery(Optional.empty(), Set.of(), Optional.empty(), Optional.empty(), 100, Optional.empty());
    }

    public AuditQuery forUser(String userId) {
        return new AuditQuery(Optional.of(userId), types, from, to, limit, cursor);
    }

    public AuditQuery ofTypes(Set<AuditEventType> types) {
        return new AuditQuery(userId, types, from, to, limit, cursor);
    }

    public AuditQuery between(Instant fromInclusive, Instant toExclusive) {
        return new AuditQuery(userId, types, Optional.of(fromInclusive), Optional.of(toExclusive), limit, cursor);
    }

    public AuditQuery limit(int limit) {
        return new AuditQuery(userId, types, from, to, limit, cursor);
    }

    public AuditQuery after(String cursor) {
        return new AuditQuery(userId, types, from, to, limit, Optional.of(cursor));
    }

    /** Whether an event passes the filter (the cursor aside); a helper for store implementations. */
    public boolean matches(AuditEvent event) {
        return userId.map(u -> event.userId().map(u::equals).orElse(false)).orElse(true)
                && (types.isEmpty() || types.contains(event.type()))
                && from.map(f -> !event.at().isBefore(f)).orElse(true)
                && to.map(t -> event.at().isBefore(t)).orElse(true);
    }
}
