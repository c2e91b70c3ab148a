package org.portcullis.auth.api;

import java.time.Instant;

/**
 * The query side of the audit trail, for compliance reports. Optional: an {@link AuditSink}
 * that only forwards events (to a log, to a SIEM) need not implement it.
 *
 * <p>Implementations must be thread-safe and throw {@link StoreUnavailableException} when the
 * store cannot be reached.
 */
public interface AuditLog extends AuditSink {

    /** A page of events matching the query, in (time, id) order. */
    AuditPage query(AuditQuery query);

    /**
     * Deletes at most {@code limit} events older than {@code cutoff} (exclusive), in one short
     * transaction. The cleanup job calls it until it returns fewer than {@code limit}.
     *
     * @return how many events were deleted
     */
    int purge(Instant cutoff, int limit);
}
