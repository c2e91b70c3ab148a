package org.portcullis.auth.store.jdbc;

import java.util.Optional;

import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.store.tck.AttemptStoreContract;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The {@link AttemptStoreContract} bound to the JDBC {@link AttemptStore}, with durability and failing closed
 * declared; one subclass per database.
 */
abstract class JdbcAttemptContract extends AttemptStoreContract {

    private final JdbcContracts.Pools pools = new JdbcContracts.Pools(kind());

    /** The database this run uses. */
    abstract Backend.Kind kind();

    @Override
    protected AttemptStore createStore(MutableClock clock) {
        return pools.fresh().stores().attempts();
    }

    @Override
    protected void closeStore(AttemptStore store) {
        pools.closeAll();
    }

    @Override
    protected Optional<AttemptStore> reopen(AttemptStore store) {
        return Optional.of(pools.another().stores().attempts());
    }

    @Override
    protected boolean canMakeUnavailable() {
        return true;
    }

    @Override
    protected void makeUnavailable(AttemptStore store) {
        pools.closeAll();
    }
}
