package org.portcullis.auth.store.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;

/**
 * The behaviour every {@link SigningKeyStore} must show. Extend it and override {@link #createStore};
 * see {@link StoreContract} for the optional capabilities, and {@link #storedPrivateKeyBytes} for
 * the encryption-at-rest check that persistent stores should declare.
 */
@DisplayName("SigningKeyStore contract")
public abstract class SigningKeyStoreContract extends StoreContract<SigningKeyStore> {

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Optional capability: encryption at rest. Return the bytes your backend actually holds for
     * the private key of {@code kid} (the column value, the file content) to have the suite check
     * that they are not the plain key. The default returns empty and the check is skipped.
     */
    protected Optional<byte[]> storedPrivateKeyBytes(SigningKeyStore store, String kid) {
        return Optional.empty();
    }

    /** A real Ed25519 key, published and active now, without retirement. */
    protected SigningKey ed25519Key() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Instant now = clock.instant();
            return new SigningKey(UUID.randomUUID().toString(), SigningAlgorithm.EdDSA, pair.getPublic().getEncoded(),
                    pair.getPrivate().getEncoded(), now, now, Optional.empty(), Optional.empty());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 17 runtime", e);
        }
    }

    /** A random 256-bit HMAC secret, published and active now. */
    protected SigningKey hmacKey() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        Instant now = clock.instant();
        return new SigningKey(UUID.randomUUID().toString(), SigningAlgorithm.HS256, new byte[0], secret, now, now,
                Optional.empty(), Optional.empty());
    }

    /** A random 256-bit {@code dir} token-encryption key, published and active now. */
    protected SigningKey directEncryptionKey() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        Instant now = clock.instant();
        return new SigningKey(UUID.randomUUID().toString(), SigningAlgorithm.DIR_A256GCM, new byte[0], secret, now, now,
                Optional.empty(), Optional.empty());
    }

    /** A real P-256 ECDH-ES token-encryption key pair, published and active now. */
    protected SigningKey ecdhEncryptionKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            Instant now = clock.instant();
            return new SigningKey(UUID.randomUUID().toString(), SigningAlgorithm.ECDH_ES_A256KW,
                    pair.getPublic().getEncoded(), pair.getPrivate().getEncoded(), now, now, Optional.empty(), Optional.empty());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is part of every Java 17 runtime", e);
        }
    }

    @Test
    @DisplayName("creating and listing: token-encryption keys (dir, ECDH-ES) come back whole beside signing keys, kind and all")
    void encryptionKeysRoundTrip() {
        SigningKey ed = ed25519Key();
        SigningKey dir = directEncryptionKey();
        SigningKey ecdh = ecdhEncryptionKey().retire(clock.instant().plusMillis(1_001), clock.instant().plusMillis(60_003));
        assertThat(store.create(ed)).isTrue();
        assertThat(store.create(dir)).isTrue();
        assertThat(store.create(ecdh)).isTrue();
        assertThat(store.findAll()).containsExactlyInAnyOrder(ed, dir, ecdh);
        assertThat(store.revoke(dir.kid(), clock.instant())).isTrue();
        assertThat(store.findAll()).filteredOn(k -> k.kid().equals(dir.kid())).singleElement()
                .satisfies(k -> {
                    assertThat(k.algorithm()).isEqualTo(SigningAlgorithm.DIR_A256GCM);
                    assertThat(k.privateKey()).isEqualTo(dir.privateKey());
                    assertThat(k.canVerifyAt(clock.instant())).isFalse();
                });
    }

    @Test
    @DisplayName("creating and listing: a created key comes back whole: algorithm, both halves and its schedule")
    void roundTrip() {
        SigningKey ed = ed25519Key();
        SigningKey hs = hmacKey();
        assertThat(store.create(ed)).isTrue();
        assertThat(store.create(hs)).isTrue();
        assertThat(store.findAll()).containsExactlyInAnyOrder(ed, hs);
    }

    @Test
    @DisplayName("creating and listing: a retired key with an expiry comes back with both instants")
    void scheduleRoundTrip() {
        SigningKey key = ed25519Key().retire(clock.instant().plusSeconds(60), clock.instant().plusSeconds(3600));
        store.create(key);
        assertThat(store.findAll()).containsExactly(key);
    }

    @Test
    @DisplayName("creating and listing: a second key with a taken kid is refused and the first is kept")
    void duplicateKid() {
        SigningKey first = ed25519Key();
        store.create(first);
        SigningKey clash = new SigningKey(first.kid(), SigningAlgorithm.HS256, new byte[0], new byte[32],
                first.createdAt(), first.activatesAt(), Optional.empty(), Optional.empty());
        assertThat(store.create(clash)).isFalse();
        assertThat(store.findAll()).containsExactly(first);
    }

    @Test
    @DisplayName("creating and listing: keys are listed oldest first, whatever the order they were added in")
    void oldestFirst() {
        SigningKey older = ed25519Key();
        clock.advance(Duration.ofMinutes(1));
        SigningKey middle = hmacKey();
        clock.advance(Duration.ofMinutes(1));
        SigningKey newest = ed25519Key();
        store.create(newest);
        store.create(older);
        store.create(middle);
        assertThat(store.findAll()).extracting(SigningKey::kid)
                .containsExactly(older.kid(), middle.kid(), newest.kid());
    }

    @Test
    @DisplayName("retiring: an update sets the retirement and the expiry of an existing key")
    void update() {
        SigningKey key = ed25519Key();
        store.create(key);
        SigningKey retired = key.retire(clock.instant().plusSeconds(30), clock.instant().plusSeconds(1800));
        assertThat(store.update(retired)).isTrue();
        assertThat(store.findAll()).containsExactly(retired);
    }

    @Test
    @DisplayName("retiring: an update never changes the key material")
    void materialStays() {
        SigningKey key = hmacKey();
        store.create(key);
        byte[] otherSecret = new byte[32];
        RANDOM.nextBytes(otherSecret);
        SigningKey tampered = new SigningKey(key.kid(), key.algorithm(), new byte[0], otherSecret,
                key.createdAt(), key.activatesAt(), Optional.of(clock.instant()), Optional.of(clock.instant().plusSeconds(60)));
        store.update(tampered);
        assertThat(store.findAll().get(0).privateKey()).isEqualTo(key.privateKey());
    }

    @Test
    @DisplayName("retiring: updating an unknown key reports false and adds nothing")
    void unknown() {
        assertThat(store.update(ed25519Key())).isFalse();
        assertThat(store.findAll()).isEmpty();
    }

    @Test
    @DisplayName("revoking: a revoked key neither signs nor verifies from the given instant, and keeps its material")
    void revoke() {
        SigningKey key = ed25519Key();
        store.create(key);
        Instant at = clock.instant().plusSeconds(5);
        assertThat(store.revoke(key.kid(), at)).isTrue();
        SigningKey stored = store.findAll().get(0);
        assertThat(stored.canVerifyAt(at.minus(JUST_BEFORE))).isTrue();
        assertThat(stored.canVerifyAt(at)).isFalse();
        assertThat(stored.canSignAt(at)).isFalse();
        assertThat(stored.retiresAt()).contains(at);
        assertThat(stored.expiresAt()).contains(at);
        assertThat(stored.privateKey()).isEqualTo(key.privateKey());
    }

    @Test
    @DisplayName("revoking: a revocation only moves instants earlier: an earlier retirement is kept")
    void revokeKeepsEarlierRetirement() {
        Instant retired = clock.instant().plusSeconds(10);
        SigningKey key = ed25519Key().retire(retired, clock.instant().plusSeconds(3600));
        store.create(key);
        Instant at = clock.instant().plusSeconds(60);
        assertThat(store.revoke(key.kid(), at)).isTrue();
        SigningKey stored = store.findAll().get(0);
        assertThat(stored.retiresAt()).contains(retired);
        assertThat(stored.expiresAt()).contains(at);
    }

    @Test
    @DisplayName("revoking: an unknown key, or one that no longer verifies then, reports false and changes nothing")
    void revokeUnknownOrExpired() {
        assertThat(store.revoke("no-such-kid", clock.instant())).isFalse();
        Instant expiry = clock.instant().plusSeconds(30);
        SigningKey key = ed25519Key().retire(clock.instant(), expiry);
        store.create(key);
        assertThat(store.revoke(key.kid(), expiry.plusSeconds(1))).isFalse();
        assertThat(store.findAll()).containsExactly(key);
    }

    @Test
    @DisplayName("deleting expired keys: a key is deleted at its expiry exactly, not a millisecond before, and the count is returned")
    void boundary() {
        Instant expiry = clock.instant().plusSeconds(600);
        SigningKey expiring = ed25519Key().retire(clock.instant(), expiry);
        SigningKey forever = hmacKey();
        store.create(expiring);
        store.create(forever);

        assertThat(store.purge(expiry.minus(JUST_BEFORE))).isZero();
        assertThat(store.findAll()).hasSize(2);
        assertThat(store.purge(expiry)).isEqualTo(1);
        assertThat(store.findAll()).containsExactly(forever);
    }

    @Test
    @DisplayName("under concurrency (real threads): of concurrent creates of one kid exactly one succeeds, every round")
    void oneCreate() {
        for (int round = 1; round <= ROUNDS; round++) {
            String kid = UUID.randomUUID().toString();
            List<SigningKey> candidates = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                SigningKey template = hmacKey();
                candidates.add(new SigningKey(kid, SigningAlgorithm.HS256, new byte[0], template.privateKey(),
                        template.createdAt(), template.activatesAt(), Optional.empty(), Optional.empty()));
            }
            List<Boolean> results = race(THREADS, i -> () -> store.create(candidates.get(i)));
            assertThat(results).as("round %d", round).filteredOn(Boolean::booleanValue).hasSize(1);
            assertThat(store.findAll()).as("round %d", round).hasSize(round)
                    .contains(candidates.get(results.indexOf(true)));
        }
    }

    @Test
    @DisplayName("retiring: a schedule comes back to the millisecond, never rounded to a second")
    void millisecondsKept() {
        Instant now = clock.advance(Duration.ofMillis(1));
        SigningKey key = hmacKey();
        store.create(key);
        SigningKey retired = key.retire(now.plusMillis(499), now.plusMillis(1_501));
        assertThat(store.update(retired)).isTrue();
        assertThat(store.findAll()).containsExactly(retired);
        assertThat(store.purge(now.plusMillis(1_500))).isZero();
        assertThat(store.purge(now.plusMillis(1_501))).isEqualTo(1);
    }

    @Test
    @DisplayName("answers and secrets: an empty store lists no key rather than null")
    void noNulls() {
        assertThat(store.findAll()).isNotNull().isEmpty();
        assertThat(store.purge(clock.instant())).isZero();
    }

    @Test
    @DisplayName("answers and secrets: toString does not print private key material")
    void toStringHidesKeys() {
        SigningKey key = hmacKey();
        store.create(key);
        String text = store.toString();
        assertThat(text).doesNotContain(Base64.getEncoder().encodeToString(key.privateKey()))
                .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(key.privateKey()))
                .doesNotContainIgnoringCase(HexFormat.of().formatHex(key.privateKey()));
    }

    @Test
    @DisplayName("optional: encryption at rest: the bytes held for a private key are not the plain key")
    void encrypted() {
        SigningKey key = ed25519Key();
        store.create(key);
        Optional<byte[]> held = storedPrivateKeyBytes(store, key.kid());
        Assumptions.assumeTrue(held.isPresent(), "encryption at rest not declared: override storedPrivateKeyBytes");
        byte[] plain = key.privateKey();
        String heldText = HexFormat.of().formatHex(held.get());
        // The raw key inside an Ed25519 PKCS#8 encoding is its last 32 bytes; neither it nor the
        // whole encoding may appear in what the backend holds.
        byte[] raw = java.util.Arrays.copyOfRange(plain, plain.length - 32, plain.length);
        assertThat(heldText).doesNotContain(HexFormat.of().formatHex(plain))
                .doesNotContain(HexFormat.of().formatHex(raw));
        String heldAsText = new String(held.get(), java.nio.charset.StandardCharsets.ISO_8859_1);
        for (byte[] secret : List.of(plain, raw)) {
            assertThat(heldAsText).doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(secret))
                    .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        }
        assertThat(store.findAll().get(0).privateKey()).isEqualTo(plain);
    }

    @Test
    @DisplayName("optional: encryption at rest: the secret of a token-encryption key (dir, ECDH-ES) is sealed like a signing key's")
    void encryptionKeysSealed() {
        SigningKey dir = directEncryptionKey();
        SigningKey ecdh = ecdhEncryptionKey();
        store.create(dir);
        store.create(ecdh);
        Assumptions.assumeTrue(storedPrivateKeyBytes(store, dir.kid()).isPresent(),
                "encryption at rest not declared: override storedPrivateKeyBytes");
        for (SigningKey key : List.of(dir, ecdh)) {
            byte[] held = storedPrivateKeyBytes(store, key.kid()).orElseThrow();
            byte[] plain = key.privateKey();
            // For the EC key, the private scalar is the last 32 bytes of its PKCS#8 encoding's inner octet string
            // as the JDK writes it; for dir the whole 32 bytes are the secret.
            byte[] raw = key.algorithm() == SigningAlgorithm.DIR_A256GCM ? plain
                    : ((java.security.interfaces.ECPrivateKey) decodeEc(plain)).getS().toByteArray();
            String heldHex = HexFormat.of().formatHex(held);
            assertThat(heldHex).doesNotContain(HexFormat.of().formatHex(plain));
            byte[] scalar = raw.length > 32 ? java.util.Arrays.copyOfRange(raw, raw.length - 32, raw.length) : raw;
            assertThat(heldHex).doesNotContain(HexFormat.of().formatHex(scalar));
        }
        assertThat(store.findAll()).containsExactlyInAnyOrder(dir, ecdh);
    }

    private static java.security.PrivateKey decodeEc(byte[] pkcs8) {
        try {
            return java.security.KeyFactory.getInstance("EC").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("optional: durability: token-encryption keys come back whole after a restart")
    void encryptionKeysSurviveRestart() {
        SigningKey dir = directEncryptionKey();
        clock.advance(Duration.ofMillis(3));
        SigningKey ecdh = ecdhEncryptionKey();
        store.create(dir);
        store.create(ecdh);
        assertThat(reopened().findAll()).containsExactly(dir, ecdh);
    }

    @Test
    @DisplayName("optional: durability: created keys come back whole, in order, after a restart")
    void survivesRestart() {
        SigningKey ed = ed25519Key();
        store.create(ed);
        clock.advance(Duration.ofMillis(3));
        SigningKey hs = hmacKey();
        store.create(hs);
        SigningKeyStore again = reopened();
        assertThat(again.findAll()).containsExactly(ed, hs);
        assertThat(again.create(ed)).as("the kid is still taken").isFalse();
    }

    @Test
    @DisplayName("optional: durability: a retirement survives a restart")
    void retirementSurvivesRestart() {
        SigningKey key = ed25519Key();
        store.create(key);
        SigningKey retired = key.retire(clock.instant().plusMillis(1_001), clock.instant().plusMillis(60_003));
        store.update(retired);
        assertThat(reopened().findAll()).containsExactly(retired);
    }

    @Test
    @DisplayName("optional: durability: purged keys stay gone after a restart")
    void purgeSurvivesRestart() {
        SigningKey key = hmacKey().retire(clock.instant(), clock.instant().plusMillis(10));
        SigningKey kept = ed25519Key();
        store.create(key);
        store.create(kept);
        assertThat(store.purge(clock.instant().plusMillis(10))).isEqualTo(1);
        assertThat(reopened().findAll()).containsExactly(kept);
    }

    @Test
    @DisplayName("optional: failing closed: every method throws StoreUnavailableException when the backend is gone")
    void everyMethod() {
        SigningKey key = hmacKey();
        store.create(key);
        cutOff();
        Map<String, StoreCall> calls = new LinkedHashMap<>();
        calls.put("findAll", () -> store.findAll());
        calls.put("create", () -> store.create(ed25519Key()));
        calls.put("update", () -> store.update(key));
        calls.put("purge", () -> store.purge(clock.instant()));
        assertEveryMethodFailsClosed(calls);
    }
}
