package org.portcullis.auth.core.internal.token;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;

/**
 * One kind of key in the shared {@link SigningKeyStore}: the signing keys, or the token-encryption
 * keys of one algorithm. Each {@link KeyRing} reads the store through one view, so that the
 * signing ring never picks, rotates, retires or publishes an encryption key, and the reverse.
 * Writes go to the store unchanged. Thread-safe when the store is.
 */
public final class SigningKeyView implements SigningKeyStore {

    private final SigningKeyStore store;
    private final Predicate<SigningAlgorithm> kind;

    private SigningKeyView(SigningKeyStore store, Predicate<SigningAlgorithm> kind) {
        this.store = store;
        this.kind = kind;
    }

    /** The keys that sign tokens. */
    public static SigningKeyView signing(SigningKeyStore store) {
        return new SigningKeyView(store, SigningAlgorithm::signs);
    }

    /** The token-encryption keys of {@code algorithm}. */
    public static SigningKeyView encryption(SigningKeyStore store, SigningAlgorithm algorithm) {
        if (algorithm.signs()) {
            throw new IllegalArgumentException(algorithm + " is a signing algorithm");
        }
        return new SigningKeyView(store, a -> a == algorithm);
    }

    @Override
    public List<SigningKey> findAll() {
        return store.findAll().stream().filter(k -> kind.test(k.algorithm())).toList();
    }

    @Override
    public boolean create(SigningKey key) {
        return store.create(key);
    }

    @Override
    public boolean update(SigningKey key) {
        return store.update(key);
    }

    @Override
    public boolean revoke(String kid, Instant at) {
        return store.revoke(kid, at);
    }

    @Override
    public int purge(Instant now) {
        return store.purge(now);
    }

    @Override
    public String toString() {
        return "SigningKeyView[" + store + "]";
    }
}
