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

import org.portcullis.auth.api.PublishedKeys;
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
 * that every node picks the same key from the same store. The ring also runs the rotation
 * schedule ({@link #rotateIfDue}), revokes keys in an emergency ({@link #revoke}), builds the public
 * JWK Set ({@link #published}), and re-reads the store on demand ({@link #reloadNow}, the hook for a
 * push from other nodes). Thread-safe: readers see an immutable
 * snapshot; reloads and key generation are serialised.
 *
 * <p>The same ring, over another {@link SigningKeyView} of the store, holds the token-encryption keys:
 * its "signing key" is the key that encrypts new tokens and its "verifier" the key that decrypts
 * one, with the same publish-before-use, retirement and schedule (it is never asked to publish).
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
    /** The last JWK Set built, and the snapshot and key ids it was built from; replaced whole. */
    private volatile Published published = new Published(null, List.of(), null);
    /** When the store was last read (or a read attempted), for any reason; written under {@code lock}. */
    private volatile Instant lastRead = Instant.MIN;

    private record Snapshot(Map<String, KeyMaterial.Prepared> byKid, Instant loadedAt) {
    }

    private record Published(Snapshot from, List<String> kids, PublishedKeys keys) {
    }

    /**
     * Scheduled rotation: a new key every {@code interval}, published {@code lead} before it signs;
     * a retired key verifies for {@code verifyAfterRetire} (refresh presents expired tokens) and is
     * published for {@code tokenLifetime} after it retires (the longest a token it signed stays valid).
     * An {@code interval} of zero turns scheduled rotation off.
     */
    public record Schedule(Duration interval, Duration lead, Duration verifyAfterRetire, Duration tokenLifetime) {
        /** No scheduled rotation; retired keys are published until they expire. */
        public static Schedule none() {
            return new Schedule(Duration.ZERO, Duration.ZERO, Duration.ZERO, FOREVER);
        }

        boolean enabled() {
            return !interval.isZero();
        }
    }

    /** Longer than any key lives, short enough not to overflow {@link Instant} arithmetic. */
    private static final Duration FOREVER = Duration.ofDays(365L * 1000);

    private final Schedule schedule;
    private final String slotPrefix;
    /** Rings over other kinds of key in the same store, forgotten with this one (see {@link #alsoForgets}). */
    private final List<KeyRing> followers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Before this instant no rotation is due; written under {@code lock}, or after a failed attempt. */
    private volatile Instant nextRotationCheck = Instant.MIN;

    public KeyRing(SigningKeyStore store, Clock clock, Duration reloadInterval, SigningAlgorithm algorithm,
                   Consumer<SigningKey> onGenerated) {
        this(store, clock, reloadInterval, algorithm, onGenerated, Schedule.none());
    }

    public KeyRing(SigningKeyStore store, Clock clock, Duration reloadInterval, SigningAlgorithm algorithm,
                   Consumer<SigningKey> onGenerated, Schedule schedule) {
        this(store, clock, reloadInterval, algorithm, onGenerated, schedule, "r");
    }

    /**
     * @param slotPrefix starts the kid of every scheduled key ({@link #slotKid}); rings that share one
     *                   store need different prefixes, or they would claim each other's slots
     */
    public KeyRing(SigningKeyStore store, Clock clock, Duration reloadInterval, SigningAlgorithm algorithm,
                   Consumer<SigningKey> onGenerated, Schedule schedule, String slotPrefix) {
        this.slotPrefix = slotPrefix;
        this.store = store;
        this.clock = clock;
        this.reloadInterval = reloadInterval;
        this.algorithm = algorithm;
        this.onGenerated = onGenerated;
        this.schedule = schedule;
    }

    /**
     * The key to sign with now; generates and publishes one when the store has none that may
     * sign (the first start of a cluster).
     *
     * @throws StoreUnavailableException when the key store cannot be read or written
     */
    public KeyMaterial.Prepared signingKey() {
        Instant now = clock.instant();
        if (schedule.enabled() && !now.isBefore(nextRotationCheck)) {
            try {
                rotateIfDue();
            } catch (StoreUnavailableException e) {
                // The current key still signs; a rotation that cannot reach the store is tried again
                // a little later rather than failing the login or refresh that noticed it was due.
                nextRotationCheck = now.plus(UNKNOWN_KID_RELOAD_GAP);
                LOG.warn("scheduled key rotation could not reach the key store: {}", e.getMessage());
            }
        }
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
     * Whether this node still accepts tokens of key {@code kid}: it is in this node's current view of
     * the store (re-read when older than the reload interval) and has not expired or been revoked.
     * Unlike {@link #verifier} it never reads the store for a key it does not know: it is asked on
     * every cache hit, for a key that was known when the token was first verified.
     */
    public boolean trusts(String kid) {
        return trusts(kid, clock.instant());
    }

    /** As {@link #trusts(String)}, at {@code now} read by the caller (a cache hit reads the clock once). */
    public boolean trusts(String kid, Instant now) {
        KeyMaterial.Prepared p = freshSnapshot(now).byKid.get(kid);
        return p != null && p.key().canVerifyAt(now);
    }

    /**
     * The public keys that verify tokens now, as a JWK Set: keys published ahead of signing, the
     * signing key, and retired keys until they expire (RFC 7517 §5). Rebuilt only when the set of
     * such keys changes.
     *
     * @throws StoreUnavailableException when the key store cannot be read and no keys were loaded before
     */
    public PublishedKeys published() {
        Instant now = clock.instant();
        Snapshot s = freshSnapshot(now);
        List<KeyMaterial.Prepared> verifying = s.byKid.values().stream()
                .filter(p -> p.key().canVerifyAt(now))
                // Retired keys stay in the set while a token they signed may still be valid, then leave
                // it (they may go on verifying expired tokens presented for refresh).
                .filter(p -> p.key().retiresAt().map(r -> now.isBefore(r.plus(schedule.tokenLifetime()))).orElse(true))
                .sorted(Comparator.comparing((KeyMaterial.Prepared p) -> p.key().activatesAt())
                        .thenComparing(p -> p.key().kid()))
                .toList();
        List<String> kids = verifying.stream().map(p -> p.key().kid()).toList();
        Published last = published;
        if (last.from == s && last.kids.equals(kids)) {
            return last.keys;
        }
        PublishedKeys keys = JsonWebKeys.publicSet(verifying.stream().map(KeyMaterial.Prepared::key).toList());
        published = new Published(s, kids, keys);
        return keys;
    }

    /**
     * Revokes key {@code kid} in the store from now and re-reads the store, so that this node refuses
     * its tokens and stops publishing it as soon as this returns.
     *
     * @return whether a key was revoked
     * @throws StoreUnavailableException when the key store cannot be written
     */
    public boolean revoke(String kid) {
        boolean revoked;
        synchronized (lock) {
            Instant now = clock.instant();
            revoked = store.revoke(kid, now);
            reload(now);
        }
        // The kid may name a key of another kind in the same store (an encryption key).
        followers.forEach(KeyRing::invalidate);
        return revoked;
    }

    /**
     * Makes {@link #invalidate} and {@link #revoke} on this ring forget what {@code other} read too: the
     * token-encryption ring follows the signing ring, whose changes are what other nodes announce.
     */
    public void alsoForgets(KeyRing other) {
        followers.add(other);
    }

    /**
     * Runs the rotation schedule once, if a rotation is due: when the newest key has signed for
     * {@code interval − lead}, the next key is published to sign at {@code activation + interval}
     * (or {@code lead} from now, if that is later: a key never signs before it was published for
     * {@code lead}), and the keys that sign now retire at that instant. Expired keys are purged.
     *
     * <p>Coordinated through the shared store without locks: the next key's {@code kid} is derived
     * from the slot it fills (the newest activation plus the interval), and {@link SigningKeyStore#create}
     * is a conditional insert, so of the nodes that find the same rotation due exactly one key is
     * stored and every node retires the old keys to the same instant (the update is idempotent).
     *
     * @throws StoreUnavailableException when the key store cannot be read or written
     */
    public void rotateIfDue() {
        if (!schedule.enabled()) {
            return;
        }
        synchronized (lock) {
            Instant now = clock.instant();
            if (now.isBefore(nextRotationCheck)) {
                return;
            }
            reload(now);
            Optional<SigningKey> newest = newestInChain(snapshot);
            if (newest.isEmpty()) {
                // No key yet: signingKey() creates the first; look again after one reload interval.
                nextRotationCheck = now.plus(reloadInterval);
                return;
            }
            Instant slot = newest.get().activatesAt().plus(schedule.interval());
            Instant publishAt = slot.minus(schedule.lead());
            if (now.isBefore(publishAt)) {
                nextRotationCheck = publishAt;
                return;
            }
            String kid = slotKid(slot);
            Instant activates = slot.isAfter(now.plus(schedule.lead())) ? slot : now.plus(schedule.lead());
            SigningKey generated = KeyMaterial.generate(algorithm, now);
            SigningKey fresh = new SigningKey(kid, generated.algorithm(), generated.publicKey(), generated.privateKey(),
                    now, activates, Optional.empty(), Optional.empty());
            boolean ours = store.create(fresh);
            reload(now);
            KeyMaterial.Prepared next = snapshot.byKid.get(kid);
            if (next == null) {
                // Stored by another node and already revoked, or the store lost it: try again later.
                nextRotationCheck = now.plus(reloadInterval);
                return;
            }
            Instant retireAt = next.key().activatesAt();
            for (KeyMaterial.Prepared p : snapshot.byKid.values()) {
                SigningKey k = p.key();
                if (k.retiresAt().isEmpty() && k.activatesAt().isBefore(retireAt)) {
                    store.update(k.retire(retireAt, retireAt.plus(schedule.verifyAfterRetire())));
                }
            }
            store.purge(now);
            if (ours) {
                onGenerated.accept(fresh);
            }
            reload(now);
            nextRotationCheck = retireAt.plus(schedule.interval()).minus(schedule.lead());
        }
    }

    /** The key the schedule counts from: the latest activation among keys not retired. */
    private static Optional<SigningKey> newestInChain(Snapshot s) {
        return s.byKid.values().stream().map(KeyMaterial.Prepared::key)
                .filter(k -> k.retiresAt().isEmpty())
                .max(Comparator.comparing(SigningKey::activatesAt).thenComparing(SigningKey::kid));
    }

    /** The kid of the scheduled key that starts the slot at {@code slot}: every node derives the same one. */
    String slotKid(Instant slot) {
        return slotPrefix + Long.toString(slot.getEpochSecond(), 36);
    }

    /**
     * Re-reads the store now, whatever the reload interval: the hook for a push of key changes from
     * another node (a revocation, a rotation).
     *
     * @throws StoreUnavailableException when the key store cannot be read
     */
    public void reloadNow() {
        synchronized (lock) {
            reload(clock.instant());
        }
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
        followers.forEach(KeyRing::invalidate);
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
                .filter(p -> p.issues() && p.key().canSignAt(now))
                .max(Comparator.comparing((KeyMaterial.Prepared p) -> p.key().activatesAt())
                        .thenComparing(p -> p.key().kid()));
    }
}
