package org.portcullis.auth.bench;

import java.util.Date;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What an application would otherwise write: nimbus's {@link DefaultJWTProcessor} with a local
 * JWK set, type, issuer, audience and expiry checks — no session check and no cache.
 */
@State(Scope.Benchmark)
public class NimbusBaselineBenchmark extends MicrosecondBenchmark {

    @Param({"RS256", "ES256"})
    public String algorithm;

    private DefaultJWTProcessor<SecurityContext> processor;
    private String token;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        JWK jwk;
        JWSAlgorithm alg = JWSAlgorithm.parse(algorithm);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("portcullis").audience("7g-api").subject("u1")
                .claim("sid", "s1").jwtID("j1").issueTime(new Date())
                .expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).claim("roles", List.of("user"))
                .build();
        JWSHeader header = new JWSHeader.Builder(alg).type(new JOSEObjectType("at+jwt")).keyID("k1").build();
        SignedJWT jwt = new SignedJWT(header, claims);
        if (alg.equals(JWSAlgorithm.RS256)) {
            RSAKey k = new RSAKeyGenerator(2048).keyID("k1").generate();
            jwt.sign(new RSASSASigner(k));
            jwk = k.toPublicJWK();
        } else {
            ECKey k = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
            jwt.sign(new ECDSASigner(k));
            jwk = k.toPublicJWK();
        }
        token = jwt.serialize();
        processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(new JWKSet(jwk))));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>("7g-api",
                new JWTClaimsSet.Builder().issuer("portcullis").build(), Set.of("sub", "sid", "exp")));
    }

    @Benchmark
    public JWTClaimsSet nimbusProcess() throws Exception {
        return processor.process(token, null);
    }
}
