package org.portcullis.auth.store.jdbc;

import java.util.Optional;

import org.portcullis.auth.api.ExternalIdentityStore;
import org.portcullis.auth.store.tck.ExternalIdentityStoreContract;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The {@link ExternalIdentityStoreContract} bound to the JDBC {@link ExternalIdentityStore}, with
 * durability and failing closed declared; one subclass per database.
 */
abstract class JdbcExternalIdentityContract extends ExternalIdentityStoreContract {

    private final JdbcContracts.Pools pools = new JdbcContracts.Pools(kind());

    /** The database this run uses. */
    abstract Backend.Kind kind();

    @Override
    protected ExternalIdentityStore createStore(MutableClock clock) {
        return pools.fresh().externalIdentities();
    }

    @Override
    protected void closeStore(ExternalIdentityStore store) {
        pools.closeAll();
    }

    @Override
    protected Optional<ExternalIdentityStore> reopen(ExternalIdentityStore store) {
        return Optional.of(pools.another().externalIdentities());
    }

    @Override
    protected boolean canMakeUnavailable() {
        return true;
    }

    @Override
    protected void makeUnavailable(ExternalIdentityStore store) {
        pools.closeAll();
    }
}
