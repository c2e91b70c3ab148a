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

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
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

/**
 * Generates signing keys and turns stored ones into nimbus signers and verifiers. Every key is
 * pinned to one algorithm (RFC 8725 §3.1): the verifier built here accepts only that one, so an
 * HS256 token can never be checked with an RSA public key as its secret (§2.1's confusion).
 */
public final class KeyMaterial {

    private static final SecureRandom RANDOM = new SecureRandom();
    // BouncyCastle's ECDSA verification is several times faster than the JDK's (measured in the
    // core-engine issue), and it is only used for verification, never registered globally.
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private KeyMaterial() {
    }

    /** A signing and a verifying half of one stored key. */
    public record Prepared(SigningKey key, JWSAlgorithm jwsAlgorithm, Optional<JWSSigner> signer, JWSVerifier verifier) {
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
            };
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
        }
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
                    yield new Prepared(key, JWSAlgorithm.RS256, signer, new RSASSAVerifier(pub));
                }
                case ES256 -> {
                    KeyFactory f = KeyFactory.getInstance("EC");
                    ECPublicKey pub = (ECPublicKey) f.generatePublic(new X509EncodedKeySpec(key.publicKey()));
                    Optional<JWSSigner> signer = key.privateKey().length == 0 ? Optional.empty()
                            : Optional.of(new ECDSASigner((ECPrivateKey) f.generatePrivate(
                                    new PKCS8EncodedKeySpec(key.privateKey()))));
                    ECDSAVerifier verifier = new ECDSAVerifier(pub);
                    verifier.getJCAContext().setProvider(BC);
                    yield new Prepared(key, JWSAlgorithm.ES256, signer, verifier);
                }
                case EdDSA -> {
                    Ed25519PublicKeyParameters pub = (Ed25519PublicKeyParameters) PublicKeyFactory.createKey(key.publicKey());
                    Optional<JWSSigner> signer = key.privateKey().length == 0 ? Optional.empty()
                            : Optional.of(new Ed25519Jws.Signer(
                                    (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(key.privateKey())));
                    yield new Prepared(key, JWSAlgorithm.EdDSA, signer, new Ed25519Jws.Verifier(pub));
                }
                case HS256 -> {
                    byte[] secret = key.privateKey();
                    yield new Prepared(key, JWSAlgorithm.HS256, Optional.of(new MACSigner(secret)),
                            new MACVerifier(secret));
                }
            };
        } catch (GeneralSecurityException | IOException | JOSEException | ClassCastException e) {
            throw new IllegalArgumentException("key " + key.kid() + " does not decode as " + key.algorithm(), e);
        }
    }
}
