package org.portcullis.auth.interop;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.SigningAlgorithm;

import java.util.List;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Auth0 java-jwt 4.6 with keys from the live JWK Set")
class Auth0JavaJwtInteropTest extends VerifierContract {

    /** What docs/interop.md shows for java-jwt; the key comes from the JWK Set by the token's kid. */
    static String subject(String jwkSetJson, String token) throws Exception {
        // tag::java-jwt[]
        DecodedJWT unverified = JWT.decode(token);
        JWK jwk = JWKSet.parse(jwkSetJson).getKeyByKeyId(unverified.getKeyId());   // any JWK parser will do
        Algorithm algorithm = switch (jwk.getAlgorithm().getName()) {              // pinned by the key, not the token
            case "RS256" -> Algorithm.RSA256(jwk.toRSAKey().toRSAPublicKey(), null);
            case "ES256" -> Algorithm.ECDSA256(jwk.toECKey().toECPublicKey(), null);
            default -> throw new IllegalArgumentException("java-jwt cannot verify " + jwk.getAlgorithm());
        };
        DecodedJWT jwt = JWT.require(algorithm)
                .withIssuer("https://issuer.portcullis.test")
                .withAudience("orders-api")
                .build()                                    // exp, nbf and iat are checked, with no leeway
                .verify(token);
        if (!"at+jwt".equals(jwt.getType())) {              // java-jwt has no typ requirement of its own
            throw new IncorrectClaimException("typ must be at+jwt", "typ", null);
        }
        // end::java-jwt[]
        return jwt.getSubject();
    }

    @Override
    String verify(IssuerServer issuer, SigningAlgorithm algorithm, String token) throws Exception {
        return subject(fetch(issuer.jwksUri()), token);
    }

    @Override
    List<SigningAlgorithm> algorithms() {
        return List.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256);
    }

    @Test
    @DisplayName("EdDSA: java-jwt has no EdDSA algorithm, and any algorithm it has refuses the token as a mismatch")
    void eddsaRefused() throws Exception {
        assertThat(Arrays.stream(Algorithm.class.getMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && m.getReturnType() == Algorithm.class)
                .map(Method::getName)).isNotEmpty().noneMatch(n -> n.toLowerCase().contains("ed"));
        try (IssuerServer issuer = new IssuerServer(SigningAlgorithm.EdDSA)) {
            String token = issuer.accessToken();
            assertThatThrownBy(() -> subject(fetch(issuer.jwksUri()), token))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EdDSA");
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            Algorithm other = Algorithm.ECDSA256((ECPublicKey) g.generateKeyPair().getPublic(), null);
            assertThatThrownBy(() -> JWT.require(other).build().verify(token)).isInstanceOf(AlgorithmMismatchException.class);
        }
    }
}
