package org.portcullis.auth.core.internal.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's view of the shared {@link SigningKeyStore}: the prepared signers and verifiers,
 * re-read every {@code reloadInterval} and when a token names a key id this node has not seen
 * (another node may have just published it). The second kind of read is single-flight and happens
 * at most once per {@link #UNKNOWN_KID_RELOAD_GAP} across all threads, and not at all within that
 * gap after a read of any kind: random key ids cannot turn requests into store reads.
 *
 * <p>Signing uses the key that may sign now with the latest activation (ties broken by kid), so
 * that every node picks the same key from the same store. Thread-safe: readers see an immutable
 * snapshot; reloads and key generation are serialised.
 */
public final class KeyRing {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    /** The least time between two store reads caused by unknown key ids. */
    public static final Duration UNKNOWN_KID_RELOAD_GAP = Duration.ofSeconds(5);

    private final SigningKeyStore store;
    private final Clock clock;
    private final Duration reloadInterval;
    private final SigningAlgorithm algorithm;
    private final Consumer<SigningKey> onGenerated;
    private final Object lock = new Object();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Instant.MIN);
    /** When the store was last read (or a read attempted), for any reason; written under {@code lock}. */
    private volatile Instant lastRead = Instant.MIN;

    private record Snapshot(Map<String, KeyMaterial.Prepared> byKid, Instant loadedAt) {
    }

    public KeyRing(SigningKeyStore store, Clock clock, Duration reloadInterval, SigningAlgorithm algorithm,
                   Consumer<SigningKey> onGenerated) {
        this.store = store;
        this.clock = clock;
        this.reloadInterval = reloadInterval;
        this.algorithm = algorithm;
        this.onGenerated = onGenerated;
    }

    /**
     * The key to sign with now; generates and publishes one when the store has none that may
     * sign (the first start of a cluster).
     *
     * @throws StoreUnavailableException when the key store cannot be read or written
     */
    public KeyMaterial.Prepared signingKey() {
        Instant now = clock.instant();
        Optional<KeyMaterial.Prepared> current = pickSigner(freshSnapshot(now), now);
        if (current.isPresent()) {
            return current.get();
        }
        synchronized (lock) {
            reload(now);
            current = pickSigner(snapshot, now);
            if (current.isPresent()) {
                return current.get();
            }
            SigningKey key = KeyMaterial.generate(algorithm, now);
            store.create(key);
            onGenerated.accept(key);
            reload(now);
            return pickSigner(snapshot, now)
                    .orElseThrow(() -> new StoreUnavailableException("the key store did not keep a new signing key"));
        }
    }

    /**
     * The pinned verifier of key {@code kid}, if this node knows the key and it may still verify.
     */
    public Optional<KeyMaterial.Prepared> verifier(String kid) {
        Instant now = clock.instant();
        KeyMaterial.Prepared p = freshSnapshot(now).byKid.get(kid);
        if (p == null) {
            p = readForUnknownKid(kid, now);
        }
        if (p == null || !p.key().canVerifyAt(now)) {
            return Optional.empty();
        }
        return Optional.of(p);
    }

    /**
     * Single flight with a minimum interval: an unknown kid costs a store read only if no read of
     * any kind (scheduled, unknown kid, rotation) was attempted within {@link #UNKNOWN_KID_RELOAD_GAP}.
     * The check is repeated under the lock, so of the threads that find the gap elapsed at once,
     * one reads and the others see its result; a flood of random kids costs one read per gap.
     */
    private KeyMaterial.Prepared readForUnknownKid(String kid, Instant now) {
        if (readRecently(now)) {
            return null;
        }
        synchronized (lock) {
            KeyMaterial.Prepared p = snapshot.byKid.get(kid);
            if (p != null || readRecently(now)) {
                return p;
            }
            try {
                reload(now);
            } catch (StoreUnavailableException e) {
                LOG.warn("signing keys could not be reloaded: {}", e.getMessage());
            }
            return snapshot.byKid.get(kid);
        }
    }

    private boolean readRecently(Instant now) {
        Instant last = lastRead;
        // A clock that stepped back does not block reads until it catches up.
        return !now.isBefore(last) && now.isBefore(last.plus(UNKNOWN_KID_RELOAD_GAP));
    }

    /**
     * Publishes a new key that starts signing after {@code publishLead} (so that every node has
     * loaded it first), and retires the keys that sign now at that moment, keeping them verifiable
     * for {@code verifyAfterRetire} more (DESIGN: keycloak#49658).
     *
     * @return the new key
     */
    public SigningKey rotate(Duration publishLead, Duration verifyAfterRetire) {
        synchronized (lock) {
            Instant now = clock.instant();
            reload(now);
            SigningKey fresh = KeyMaterial.generate(algorithm, now);
            Instant activates = now.plus(publishLead);
            fresh = new SigningKey(fresh.kid(), fresh.algorithm(), fresh.publicKey(), fresh.privateKey(), now,
                    activates, Optional.empty(), Optional.empty());
            store.create(fresh);
            for (KeyMaterial.Prepared p : snapshot.byKid.values()) {
                SigningKey k = p.key();
                if (k.retiresAt().isEmpty()) {
                    store.update(k.retire(activates, activates.plus(verifyAfterRetire)));
                }
            }
            onGenerated.accept(fresh);
            reload(now);
            return fresh;
        }
    }

    /**
     * Forgets what was read (another node changed the keys): the next use reads the store again,
     * whatever the reload interval. Waits for a reload in progress, so that a read which started
     * before the change cannot be taken as fresh afterwards.
     */
    public void invalidate() {
        synchronized (lock) {
            snapshot = new Snapshot(snapshot.byKid, Instant.MIN);
            lastRead = Instant.MIN;
        }
    }

    private Snapshot freshSnapshot(Instant now) {
        Snapshot s = snapshot;
        if (usable(s, now)) {
            return s;
        }
        synchronized (lock) {
            s = snapshot;
            if (usable(s, now)) {
                return s;
            }
            try {
                reload(now);
            } catch (StoreUnavailableException e) {
                if (s.byKid.isEmpty()) {
                    throw e;
                }
                // Keys change rarely: keep serving with the last view rather than fail every request.
                LOG.warn("signing keys could not be reloaded, keeping the previous set: {}", e.getMessage());
            }
            return snapshot;
        }
    }

    /**
     * Fresh within the reload interval; or, when the last read failed less than
     * {@link #UNKNOWN_KID_RELOAD_GAP} ago, the keys we had: a store that is down is tried once per
     * gap, not by every request (a successful read always renews {@code loadedAt}).
     */
    private boolean usable(Snapshot s, Instant now) {
        boolean fresh = now.isBefore(s.loadedAt.plus(reloadInterval)) && !now.isBefore(s.loadedAt);
        return fresh || (!s.byKid.isEmpty() && readRecently(now));
    }

    private void reload(Instant now) {
        // Counted before the read: a failing store is not retried for every unknown kid either.
        lastRead = now;
        List<SigningKey> keys = store.findAll();
        Map<String, KeyMaterial.Prepared> byKid = new LinkedHashMap<>();
        for (SigningKey k : keys) {
            if (!k.canVerifyAt(now)) {
                continue;
            }
            try {
                byKid.put(k.kid(), KeyMaterial.prepare(k));
            } catch (IllegalArgumentException e) {
                LOG.error("signing key {} is unusable and is ignored: {}", k.kid(), e.getMessage());
            }
        }
        snapshot = new Snapshot(Map.copyOf(byKid), now);
    }

    private static Optional<KeyMaterial.Prepared> pickSigner(Snapshot s, Instant now) {
        return s.byKid.values().stream()
                .filter(p -> p.signer().isPresent() && p.key().canSignAt(now))
                .max(Comparator.comparing((KeyMaterial.Prepared p) -> p.key().activatesAt())
                        .thenComparing(p -> p.key().kid()));
    }
}
