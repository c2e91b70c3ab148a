package org.portcullis.auth.core.internal.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.StoreTransactions;
import org.portcullis.auth.core.internal.Audit;
import org.portcullis.auth.core.internal.validate.SessionStatus;

/**
 * The one owner of "change a session". Each method is one store write grouped with its audit
 * event in one {@link StoreTransactions transaction} (or, for a store that records the event in
 * its own write, {@link SessionStore#rotateAndRecord} and {@link SessionStore#createAndRecord},
 * in that one write), followed by the matching update of this
 * node's {@link SessionStatus}, so no flow can write a session and forget the status view (a
 * revocation that this node did not note would be honoured here only after
 * {@code sessionStatusTtl}; OWASP ASVS V3.3.1). Flows get this class and {@link SessionReads},
 * never the {@link SessionStore} itself.
 *
 * <p>Order inside the transaction: where the event does not depend on the write's result it is
 * recorded first, so that with {@link StoreTransactions#NONE} a crash in between leaves a record
 * of an attempted change, never a change without a record. Where it does (how many sessions were
 * revoked, whether a rotation won) the write comes first and the event is built from its result.
 * A failing audit sink or store propagates its exception (fail closed); the status view is then
 * not touched.
 *
 * <p>Thread-safe: holds no state of its own; the store and the status view are thread-safe.
 */
public final class SessionWrites {

    private final SessionStore store;
    private final StoreTransactions transactions;
    private final Audit audit;
    private final SessionStatus status;

    public SessionWrites(SessionStore store, StoreTransactions transactions, Audit audit, SessionStatus status) {
        this.store = store;
        this.transactions = transactions;
        this.audit = audit;
        this.status = status;
    }

    /** Records {@code event}, stores the new session with its first refresh-token hash, and notes it as active here. */
    public void create(Session session, String refreshTokenHash, AuditEvent.Builder event) {
        create(session, refreshTokenHash, event, () -> null);
    }

    /**
     * As {@link #create(Session, String, AuditEvent.Builder)}, running {@code alongside} first in
     * the same transaction, so that its store writes commit with the session or not at all: a
     * login's throttle resets and device token commit with its session, one durable commit per
     * login. The transaction has committed when this returns (unless the caller holds an outer
     * one, which no flow does), and only then is the session noted here.
     *
     * @return what {@code alongside} returned
     */
    public <T> T create(Session session, String refreshTokenHash, AuditEvent.Builder event, Supplier<T> alongside) {
        AuditEvent built = event.build();
        T result = transactions.inTransaction(() -> {
            T r = alongside.get();
            // A store that writes the event in the session's own statement saves a statement; any
            // other declines, having changed nothing, and the event goes first as everywhere here.
            if (!store.createAndRecord(session, refreshTokenHash, audit.sink(), built)) {
                audit.sink().record(built);
                store.create(session, refreshTokenHash);
            }
            return r;
        });
        status.update(session);
        return result;
    }

    /**
     * Rotates the refresh token (see {@link SessionStore#rotate}); only when this call wins,
     * records {@code eventIfRotated} and notes {@code rotated}, the session as it now stands.
     */
    public RotationResult rotate(Session rotated, String expectedHash, String newHash, Instant now,
                                 AuditEvent.Builder eventIfRotated) {
        AuditEvent event = eventIfRotated.build();
        // A store that writes the event in the rotation's own statement saves a statement and a
        // commit (a refresh on PostgreSQL is then one write round trip); any other store answers
        // empty, having changed nothing, and the two writes share a transaction instead.
        RotationResult result = store.rotateAndRecord(rotated.id(), expectedHash, newHash, now,
                        rotated.idleExpiresAt(), audit.sink(), event)
                .orElseGet(() -> transactions.inTransaction(() -> {
                    RotationResult r = store.rotate(rotated.id(), expectedHash, newHash, now, rotated.idleExpiresAt());
                    if (r == RotationResult.ROTATED) {
                        audit.sink().record(event);
                    }
                    return r;
                }));
        if (result == RotationResult.ROTATED) {
            status.update(rotated);
        }
        return result;
    }

    /**
     * Records {@code event}, revokes one session and notes it as revoked here (also when it was
     * already revoked: the view then only learns sooner what the store says).
     *
     * @return whether this call revoked it
     */
    public boolean revoke(String sessionId, RevocationReason reason, Instant now, AuditEvent.Builder event) {
        boolean revoked = transactions.inTransaction(() -> {
            audit.record(event);
            return store.revoke(sessionId, reason, now);
        });
        status.revoked(sessionId);
        return revoked;
    }

    /**
     * Revokes every session of a user (but {@code except}), records the event {@code event}
     * builds from the revoked ids, and notes each as revoked here.
     *
     * @return the ids this call revoked
     */
    public List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> except,
                                  Function<List<String>, AuditEvent.Builder> event) {
        List<String> ids = transactions.inTransaction(() -> {
            List<String> revoked = store.revokeAll(userId, reason, now, except);
            audit.record(event.apply(revoked));
            return revoked;
        });
        ids.forEach(status::revoked);
        return ids;
    }

    /**
     * Deletes one batch of ended sessions (see {@link SessionStore#purge}) and, when any were
     * deleted, records the event {@code event} builds from them. Deleted sessions had expired or
     * been revoked, so this node's view already treats them as inactive or reads them again.
     *
     * @return the sessions deleted
     */
    public List<Session> purge(Instant now, Instant revokedBefore, int limit,
                               Function<List<Session>, AuditEvent.Builder> event) {
        return transactions.inTransaction(() -> {
            List<Session> removed = store.purge(now, revokedBefore, limit);
            if (!removed.isEmpty()) {
                audit.record(event.apply(removed));
            }
            return removed;
        });
    }
}
