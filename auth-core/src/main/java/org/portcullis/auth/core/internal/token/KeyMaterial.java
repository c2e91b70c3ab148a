package org.portcullis.auth.core.internal.token;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEDecrypter;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * Generates signing keys and turns stored ones into nimbus signers and verifiers, or, for the
 * token-encryption keys, into a JWE encrypter and decrypter. Every key is pinned to one algorithm
 * (RFC 8725 §3.1): the verifier built here accepts only that one, so an HS256 token can never be
 * checked with an RSA public key as its secret (§2.1's confusion); an encryption key is pinned to
 * one {@code alg} and {@code enc: A256GCM}.
 */
public final class KeyMaterial {

    private static final SecureRandom RANDOM = new SecureRandom();
    // BouncyCastle's ECDSA verification is several times faster than the JDK's (measured in the
    // core-engine issue), and it is only used for verification, never registered globally.
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private KeyMaterial() {
    }

    /**
     * A signing and a verifying half of one stored signing key, or the JWE halves of an encryption key.
     *
     * @param jwsAlgorithm the pinned JWS algorithm; {@code null} for an encryption key (which is never
     *                     in the signing ring's view of the store, {@link SigningKeyView})
     * @param signer       present when the key has a private half; empty for an encryption key
     * @param verifier     the pinned verifier; {@code null} for an encryption key
     * @param jwe          present exactly for an encryption key
     * @param check        the pinned bare signature check the token path uses; {@code null} for an
     *                     encryption key
     */
    public record Prepared(SigningKey key, JWSAlgorithm jwsAlgorithm, Optional<JWSSigner> signer, JWSVerifier verifier,
                           Optional<Jwe> jwe, JwsCheck check) {

        Prepared(SigningKey key, JWSAlgorithm jwsAlgorithm, Optional<JWSSigner> signer, JWSVerifier verifier,
                 JwsCheck check) {
            this(key, jwsAlgorithm, signer, verifier, Optional.empty(), check);
        }

        /** Whether this key may issue tokens: it signs, or it encrypts. */
        boolean issues() {
            return signer.isPresent() || jwe.isPresent();
        }
    }

    /**
     * The pinned JWE algorithms of an encryption key and its nimbus halves (thread-safe, as nimbus
     * documents for its encrypters and decrypters).
     *
     * @param decrypter empty when the store holds only the public half of an ECDH-ES recipient key
     */
    public record Jwe(JWEAlgorithm algorithm, EncryptionMethod method, JWEEncrypter encrypter,
                      Optional<JWEDecrypter> decrypter) {
    }

    /** A new key of {@code algorithm}, published and active from {@code now}. */
    public static SigningKey generate(SigningAlgorithm algorithm, Instant now) {
        byte[] kidBytes = new byte[12];
        RANDOM.nextBytes(kidBytes);
        String kid = Base64.getUrlEncoder().withoutPadding().encodeToString(kidBytes);
        try {
            return switch (algorithm) {
                case RS256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(2048, RANDOM);
                    KeyPair kp = g.generateKeyPair();
                    yield key(kid, algorithm, kp.getPublic().getEncoded(), kp.getPrivate().getEncoded(), now);
                }
                case ES256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                    KeyPair kp = g.generateKeyPair();
                    yield key(kid, algorithm, kp.getPublic().getEncoded(), kp.getPrivate().getEncoded(), now);
                }
                case EdDSA -> {
                    Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
                    g.init(new Ed25519KeyGenerationParameters(RANDOM));
                    AsymmetricCipherKeyPair kp = g.generateKeyPair();
                    byte[] pub = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(kp.getPublic()).getEncoded();
                    byte[] priv = PrivateKeyInfoFactory.createPrivateKeyInfo(kp.getPrivate()).getEncoded();
                    yield key(kid, algorithm, pub, priv, now);
                }
                case HS256 -> {
                    // RFC 7518 §3.2: a key of at least the hash size, 256 bits.
                    byte[] secret = new byte[32];
                    RANDOM.nextBytes(secret);
                    yield key(kid, algorithm, new byte[0], secret, now);
                }
                case DIR_A256GCM -> {
                    // RFC 7518 §5.3: A256GCM takes a 256-bit key, used directly as the content key (§4.5).
                    byte[] secret = new byte[32];
                    RANDOM.nextBytes(secret);
                    yield key(kid, algorithm, new byte[0], secret, now);
                }
                // The recipient owns this key: a key generated here would be one it cannot read.
                case ECDH_ES_A256KW -> throw new StoreUnavailableException(
                        "no token-encryption key may encrypt now: configure the recipient's key (keys.tokenEncryption)");
            };
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
        }
    }

    private static Prepared encryption(SigningKey key, Jwe jwe) {
        return new Prepared(key, null, Optional.empty(), null, Optional.of(jwe), null);
    }

    private static SigningKey key(String kid, SigningAlgorithm alg, byte[] pub, byte[] priv, Instant now) {
        return new SigningKey(kid, alg, pub, priv, now, now, Optional.empty(), Optional.empty());
    }

    /**
     * Builds the signer (when the key has a private half) and the pinned verifier of a key.
     *
     * @throws IllegalArgumentException when the stored material does not decode for its algorithm
     */
    public static Prepared prepare(SigningKey key) {
        try {
            return switch (key.algorithm()) {
                case RS256 -> {
                    KeyFactory f = KeyFactory.getInstance("RSA");
                    RSAPublicKey pub = (RSAPublicKey) f.generatePublic(new X509EncodedKeySpec(key.publicKey()));
                    Optional<JWSSigner> signer = key.privateKey().length == 0 ? Optional.empty()
                            : Optional.of(new RSASSASigner((RSAPrivateKey) f.generatePrivate(
                                    new PKCS8EncodedKeySpec(key.privateKey()))));
                    yield new Prepared(key, JWSAlgorithm.RS256, signer, new RSASSAVerifier(pub),
                            JwsCheck.signature("SHA256withRSA", null, pub, 0));
                }
                case ES256 -> {
                    KeyFactory f = KeyFactory.getInstance("EC");
                    ECPublicKey pub = (ECPublicKey) f.generatePublic(new X509EncodedKeySpec(key.publicKey()));
                    Optional<JWSSigner> signer = key.privateKey().length == 0 ? Optional.empty()
                            : Optional.of(new ECDSASigner((ECPrivateKey) f.generatePrivate(
                                    new PKCS8EncodedKeySpec(key.privateKey()))));
                    ECDSAVerifier verifier = new ECDSAVerifier(pub);
                    verifier.getJCAContext().setProvider(BC);
                    // RFC 7518 §3.4: R and S as two 32-byte big-endian integers, BouncyCastle's "PLAIN" format.
                    yield new Prepared(key, JWSAlgorithm.ES256, signer, verifier,
                            JwsCheck.signature("SHA256withPLAIN-ECDSA", BC, pub, 64));
                }
                case EdDSA -> {
                    Ed25519PublicKeyParameters pub = (Ed25519PublicKeyParameters) PublicKeyFactory.createKey(key.publicKey());
                    Optional<JWSSigner> signer = key.privateKey().length == 0 ? Optional.empty()
                            : Optional.of(new Ed25519Jws.Signer(
                                    (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(key.privateKey())));
                    yield new Prepared(key, JWSAlgorithm.EdDSA, signer, new Ed25519Jws.Verifier(pub), JwsCheck.ed25519(pub));
                }
                case HS256 -> {
                    byte[] secret = key.privateKey();
                    yield new Prepared(key, JWSAlgorithm.HS256, Optional.of(new MACSigner(secret)),
                            new MACVerifier(secret), JwsCheck.hmacSha256(secret));
                }
                case DIR_A256GCM -> {
                    SecretKeySpec secret = new SecretKeySpec(key.privateKey(), "AES");
                    yield encryption(key, new Jwe(JWEAlgorithm.DIR, EncryptionMethod.A256GCM, new DirectEncrypter(secret),
                            Optional.of(new DirectDecrypter(secret))));
                }
                case ECDH_ES_A256KW -> {
                    KeyFactory f = KeyFactory.getInstance("EC");
                    ECPublicKey pub = (ECPublicKey) f.generatePublic(new X509EncodedKeySpec(key.publicKey()));
                    if (pub.getParams().getCurve().getField().getFieldSize() != 256) {
                        throw new IllegalArgumentException("key " + key.kid() + " is not on P-256");
                    }
                    Optional<JWEDecrypter> decrypter = key.privateKey().length == 0 ? Optional.empty()
                            // nimbus checks that the sender's ephemeral key is on the curve before it
                            // agrees a secret with it (the invalid-curve attack, RFC 8725 §2.5, §3.4).
                            : Optional.of(new ECDHDecrypter((ECPrivateKey) f.generatePrivate(
                                    new PKCS8EncodedKeySpec(key.privateKey()))));
                    yield encryption(key, new Jwe(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM,
                            new ECDHEncrypter(pub), decrypter));
                }
            };
        } catch (GeneralSecurityException | IOException | JOSEException | ClassCastException e) {
            throw new IllegalArgumentException("key " + key.kid() + " does not decode as " + key.algorithm(), e);
        }
    }
}
