package org.portcullis.auth.store.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.StoreUnavailableException;

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

    @Nested
    @DisplayName("adding and listing")
    class AddingAndListing {

        @Test
        @DisplayName("an added key comes back whole: algorithm, both halves and its schedule")
        void roundTrip() {
            SigningKey ed = ed25519Key();
            SigningKey hs = hmacKey();
            assertThat(store.add(ed)).isTrue();
            assertThat(store.add(hs)).isTrue();
            assertThat(store.findAll()).containsExactlyInAnyOrder(ed, hs);
        }

        @Test
        @DisplayName("a retired key with an expiry comes back with both instants")
        void scheduleRoundTrip() {
            SigningKey key = ed25519Key().retire(clock.instant().plusSeconds(60), clock.instant().plusSeconds(3600));
            store.add(key);
            assertThat(store.findAll()).containsExactly(key);
        }

        @Test
        @DisplayName("a second key with a taken kid is refused and the first is kept")
        void duplicateKid() {
            SigningKey first = ed25519Key();
            store.add(first);
            SigningKey clash = new SigningKey(first.kid(), SigningAlgorithm.HS256, new byte[0], new byte[32],
                    first.createdAt(), first.activatesAt(), Optional.empty(), Optional.empty());
            assertThat(store.add(clash)).isFalse();
            assertThat(store.findAll()).containsExactly(first);
        }

        @Test
        @DisplayName("keys are listed oldest first, whatever the order they were added in")
        void oldestFirst() {
            SigningKey older = ed25519Key();
            clock.advance(Duration.ofMinutes(1));
            SigningKey middle = hmacKey();
            clock.advance(Duration.ofMinutes(1));
            SigningKey newest = ed25519Key();
            store.add(newest);
            store.add(older);
            store.add(middle);
            assertThat(store.findAll()).extracting(SigningKey::kid)
                    .containsExactly(older.kid(), middle.kid(), newest.kid());
        }
    }

    @Nested
    @DisplayName("retiring")
    class Retiring {

        @Test
        @DisplayName("an update sets the retirement and the expiry of an existing key")
        void update() {
            SigningKey key = ed25519Key();
            store.add(key);
            SigningKey retired = key.retire(clock.instant().plusSeconds(30), clock.instant().plusSeconds(1800));
            assertThat(store.update(retired)).isTrue();
            assertThat(store.findAll()).containsExactly(retired);
        }

        @Test
        @DisplayName("an update never changes the key material")
        void materialStays() {
            SigningKey key = hmacKey();
            store.add(key);
            byte[] otherSecret = new byte[32];
            RANDOM.nextBytes(otherSecret);
            SigningKey tampered = new SigningKey(key.kid(), key.algorithm(), new byte[0], otherSecret,
                    key.createdAt(), key.activatesAt(), Optional.of(clock.instant()), Optional.of(clock.instant().plusSeconds(60)));
            store.update(tampered);
            assertThat(store.findAll().get(0).privateKey()).isEqualTo(key.privateKey());
        }

        @Test
        @DisplayName("updating an unknown key reports false and adds nothing")
        void unknown() {
            assertThat(store.update(ed25519Key())).isFalse();
            assertThat(store.findAll()).isEmpty();
        }
    }

    @Nested
    @DisplayName("deleting expired keys")
    class Deleting {

        @Test
        @DisplayName("a key is deleted at its expiry exactly, not a millisecond before, and the count is returned")
        void boundary() {
            Instant expiry = clock.instant().plusSeconds(600);
            SigningKey expiring = ed25519Key().retire(clock.instant(), expiry);
            SigningKey forever = hmacKey();
            store.add(expiring);
            store.add(forever);

            assertThat(store.deleteExpired(expiry.minus(JUST_BEFORE))).isZero();
            assertThat(store.findAll()).hasSize(2);
            assertThat(store.deleteExpired(expiry)).isEqualTo(1);
            assertThat(store.findAll()).containsExactly(forever);
        }
    }

    @Nested
    @DisplayName("under concurrency (real threads)")
    class Concurrency {

        @Test
        @DisplayName("exactly one of 32 concurrent adds of the same kid succeeds")
        void oneAdd() {
            String kid = UUID.randomUUID().toString();
            SigningKey template = hmacKey();
            List<Boolean> results = race(THREADS, i -> () -> store.add(new SigningKey(kid, SigningAlgorithm.HS256,
                    new byte[0], template.privateKey(), template.createdAt(), template.activatesAt(),
                    Optional.empty(), Optional.empty())));
            assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
            assertThat(store.findAll()).hasSize(1);
        }
    }

    @Nested
    @DisplayName("answers and secrets")
    class AnswersAndSecrets {

        @Test
        @DisplayName("an empty store lists no key rather than null")
        void noNulls() {
            assertThat(store.findAll()).isNotNull().isEmpty();
            assertThat(store.deleteExpired(clock.instant())).isZero();
        }

        @Test
        @DisplayName("toString does not print private key material")
        void toStringHidesKeys() {
            SigningKey key = hmacKey();
            store.add(key);
            String text = store.toString();
            assertThat(text).doesNotContain(Base64.getEncoder().encodeToString(key.privateKey()))
                    .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(key.privateKey()))
                    .doesNotContainIgnoringCase(HexFormat.of().formatHex(key.privateKey()));
        }
    }

    @Nested
    @DisplayName("optional: encryption at rest")
    class EncryptionAtRest {

        @Test
        @DisplayName("the bytes held for a private key are not the plain key")
        void encrypted() {
            SigningKey key = ed25519Key();
            store.add(key);
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
    }

    @Nested
    @DisplayName("optional: durability")
    class Durability {

        @Test
        @DisplayName("keys survive a restart")
        void survivesRestart() {
            SigningKey ed = ed25519Key();
            store.add(ed);
            assertThat(reopened().findAll()).containsExactly(ed);
        }
    }

    @Nested
    @DisplayName("optional: failing closed")
    class FailingClosed {

        @Test
        @DisplayName("every method throws StoreUnavailableException when the backend is gone")
        void everyMethod() {
            SigningKey key = hmacKey();
            store.add(key);
            cutOff();
            assertThatThrownBy(() -> store.findAll()).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.add(ed25519Key())).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.update(key)).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.deleteExpired(clock.instant())).isInstanceOf(StoreUnavailableException.class);
        }
    }
}
