package org.portcullis.auth.store.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;

/**
 * A {@link SigningKeyStore} in the heap, for tests, development and single-node use. Keys are
 * held in plain form (nothing is at rest), and lost on restart, so every restart starts a new
 * key and invalidates tokens signed before it.
 *
 * <p>Thread-safe: every method holds the store's lock for the short time it takes. A key
 * store holds a handful of keys (the engine deletes expired ones through {@link #purge}),
 * so it needs no cap of its own.
 */
public final class InMemorySigningKeyStore implements SigningKeyStore {

    /** In insertion order; {@link #findAll} sorts by creation time, insertion breaking ties. */
    private final LinkedHashMap<String, SigningKey> keys = new LinkedHashMap<>();

    /** An empty store. */
    public InMemorySigningKeyStore() {
    }

    @Override
    public synchronized List<SigningKey> findAll() {
        List<SigningKey> all = new ArrayList<>(keys.values());
        // List.sort is stable, so keys created at the same instant keep their insertion order.
        all.sort((a, b) -> a.createdAt().compareTo(b.createdAt()));
        return List.copyOf(all);
    }

    @Override
    public synchronized boolean create(SigningKey key) {
        Objects.requireNonNull(key, "key");
        return keys.putIfAbsent(key.kid(), key) == null;
    }

    @Override
    public synchronized boolean update(SigningKey key) {
        Objects.requireNonNull(key, "key");
        SigningKey existing = keys.get(key.kid());
        if (existing == null) {
            return false;
        }
        // Only the schedule may change: the material and the algorithm stay those first stored.
        keys.put(key.kid(), new SigningKey(existing.kid(), existing.algorithm(), existing.publicKey(),
                existing.privateKey(), existing.createdAt(), existing.activatesAt(), key.retiresAt(), key.expiresAt()));
        return true;
    }

    @Override
    public synchronized boolean revoke(String kid, Instant at) {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(at, "at");
        SigningKey existing = keys.get(kid);
        if (existing == null || !existing.canVerifyAt(at)) {
            return false;
        }
        keys.put(kid, existing.revokedAt(at));
        return true;
    }

    @Override
    public synchronized int purge(Instant now) {
        Objects.requireNonNull(now, "now");
        int deleted = 0;
        for (Iterator<SigningKey> it = keys.values().iterator(); it.hasNext(); ) {
            if (!it.next().canVerifyAt(now)) {
                it.remove();
                deleted++;
            }
        }
        return deleted;
    }

    @Override
    public synchronized String toString() {
        return "InMemorySigningKeyStore[keys=" + keys.keySet() + "]";
    }
}
