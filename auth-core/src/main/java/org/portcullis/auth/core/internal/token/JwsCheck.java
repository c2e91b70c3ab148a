package org.portcullis.auth.core.internal.token;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The bare signature check of one key with its one pinned algorithm (RFC 8725 §3.1), run directly
 * over the signing input's bytes (RFC 7515 §5.2 steps 8 and 9) without a JOSE library object per
 * token.
 *
 * <p>The JCA engines ({@link Mac}, {@link Signature}) are not thread-safe and cost a provider look-up
 * and a key set-up to create, so each instance keeps one per thread, initialised once with this
 * key. The {@link ThreadLocal} is a field of the per-key instance: an engine is never shared between
 * two keys, and once a key leaves the key ring its instance (and so its engines) is unreachable from
 * the verifying path even on a thread that still holds one.
 *
 * <p>Thread-safe.
 */
abstract class JwsCheck {

    /** @return whether {@code signature} is this key's signature of {@code signingInput} */
    abstract boolean verify(byte[] signingInput, byte[] signature);

    /** HS256 (RFC 7518 §3.2), compared in constant time. */
    static JwsCheck hmacSha256(byte[] secret) {
        SecretKeySpec key = new SecretKeySpec(secret, "HmacSHA256");
        ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        });
        return new JwsCheck() {
            @Override
            boolean verify(byte[] signingInput, byte[] signature) {
                Mac mac = macs.get();
                // doFinal resets the engine to its key for the next token on this thread.
                byte[] expected = mac.doFinal(signingInput);
                // Constant time: the comparison must not tell an attacker how many bytes matched.
                return MessageDigest.isEqual(expected, signature);
            }
        };
    }

    /**
     * RS256 (RFC 7518 §3.3) or ES256 (§3.4) through a JCA signature engine.
     *
     * @param fixedLength the signature's exact length in bytes, or 0 for any
     */
    static JwsCheck signature(String algorithm, Provider provider, PublicKey publicKey, int fixedLength) {
        ThreadLocal<Signature> engines = ThreadLocal.withInitial(() -> {
            try {
                Signature s = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
                s.initVerify(publicKey);
                return s;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(algorithm + " unavailable", e);
            }
        });
        return new JwsCheck() {
            @Override
            boolean verify(byte[] signingInput, byte[] signature) {
                if (fixedLength != 0 && signature.length != fixedLength) {
                    return false;
                }
                Signature s = engines.get();
                try {
                    s.update(signingInput);
                    // verify resets the engine to its key, also when it throws.
                    return s.verify(signature);
                } catch (GeneralSecurityException | RuntimeException e) {
                    // A failed verify may leave the engine mid-operation: drop it for this thread.
                    engines.remove();
                    return false;
                }
            }
        };
    }

    /** EdDSA with Ed25519 (RFC 8037 §3.1); BouncyCastle's signer is cheap to create. */
    static JwsCheck ed25519(Ed25519PublicKeyParameters key) {
        return new JwsCheck() {
            @Override
            boolean verify(byte[] signingInput, byte[] signature) {
                if (signature.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
                    return false;
                }
                Ed25519Signer v = new Ed25519Signer();
                v.init(false, key);
                v.update(signingInput, 0, signingInput.length);
                return v.verifySignature(signature);
            }
        };
    }
}
