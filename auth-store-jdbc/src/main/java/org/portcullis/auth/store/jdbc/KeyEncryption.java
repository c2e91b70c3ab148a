package org.portcullis.auth.store.jdbc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * Encrypts signing keys' private parts at rest with AES-GCM under the application's
 * key-encryption key (KEK). Layout of a sealed value: one version byte ({@code 1}), a random
 * 96-bit nonce (NIST SP 800-38D §8.2.2: random nonces of 96 bits, a fresh one for every
 * encryption), then the ciphertext with its 128-bit tag. The additional authenticated data is
 * the key's kid and algorithm, so a sealed key copied to another row, or a row whose algorithm
 * was changed (an algorithm-confusion attempt, RFC 8725 §3.1), fails to open.
 *
 * <p>Thread-safe: a {@link Cipher} is made per call.
 */
final class KeyEncryption {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final SecretKey kek;
    private final SecureRandom random;

    KeyEncryption(SecretKey kek, SecureRandom random) {
        this.kek = requireAesKey(kek);
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Checks that {@code kek} is an AES key of 128, 192 or 256 bits. A key that does not reveal its
     * bytes (held in a hardware module, say) is accepted as long as it names AES.
     */
    static SecretKey requireAesKey(SecretKey kek) {
        Objects.requireNonNull(kek, "kek");
        if (!"AES".equalsIgnoreCase(kek.getAlgorithm())) {
            throw new IllegalArgumentException("the key-encryption key must be an AES key, not " + kek.getAlgorithm());
        }
        byte[] encoded = kek.getEncoded();
        if (encoded != null) {
            int length = encoded.length;
            java.util.Arrays.fill(encoded, (byte) 0);
            if (length != 16 && length != 24 && length != 32) {
                throw new IllegalArgumentException("the key-encryption key must be 128, 192 or 256 bits long");
            }
        }
        return kek;
    }

    byte[] seal(String kid, SigningAlgorithm algorithm, byte[] privateKey) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(kid, algorithm));
            byte[] sealed = cipher.doFinal(privateKey);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalStateException("the key-encryption key cannot be used for AES-GCM by this JVM's providers", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    byte[] open(String kid, SigningAlgorithm algorithm, byte[] sealed) {
        if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new StoreUnavailableException("signing key " + kid + " is stored in an unknown format");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(aad(kid, algorithm));
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalStateException("the key-encryption key cannot be used for AES-GCM by this JVM's providers", e);
        } catch (javax.crypto.AEADBadTagException e) {
            // Wrong KEK, or the row was altered. Failing closed: no key is better than a forged one.
            throw new StoreUnavailableException("signing key " + kid
                    + " cannot be decrypted: wrong key-encryption key, or the stored row was altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    private static byte[] aad(String kid, SigningAlgorithm algorithm) {
        return ("portcullis-signing-key\0" + kid + "\0" + algorithm.name()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "KeyEncryption[AES-GCM, kek=***]";
    }
}
