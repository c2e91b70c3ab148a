package org.portcullis.auth.store.jdbc;

import java.util.Optional;

import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.store.tck.SessionStoreContract;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The {@link SessionStoreContract} bound to the JDBC {@link SessionStore}, with durability and failing closed
 * declared; one subclass per database.
 */
abstract class JdbcSessionContract extends SessionStoreContract {

    private final JdbcContracts.Pools pools = new JdbcContracts.Pools(kind());

    /** The database this run uses. */
    abstract Backend.Kind kind();

    /** The stores of the current test's session store. */
    private JdbcStores current;

    @Override
    protected SessionStore createStore(MutableClock clock) {
        current = pools.fresh();
        return current.stores().sessions();
    }

    /** On PostgreSQL the store writes the refresh's audit row in its rotation statement; on H2 it declines. */
    @Override
    protected Optional<AuditLog> ownAuditLog(SessionStore store) {
        return kind() == Backend.Kind.POSTGRESQL ? Optional.of(current.auditLog()) : Optional.empty();
    }

    @Override
    protected void closeStore(SessionStore store) {
        pools.closeAll();
    }

    @Override
    protected Optional<SessionStore> reopen(SessionStore store) {
        return Optional.of(pools.another().stores().sessions());
    }

    @Override
    protected boolean canMakeUnavailable() {
        return true;
    }

    @Override
    protected void makeUnavailable(SessionStore store) {
        pools.closeAll();
    }
}
