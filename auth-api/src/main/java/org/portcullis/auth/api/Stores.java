package org.portcullis.auth.api;

import java.util.Objects;

/**
 * One backend's implementations of every store SPI, handed to the engine's builder in one
 * piece. A backend (in-memory, JDBC) offers a factory that returns one of these.
 *
 * @param users        users and password hashes
 * @param sessions     sessions and refresh-token state
 * @param attempts     failed-login counters
 * @param signingKeys  signing keys
 * @param audit        the audit sink (an {@link AuditLog} when the backend can be queried)
 * @param transactions how to group a session change with its audit event
 * @param invalidations how other nodes' revocations reach this node's caches at once;
 *                      {@link InvalidationFeed#NONE} for a single-process store
 */
public record Stores(UserStore users, SessionStore sessions, AttemptStore attempts, SigningKeyStore signingKeys,
                     AuditSink audit, StoreTransactions transactions, InvalidationFeed invalidations) {

    public Stores {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(attempts, "attempts");
        Objects.requireNonNull(signingKeys, "signingKeys");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(transactions, "transactions");
        Objects.requireNonNull(invalidations, "invalidations");
    }

    /** Stores without an invalidation feed ({@link InvalidationFeed#NONE}): one node, or staleness bounds only. */
    public Stores(UserStore users, SessionStore sessions, AttemptStore attempts, SigningKeyStore signingKeys,
                  AuditSink audit, StoreTransactions transactions) {
        this(users, sessions, attempts, signingKeys, audit, transactions, InvalidationFeed.NONE);
    }
}
