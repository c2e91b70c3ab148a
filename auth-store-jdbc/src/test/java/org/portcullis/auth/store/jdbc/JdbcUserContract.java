package org.portcullis.auth.store.jdbc;

import java.util.Optional;

import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.store.tck.UserStoreContract;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The {@link UserStoreContract} bound to the JDBC {@link UserStore}, with durability and failing closed
 * declared; one subclass per database.
 */
abstract class JdbcUserContract extends UserStoreContract {

    private final JdbcContracts.Pools pools = new JdbcContracts.Pools(kind());

    /** The database this run uses. */
    abstract Backend.Kind kind();

    @Override
    protected UserStore createStore(MutableClock clock) {
        return pools.fresh().stores().users();
    }

    @Override
    protected void closeStore(UserStore store) {
        pools.closeAll();
    }

    @Override
    protected Optional<UserStore> reopen(UserStore store) {
        return Optional.of(pools.another().stores().users());
    }

    @Override
    protected boolean canMakeUnavailable() {
        return true;
    }

    @Override
    protected void makeUnavailable(UserStore store) {
        pools.closeAll();
    }
}
