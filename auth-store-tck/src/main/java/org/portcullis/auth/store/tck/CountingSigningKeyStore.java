package org.portcullis.auth.store.tck;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * A {@link SigningKeyStore} that passes every call to another one and counts the reads
 * ({@link #findAll()}), for tests that bound how often an engine reads its keys. It can be switched
 * to behave as an unreachable store: every call then throws {@link StoreUnavailableException}
 * (a read attempted while unavailable is still counted).
 *
 * <p>Thread-safe if the delegate is; the count is exact under any number of threads.
 */
public final class CountingSigningKeyStore implements SigningKeyStore {

    private final SigningKeyStore delegate;
    private final AtomicInteger reads = new AtomicInteger();
    private volatile boolean unavailable;

    /** Counts the reads of {@code delegate}. */
    public CountingSigningKeyStore(SigningKeyStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** How many times {@link #findAll()} has been called so far. */
    public int reads() {
        return reads.get();
    }

    /** From now on every call fails as an unreachable store would ({@code true}), or works again. */
    public void unavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    private void reachable() {
        if (unavailable) {
            throw new StoreUnavailableException("signing-key store switched off by the test");
        }
    }

    @Override
    public List<SigningKey> findAll() {
        reads.incrementAndGet();
        reachable();
        return delegate.findAll();
    }

    @Override
    public boolean create(SigningKey key) {
        reachable();
        return delegate.create(key);
    }

    @Override
    public boolean update(SigningKey key) {
        reachable();
        return delegate.update(key);
    }

    @Override
    public int purge(Instant now) {
        reachable();
        return delegate.purge(now);
    }
}
