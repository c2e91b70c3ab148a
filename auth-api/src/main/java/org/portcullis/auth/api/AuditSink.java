package org.portcullis.auth.api;

/**
 * Receives every {@link AuditEvent}. Implementations must be thread-safe. A sink that cannot
 * write throws {@link StoreUnavailableException}; the engine then fails the operation that
 * produced the event rather than let it go unrecorded.
 */
@FunctionalInterface
public interface AuditSink {

    /** Records one event. */
    void record(AuditEvent event);
}
