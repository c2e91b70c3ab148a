package org.portcullis.auth.store.jdbc;

import java.util.Optional;

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

    @Override
    protected SessionStore createStore(MutableClock clock) {
        return pools.fresh().stores().sessions();
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
