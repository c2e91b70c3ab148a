package org.portcullis.auth.core.internal.token;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.portcullis.auth.api.PublishedKeys;
import org.portcullis.auth.api.SigningKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns stored signing keys into a public JWK Set (RFC 7517 §5) with nimbus: each key becomes a
 * JWK with {@code kid}, {@code alg} and {@code use: "sig"} (RFC 7517 §4.2, §4.4, §4.5), and only its
 * public members are kept ({@link JWK#toPublicJWK()}, then {@link JWKSet#toString(boolean)} with
 * public keys only), so no private member can reach the output whatever the input held.
 * Symmetric (HS256) keys are left out: their only half is the secret (RFC 7518 §3.2). Stateless.
 */
final class JsonWebKeys {

    private static final Logger LOG = LoggerFactory.getLogger(JsonWebKeys.class);

    private JsonWebKeys() {
    }

    /** The public JWK Set of {@code keys}, in their order; HS256 keys and undecodable keys are left out. */
    static PublishedKeys publicSet(List<SigningKey> keys) {
        List<JWK> jwks = new ArrayList<>();
        Set<String> algorithms = new LinkedHashSet<>();
        for (SigningKey k : keys) {
            // Encryption keys are never published, whatever view of the store they came from.
            if (!k.algorithm().asymmetric() || !k.algorithm().signs()) {
                continue;
            }
            try {
                JWK jwk = toJwk(k).toPublicJWK();
                jwks.add(jwk);
                algorithms.add(k.algorithm().jwsName());
            } catch (GeneralSecurityException | IOException | ClassCastException | IllegalArgumentException e) {
                LOG.error("signing key {} does not decode as {} and is not published", k.kid(), k.algorithm());
            }
        }
        JWKSet set = new JWKSet(jwks);
        return new PublishedKeys(set.toString(true), jwks.stream().map(JWK::getKeyID).toList(), List.copyOf(algorithms));
    }

    private static JWK toJwk(SigningKey k) throws GeneralSecurityException, IOException {
        X509EncodedKeySpec spki = new X509EncodedKeySpec(k.publicKey());
        return switch (k.algorithm()) {
            case RS256 -> new RSAKey.Builder((RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(spki))
                    .keyID(k.kid()).algorithm(JWSAlgorithm.RS256).keyUse(KeyUse.SIGNATURE).build();
            case ES256 -> new ECKey.Builder(Curve.P_256, (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(spki))
                    .keyID(k.kid()).algorithm(JWSAlgorithm.ES256).keyUse(KeyUse.SIGNATURE).build();
            // RFC 8037 §2: an Ed25519 public key is an OKP with crv Ed25519 and the raw 32 bytes as x.
            case EdDSA -> new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(
                    ((Ed25519PublicKeyParameters) PublicKeyFactory.createKey(k.publicKey())).getEncoded()))
                    .keyID(k.kid()).algorithm(JWSAlgorithm.EdDSA).keyUse(KeyUse.SIGNATURE).build();
            case HS256 -> throw new IllegalArgumentException("a symmetric key is never published");
            case DIR_A256GCM, ECDH_ES_A256KW -> throw new IllegalArgumentException("an encryption key is never published");
        };
    }
}
