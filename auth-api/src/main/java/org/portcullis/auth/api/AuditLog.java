package org.portcullis.auth.api;

import java.time.Instant;

/**
 * The query side of the audit trail, for compliance reports. Optional: an {@link AuditSink}
 * that only forwards events (to a log, to a SIEM) need not implement it.
 *
 * <p>Implementations must be thread-safe and throw {@link StoreUnavailableException} when the
 * store cannot be reached (never drop an event silently). Event times are kept to the
 * millisecond at least. A durable log keeps events and purges across a restart. All of it is
 * checked by {@code AuditLogContract}.
 */
public interface AuditLog extends AuditSink {

    /** A page of events matching the query, in (time, id) order. */
    AuditPage query(AuditQuery query);

    /**
     * Deletes at most {@code limit} events older than {@code cutoff} (exclusive), oldest first, in
     * one short transaction. The cleanup job calls it until it returns fewer than {@code limit};
     * concurrent calls delete each event once between them.
     *
     * @return how many events were deleted
     */
    int purge(Instant cutoff, int limit);
}
