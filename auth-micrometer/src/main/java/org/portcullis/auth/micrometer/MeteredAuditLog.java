package org.portcullis.auth.micrometer;

import java.time.Instant;

import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;

/** A counting sink over an {@link AuditLog} that keeps the query and retention side. Thread-safe if the delegate is. */
final class MeteredAuditLog extends MeteredAuditSink implements AuditLog {

    private final AuditLog log;

    MeteredAuditLog(AuditLog log, AuditCounters counters) {
        super(log, counters);
        this.log = log;
    }

    @Override
    public AuditPage query(AuditQuery query) {
        return log.query(query);
    }

    @Override
    public int purge(Instant cutoff, int limit) {
        return log.purge(cutoff, limit);
    }
}
