package org.portcullis.auth.store.memory;

import java.time.Clock;
import java.util.Objects;

import org.portcullis.auth.api.StoreTransactions;
import org.portcullis.auth.api.Stores;

/**
 * Factory for a complete set of in-memory stores, for tests, development and single-node use.
 * Nothing survives a restart, and nothing is shared between processes: run several nodes on
 * one shared JDBC store instead.
 *
 * <pre>{@code
 * Stores stores = InMemoryStores.create(Clock.systemUTC());
 * }</pre>
 *
 * <p>The audit sink of the result is an {@link InMemoryAuditLog}; transactions are
 * {@link StoreTransactions#NONE}.
 */
public final class InMemoryStores {

    private InMemoryStores() {
    }

    /**
     * Fresh, empty stores with default size caps. The clock is used only for housekeeping (dropping
     * entries that have been over for a long time); every SPI answer is computed from the instant the
     * caller passes in.
     *
     * @param clock the clock housekeeping reads; in tests, the same movable clock the engine uses
     */
    public static Stores create(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        return new Stores(new InMemoryUserStore(), new InMemorySessionStore(clock), new InMemoryAttemptStore(),
                new InMemorySigningKeyStore(), new InMemoryAuditLog(), StoreTransactions.NONE);
    }
}
