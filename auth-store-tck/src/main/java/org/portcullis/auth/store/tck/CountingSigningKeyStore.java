package org.portcullis.auth.store.tck;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;

/**
 * A {@link SigningKeyStore} that passes every call to another one and counts the reads
 * ({@link #findAll()}), for tests that bound how often an engine reads its keys.
 *
 * <p>Thread-safe if the delegate is; the count is exact under any number of threads.
 */
public final class CountingSigningKeyStore implements SigningKeyStore {

    private final SigningKeyStore delegate;
    private final AtomicInteger reads = new AtomicInteger();

    /** Counts the reads of {@code delegate}. */
    public CountingSigningKeyStore(SigningKeyStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** How many times {@link #findAll()} has been called so far. */
    public int reads() {
        return reads.get();
    }

    @Override
    public List<SigningKey> findAll() {
        reads.incrementAndGet();
        return delegate.findAll();
    }

    @Override
    public boolean create(SigningKey key) {
        return delegate.create(key);
    }

    @Override
    public boolean update(SigningKey key) {
        return delegate.update(key);
    }

    @Override
    public int purge(Instant now) {
        return delegate.purge(now);
    }
}
