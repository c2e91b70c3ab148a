package org.portcullis.auth.bench;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Set;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * One token, five validators. Portcullis issues an access token per algorithm; Auth0 java-jwt,
 * jjwt, Spring Security's {@link NimbusJwtDecoder} and nimbus's {@link DefaultJWTProcessor} then
 * validate that same string with the same rules — signature with the one pinned algorithm,
 * {@code iss}, {@code aud}, {@code exp} and {@code typ: at+jwt} — each configured once, as an
 * application would, and reused across calls. Beside them Portcullis's first-sight validation
 * (token cache off: the full check plus the session-status lookup) and repeat validation (cache
 * hit). The peers use the JDK's providers, as they do by default; Portcullis verifies ES256 with
 * BouncyCastle. A peer that cannot check an algorithm throws at set-up, which JMH reports as a
 * failed benchmark: EdDSA is only in jjwt here (java-jwt and Spring have no EdDSA, nimbus needs
 * Google Tink for it). {@code scripts/peers-table.py} turns the JSON result into ratios.
 */
@State(Scope.Benchmark)
public class PeersBenchmark extends MicrosecondBenchmark {

    static final String ISSUER = "portcullis";
    static final String AUDIENCE = "7g-api";

    @Param({"RS256", "ES256", "HS256", "EdDSA"})
    public String algorithm;

    private AuthService cached;
    private AuthService uncached;
    private String token;
    private JWTVerifier auth0;
    private JwtParser jjwt;
    private NimbusJwtDecoder spring;
    private DefaultJWTProcessor<SecurityContext> nimbus;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        Clock clock = Clock.systemUTC();
        SigningAlgorithm alg = SigningAlgorithm.valueOf(algorithm);
        Stores stores = InMemoryStores.create(clock);
        PasswordHasher cheap = PasswordHasher.withParameters(64, 1, 1);
        stores.users().create(new UserRecord("u1", "alice", cheap.hash("pw"), Set.of("user"), true));
        AuthSettings settings = AuthSettings.builder().signingAlgorithm(alg).issuer(ISSUER).audience(AUDIENCE).build();
        cached = Portcullis.builder().stores(stores).clock(clock).settings(settings).passwordHasher(cheap)
                .startCleanupJob(false).build();
        uncached = Portcullis.builder().stores(stores).clock(clock)
                .settings(settings.toBuilder().tokenCacheSize(0).build()).passwordHasher(cheap)
                .startCleanupJob(false).build();
        token = cached.login(new PasswordCredential("alice", "pw"), ClientInfo.UNKNOWN).accessToken();
        SigningKey key = stores.signingKeys().findAll().stream().filter(k -> k.algorithm() == alg).findFirst()
                .orElseThrow();
        String bench = params.getBenchmark();
        // Build only the validator this benchmark measures: a peer without the algorithm fails here.
        if (bench.endsWith("auth0JavaJwt")) {
            auth0 = JWT.require(auth0Algorithm(alg, key)).withIssuer(ISSUER).withAudience(AUDIENCE).build();
        } else if (bench.endsWith("jjwt")) {
            var builder = Jwts.parser();
            if (alg == SigningAlgorithm.HS256) {
                builder.verifyWith(secret(key));
            } else {
                builder.verifyWith(publicKey(key));
            }
            jjwt = builder.requireIssuer(ISSUER).requireAudience(AUDIENCE).build();
        } else if (bench.endsWith("springNimbusJwtDecoder")) {
            spring = springDecoder(alg, key);
        } else if (bench.endsWith("nimbusProcessor")) {
            nimbus = nimbusProcessor(alg, key);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cached.close();
        uncached.close();
    }

    @Benchmark
    public AuthPrincipal portcullisRepeat() {
        return cached.validate(token);
    }

    @Benchmark
    public AuthPrincipal portcullisFirstSight() {
        return uncached.validate(token);
    }

    @Benchmark
    public DecodedJWT auth0JavaJwt() {
        DecodedJWT jwt = auth0.verify(token);
        // java-jwt has no header requirement: typ is checked by hand, as its users do.
        if (!"at+jwt".equals(jwt.getType())) {
            throw new IllegalStateException("typ");
        }
        return jwt;
    }

