package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.PublishedKeys;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.TokenPair;

@DisplayName("published keys (the JWK Set)")
class PublishedKeysTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SigningAlgorithm.class, names = {"RS256", "ES256", "EdDSA"})
    @DisplayName("the set holds the signing key's public half only, with kid, alg and use sig, and it verifies our tokens")
    void publicHalfVerifies(SigningAlgorithm alg) throws Exception {
        try (Fixture f = new Fixture(b -> b.signingAlgorithm(alg))) {
            f.addUser("alice", "pw");
            TokenPair p = f.login("alice", "pw");
            PublishedKeys published = f.auth.publishedKeys();
            JWKSet set = JWKSet.parse(published.json());
            JWK jwk = set.getKeys().get(0);
            SignedJWT jwt = SignedJWT.parse(p.accessToken());

            assertThat(set.getKeys()).hasSize(1);
            assertThat(jwk.isPrivate()).isFalse();
            assertThat(published.json()).doesNotContain("\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"k\"");
            assertThat(jwk.getKeyID()).isEqualTo(jwt.getHeader().getKeyID());
            assertThat(jwk.getAlgorithm().getName()).isEqualTo(alg.jwsName());
            assertThat(jwk.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
            assertThat(published.keyIds()).containsExactly(jwk.getKeyID());
            assertThat(published.algorithms()).containsExactly(alg.jwsName());
            assertThat(verifies(jwk, jwt)).isTrue();
        }
    }

    private static boolean verifies(JWK jwk, SignedJWT jwt) throws Exception {
        if (jwk instanceof OctetKeyPair okp) {
            // nimbus's own Ed25519 verifier needs Tink; BouncyCastle checks the raw signature.
            Ed25519Signer v = new Ed25519Signer();
            v.init(false, new Ed25519PublicKeyParameters(okp.getDecodedX(), 0));
            byte[] input = jwt.getSigningInput();
            v.update(input, 0, input.length);
            return v.verifySignature(jwt.getSignature().decode());
        }
        JWSVerifier verifier = jwk instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) jwk);
        return jwt.verify(verifier);
    }

    @Test
    @DisplayName("an HS256 deployment publishes an empty set: its secret is never shown")
    void hmacPublishesNothing() throws Exception {
        try (Fixture f = new Fixture(b -> b.signingAlgorithm(SigningAlgorithm.HS256))) {
            f.addUser("alice", "pw");
            f.login("alice", "pw");
            PublishedKeys published = f.auth.publishedKeys();
            assertThat(JWKSet.parse(published.json()).getKeys()).isEmpty();
            assertThat(published.keyIds()).isEmpty();
            assertThat(published.json()).isEqualTo("{\"keys\":[]}");
        }
    }

    @Test
    @DisplayName("a rotated key is published before it signs, and the retired key stays published until it expires")
    void publishBeforeSignRetireAfter() {
        try (Fixture f = new Fixture()) {
            f.addUser("alice", "pw");
            f.login("alice", "pw");
            String old = f.auth.publishedKeys().keyIds().get(0);
            String fresh = f.auth.rotateSigningKey(Duration.ofMinutes(6));
            assertThat(f.auth.publishedKeys().keyIds()).containsExactly(old, fresh);
            f.clock.advance(Duration.ofMinutes(6));
            f.login("alice", "pw");
            assertThat(f.auth.publishedKeys().keyIds()).containsExactly(old, fresh);
            var retired = f.stores.signingKeys().findAll().stream().filter(k -> k.kid().equals(old)).findFirst().orElseThrow();
            f.clock.setInstant(retired.expiresAt().orElseThrow());
            assertThat(f.auth.publishedKeys().keyIds()).containsExactly(fresh);
        }
    }

    @Test
    @DisplayName("the set is built once per change: two reads without a change give the same document")
    void stable() {
        try (Fixture f = new Fixture(b -> b.signingAlgorithm(SigningAlgorithm.ES256))) {
            f.addUser("alice", "pw");
            f.login("alice", "pw");
            PublishedKeys a = f.auth.publishedKeys();
            PublishedKeys b = f.auth.publishedKeys();
            assertThat(b).isSameAs(a);
            assertThat(a.keyIds()).hasSize(1);
        }
    }
}
