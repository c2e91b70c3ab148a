package org.portcullis.auth.api;

import java.util.function.Supplier;

/**
 * Runs a unit of work so that the store writes inside it commit or roll back together: the
 * engine wraps each session change with its audit event in one, so that neither is lost without
 * the other. A JDBC store implements it with a database transaction that its stores join;
 * stores without transactions use {@link #NONE}, and the engine then writes the audit event
 * first, so that a completed operation never lacks its record.
 */
public interface StoreTransactions {

    /** No transactions: the work simply runs. */
    StoreTransactions NONE = new StoreTransactions() {
        @Override
        public <T> T inTransaction(Supplier<T> work) {
            return work.get();
        }
    };

    /**
     * Runs {@code work} in a transaction and returns its result. If {@code work} throws, the
     * transaction rolls back and the exception propagates unchanged. Nested calls join the
     * outer transaction.
     *
     * @throws StoreUnavailableException if the transaction cannot begin or commit
     */
    <T> T inTransaction(Supplier<T> work);
}
