package org.portcullis.auth.micrometer;

import java.time.Instant;
import java.util.Optional;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.ForwardingSessionStore;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * The session store as it is, but for one thing: a rotation or a creation whose event goes to
 * this module's counting sink is handed to the store with the sink underneath, so that a store
 * which writes the event in its own statement ({@link SessionStore#rotateAndRecord},
 * {@link SessionStore#createAndRecord}; the JDBC store on PostgreSQL) still can, and the event is
 * counted here once it is stored. Without this, a store would not recognise its own audit log
 * behind the counting sink, and turning metrics on would cost every refresh a statement and a
 * commit, and every login two statements. Thread-safe if the delegate is.
 */
final class MeteredSessionStore extends ForwardingSessionStore {

    private final MeteredAuditSink sink;

    MeteredSessionStore(SessionStore delegate, MeteredAuditSink sink) {
        super(delegate);
        this.sink = sink;
    }

    @Override
    public Optional<RotationResult> rotateAndRecord(String sessionId, String expectedHash, String newHash, Instant now,
                                                    Instant newIdleExpiresAt, AuditSink audit, AuditEvent eventIfRotated) {
        if (audit != sink) {
            return super.rotateAndRecord(sessionId, expectedHash, newHash, now, newIdleExpiresAt, audit, eventIfRotated);
        }
        Optional<RotationResult> result = delegate().rotateAndRecord(sessionId, expectedHash, newHash, now,
                newIdleExpiresAt, sink.delegate(), eventIfRotated);
        // Counted as the sink counts: once the event is stored, and only then.
        if (result.isPresent() && result.get() == RotationResult.ROTATED) {
            sink.count(eventIfRotated);
        }
        return result;
    }

    @Override
    public boolean createAndRecord(Session session, String refreshTokenHash, AuditSink audit, AuditEvent event) {
        if (audit != sink) {
            return super.createAndRecord(session, refreshTokenHash, audit, event);
        }
        boolean recorded = delegate().createAndRecord(session, refreshTokenHash, sink.delegate(), event);
        if (recorded) {
            sink.count(event);
        }
        return recorded;
    }

    @Override
    public String toString() {
        return "Metered[" + delegate() + "]";
    }
}
