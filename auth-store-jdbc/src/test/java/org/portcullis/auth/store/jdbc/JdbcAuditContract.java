package org.portcullis.auth.store.jdbc;

import java.util.Optional;

import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.store.tck.AuditLogContract;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * The {@link AuditLogContract} bound to the JDBC {@link AuditLog}, with durability and failing closed
 * declared; one subclass per database.
 */
abstract class JdbcAuditContract extends AuditLogContract {

    private final JdbcContracts.Pools pools = new JdbcContracts.Pools(kind());

    /** The database this run uses. */
    abstract Backend.Kind kind();

    @Override
    protected AuditLog createStore(MutableClock clock) {
        return pools.fresh().auditLog();
    }

    @Override
    protected void closeStore(AuditLog store) {
        pools.closeAll();
    }

    @Override
    protected Optional<AuditLog> reopen(AuditLog store) {
        return Optional.of(pools.another().auditLog());
    }

    @Override
    protected boolean canMakeUnavailable() {
        return true;
    }

    @Override
    protected void makeUnavailable(AuditLog store) {
        pools.closeAll();
    }
}
