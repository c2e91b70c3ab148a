package org.portcullis.auth.store.tck.mutation;

import java.time.Clock;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * One deliberately broken store. {@code open} builds it over a disk (again for each "restart");
 * {@code name} says the behaviour it breaks; {@code caughtBy} is the contract check aimed at
 * that behaviour, which must be among the checks it fails.
 *
 * @param <D> the reference store's disk
 * @param <S> the store SPI
 */
record Mutant<D, S>(String name, String caughtBy, BiFunction<D, Clock, S> open) {

    Mutant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(caughtBy, "caughtBy");
        Objects.requireNonNull(open, "open");
    }

    static <D, S> Mutant<D, S> of(String name, String caughtBy, BiFunction<D, Clock, S> open) {
        return new Mutant<>(name, caughtBy, open);
    }

    /**
     * Widens a read-then-write gap the way a network round trip to a database would, so that a
     * race between the read and the write happens on every run rather than once in a while.
     */
    static void gap() {
        for (int i = 0; i < 2_000; i++) {
            Thread.yield();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
