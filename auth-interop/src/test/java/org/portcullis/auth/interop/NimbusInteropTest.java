package org.portcullis.auth.interop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.SigningAlgorithm;

import java.net.URL;
import java.security.Key;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

@DisplayName("nimbus-jose-jwt DefaultJWTProcessor with a remote JWK source (Tink for Ed25519)")
class NimbusInteropTest extends VerifierContract {

    /** What docs/interop.md shows for nimbus (RS256, ES256). */
    static ConfigurableJWTProcessor<SecurityContext> processor(URL jwkSetUrl, JWSAlgorithm algorithm) {
        // tag::nimbus[]
        JWKSource<SecurityContext> keys = JWKSourceBuilder
                .create(jwkSetUrl, new DefaultResourceRetriever(5_000, 5_000))  // the default 500 ms is tight
                .build();                                                       // cached, refetched on an unknown kid
        ConfigurableJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithm, keys));   // one pinned algorithm
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                "orders-api",                                                   // aud
                new JWTClaimsSet.Builder().issuer("https://issuer.portcullis.test").build(),
                Set.of("sub", "exp", "iat", "jti")));                           // exp and nbf with 60 s skew
        // end::nimbus[]
        return processor;
    }

    /**
     * For Ed25519 nimbus 10.10's default key selector and verifier factory skip OKP keys (its
     * KeyConverter and DefaultJWSVerifierFactory know RSA, EC and secret keys only), so both are
     * given: the selector wraps the OKP JWK, the factory builds the Tink-backed Ed25519Verifier.
     */
    static ConfigurableJWTProcessor<SecurityContext> ed25519Processor(URL jwkSetUrl) {
        ConfigurableJWTProcessor<SecurityContext> processor = processor(jwkSetUrl, JWSAlgorithm.EdDSA);
        // tag::nimbus-eddsa[]
        JWKSource<SecurityContext> keys = JWKSourceBuilder
                .create(jwkSetUrl, new DefaultResourceRetriever(5_000, 5_000)).build();
        processor.setJWSKeySelector((header, context) -> {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                return List.of();                                               // pinned: EdDSA only
            }
            List<Key> found = new ArrayList<>();
            for (JWK jwk : keys.get(new JWKSelector(JWKMatcher.forJWSHeader(header)), context)) {
                found.add(new OkpPublicKey(jwk.toOctetKeyPair()));
            }
            return found;
        });
        processor.setJWSVerifierFactory(new DefaultJWSVerifierFactory() {
            @Override
            public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
                return key instanceof OkpPublicKey okp ? new Ed25519Verifier(okp.jwk())   // needs com.google.crypto.tink
                        : super.createJWSVerifier(header, key);
            }
        });
        // end::nimbus-eddsa[]
        return processor;
    }

    /** Carries an Ed25519 JWK through nimbus's key selector, which hands on java.security.Key values. */
    record OkpPublicKey(OctetKeyPair jwk) implements PublicKey {
        @Override
        public String getAlgorithm() {
            return "Ed25519";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }
    }

    @Override
    String verify(IssuerServer issuer, SigningAlgorithm algorithm, String token) throws Exception {
        URL url = issuer.jwksUri().toURL();
        ConfigurableJWTProcessor<SecurityContext> p = algorithm == SigningAlgorithm.EdDSA ? ed25519Processor(url)
                : processor(url, JWSAlgorithm.parse(algorithm.jwsName()));
        return p.process(token, null).getSubject();
    }

    @Override
    List<SigningAlgorithm> algorithms() {
        return List.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256, SigningAlgorithm.EdDSA);
    }
}
