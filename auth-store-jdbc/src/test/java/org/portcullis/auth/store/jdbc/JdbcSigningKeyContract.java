package org.portcullis.auth.store.jdbc;

import java.util.Optional;

import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.store.tck.SigningKeyStoreContract;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The {@link SigningKeyStoreContract} bound to the JDBC {@link SigningKeyStore}, with durability and failing closed
 * declared; one subclass per database.
 */
abstract class JdbcSigningKeyContract extends SigningKeyStoreContract {

    private final JdbcContracts.Pools pools = new JdbcContracts.Pools(kind());

    /** The database this run uses. */
    abstract Backend.Kind kind();

    @Override
    protected SigningKeyStore createStore(MutableClock clock) {
        return pools.fresh().stores().signingKeys();
    }

    @Override
    protected void closeStore(SigningKeyStore store) {
        pools.closeAll();
    }

    @Override
    protected Optional<SigningKeyStore> reopen(SigningKeyStore store) {
        return Optional.of(pools.another().stores().signingKeys());
    }

    @Override
    protected boolean canMakeUnavailable() {
        return true;
    }

    @Override
    protected void makeUnavailable(SigningKeyStore store) {
        pools.closeAll();
    }

    @Override
    protected Optional<byte[]> storedPrivateKeyBytes(SigningKeyStore store, String kid) {
        return pools.storedPrivateKey(kid);
    }
}
