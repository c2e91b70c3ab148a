package org.portcullis.auth.core.internal;

import java.time.Clock;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.Session;

/**
 * Builds audit events stamped with the injected clock and hands them to the sink; failures that
 * no account vouches for go through {@link UnattributedFailures}, which summarises them per source
 * and window. Thread-safe.
 */
public final class Audit {

    private final AuditSink sink;
    private final Clock clock;
    private final UnattributedFailures unattributed;

    public Audit(AuditSink sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
        this.unattributed = new UnattributedFailures(sink, clock);
    }

    /** An event of {@code type} now, from {@code client}. */
    public AuditEvent.Builder event(AuditEventType type, ClientInfo client) {
        return AuditEvent.builder(type, clock.instant()).client(client);
    }

    /** An event of {@code type} now about {@code session}. */
    public AuditEvent.Builder about(AuditEventType type, Session session, ClientInfo client) {
        return event(type, client).user(session.userId(), session.username()).session(session.id());
    }

    /** The sink every event goes to, for a store that records an event in its own write. */
    public AuditSink sink() {
        return sink;
    }

    /** Records the event; a failing sink's exception propagates (fail closed). */
    public void record(AuditEvent.Builder event) {
        sink.record(event.build());
    }

    /**
     * Records a failure that no account vouches for (garbage input, an unknown token, a throttled
     * attempt): the first of its source and reason in a window as it is, the rest as one summary.
     */
    public void recordUnattributed(AuditEvent.Builder event) {
        unattributed.record(event.build());
    }

    /** Writes the summaries of closed windows (the cleanup job), or of all windows ({@code all}, on close). */
    public void flushSummaries(boolean all) {
        if (all) {
            unattributed.flushAll();
        } else {
            unattributed.flush();
        }
    }
}
