package org.portcullis.auth.micrometer;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditSink;

/** Passes each event on, then counts it. Thread-safe if the delegate is. */
class MeteredAuditSink implements AuditSink {

    private final AuditSink delegate;
    private final AuditCounters counters;

    MeteredAuditSink(AuditSink delegate, AuditCounters counters) {
        this.delegate = delegate;
        this.counters = counters;
    }

    @Override
    public void record(AuditEvent event) {
        delegate.record(event);
        counters.count(event);
    }

    /** The sink every event is passed on to. */
    final AuditSink delegate() {
        return delegate;
    }

    /** Counts an event that a store wrote to {@link #delegate()} for this sink (see {@link MeteredSessionStore}). */
    final void count(AuditEvent event) {
        counters.count(event);
    }
}
