package org.portcullis.auth.store.jdbc;

import java.util.Objects;
import java.util.function.Supplier;

import org.portcullis.auth.api.StoreTransactions;

/**
 * A database transaction that every JDBC store joins: a store method called inside
 * {@link #inTransaction} on the same thread runs on the same connection and commits or rolls
 * back with the rest. Nested calls join the outermost transaction.
 */
final class JdbcTransactions implements StoreTransactions {

    private final Db db;

    JdbcTransactions(Db db) {
        this.db = db;
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        // An exception from the work rolls back and propagates unchanged (Jdbi rethrows it as is);
        // only a failure to begin or commit is translated, to StoreUnavailableException.
        return db.inTransaction("transaction", h -> work.get());
    }

    @Override
    public String toString() {
        return "JdbcTransactions[" + db.dialect() + "]";
    }
}