    @Benchmark
    public Jws<io.jsonwebtoken.Claims> jjwt() {
        Jws<io.jsonwebtoken.Claims> jws = jjwt.parseSignedClaims(token);
        if (!"at+jwt".equals(jws.getHeader().getType())) {
            throw new IllegalStateException("typ");
        }
        return jws;
    }

    @Benchmark
    public Jwt springNimbusJwtDecoder() {
        return spring.decode(token);
    }

    @Benchmark
    public JWTClaimsSet nimbusProcessor() throws Exception {
        return nimbus.process(token, null);
    }

    private static PublicKey publicKey(SigningKey key) throws Exception {
        String jca = switch (key.algorithm()) {
            case RS256 -> "RSA";
            case ES256 -> "EC";
            case EdDSA -> "Ed25519";
            case HS256 -> throw new IllegalArgumentException("HS256 has no public key");
            case DIR_A256GCM, ECDH_ES_A256KW -> throw new IllegalArgumentException("not a signing algorithm");
        };
        return KeyFactory.getInstance(jca).generatePublic(new X509EncodedKeySpec(key.publicKey()));
    }

    private static SecretKey secret(SigningKey key) {
        return new SecretKeySpec(key.privateKey(), "HmacSHA256");
    }

    private static Algorithm auth0Algorithm(SigningAlgorithm alg, SigningKey key) throws Exception {
        return switch (alg) {
            case RS256 -> Algorithm.RSA256((RSAPublicKey) publicKey(key), null);
            case ES256 -> Algorithm.ECDSA256((ECPublicKey) publicKey(key), null);
            case HS256 -> Algorithm.HMAC256(key.privateKey());
            case EdDSA -> throw new UnsupportedOperationException("java-jwt has no EdDSA");
            case DIR_A256GCM, ECDH_ES_A256KW -> throw new IllegalArgumentException("not a signing algorithm");
        };
    }

    private static JWK jwk(SigningAlgorithm alg, SigningKey key) throws Exception {
        return switch (alg) {
            case RS256 -> new RSAKey.Builder((RSAPublicKey) publicKey(key)).keyID(key.kid()).build();
            case ES256 -> new ECKey.Builder(Curve.P_256, (ECPublicKey) publicKey(key)).keyID(key.kid()).build();
            case HS256 -> new OctetSequenceKey.Builder(key.privateKey()).keyID(key.kid()).build();
            case EdDSA -> throw new UnsupportedOperationException("nimbus verifies EdDSA only with Google Tink");
            case DIR_A256GCM, ECDH_ES_A256KW -> throw new IllegalArgumentException("not a signing algorithm");
        };
    }

    private static NimbusJwtDecoder springDecoder(SigningAlgorithm alg, SigningKey key) throws Exception {
        NimbusJwtDecoder decoder = switch (alg) {
            // validateType(false): Spring hands typ to a JwtTypeValidator (below) instead of nimbus's
            // JWT-only default.
            case RS256 -> NimbusJwtDecoder.withPublicKey((RSAPublicKey) publicKey(key))
                    .signatureAlgorithm(SignatureAlgorithm.RS256).validateType(false).build();
            case HS256 -> NimbusJwtDecoder.withSecretKey(secret(key)).macAlgorithm(MacAlgorithm.HS256)
                    .validateType(false).build();
            case ES256 -> {
                JWKSource<SecurityContext> source = new ImmutableJWKSet<>(new JWKSet(jwk(alg, key)));
                yield NimbusJwtDecoder.withJwkSource(source).jwsAlgorithm(SignatureAlgorithm.ES256)
                        // As validateType(false) does for the other builders.
                        .jwtProcessorCustomizer(p -> p.setJWSTypeVerifier((header, context) -> { }))
                        .build();
            }
            case EdDSA -> throw new UnsupportedOperationException("Spring Security has no EdDSA");
            case DIR_A256GCM, ECDH_ES_A256KW -> throw new IllegalArgumentException("not a signing algorithm");
        };
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(),
                new JwtIssuerValidator(ISSUER), new JwtAudienceValidator(AUDIENCE), new JwtTypeValidator("at+jwt")));
        return decoder;
    }

    private static DefaultJWTProcessor<SecurityContext> nimbusProcessor(SigningAlgorithm alg, SigningKey key)
            throws Exception {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.parse(alg.name()),
                new ImmutableJWKSet<>(new JWKSet(jwk(alg, key)))));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(AUDIENCE,
                new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("exp")));
        return p;
    }
}
