package org.portcullis.auth.bench;

import java.time.Clock;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.AuthSettings.TokenEncryption;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.memory.InMemoryStores;

/**
 * What access-token encryption (docs/encryption.md) costs on the validate path, beside a signed token
 * of the same signing algorithm: a repeat validation (a token-cache hit on the token's exact string,
 * so only its longer string to hash) and a first sight (cache off: decryption, then the signature
 * and claims check). {@code mode} is {@code signed} (encryption off), {@code dir} or {@code ecdh-es}.
 */
@State(Scope.Benchmark)
public class EncryptedValidateBenchmark extends MicrosecondBenchmark {

    @Param({"signed", "dir", "ecdh-es"})
    public String mode;

    @Param({"EdDSA"})
    public String algorithm;

    private AuthService cached;
    private AuthService uncached;
    private String token;

    @Setup(Level.Trial)
    public void setUp() throws JOSEException {
        Clock clock = Clock.systemUTC();
        Stores stores = InMemoryStores.create(clock);
        PasswordHasher cheap = PasswordHasher.withParameters(64, 1, 1);
        stores.users().create(new UserRecord("u1", "alice", cheap.hash("pw"), Set.of("user"), true));
        TokenEncryption encryption = switch (mode) {
            case "signed" -> TokenEncryption.off();
            case "dir" -> TokenEncryption.direct();
            case "ecdh-es" -> TokenEncryption.ecdhEs(new ECKeyGenerator(Curve.P_256).keyID("bench").generate().toJSONString());
            default -> throw new IllegalArgumentException("mode: signed, dir or ecdh-es");
        };
        AuthSettings settings = AuthSettings.builder().signingAlgorithm(SigningAlgorithm.valueOf(algorithm))
                .keys(AuthSettings.Keys.builder().tokenEncryption(encryption).build()).build();
        cached = Portcullis.builder().stores(stores).clock(clock).settings(settings).passwordHasher(cheap)
                .startCleanupJob(false).build();
        uncached = Portcullis.builder().stores(stores).clock(clock)
                .settings(settings.toBuilder().tokenCacheSize(0).build()).passwordHasher(cheap)
                .startCleanupJob(false).build();
        token = cached.login(new PasswordCredential("alice", "pw"), ClientInfo.UNKNOWN).accessToken();
        // Both fail here, not in the measurement, if the token does not validate.
        cached.validate(token);
        uncached.validate(token);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cached.close();
        uncached.close();
    }

    @Benchmark
    public AuthPrincipal validateCached() {
        return cached.validate(token);
    }

    @Benchmark
    public AuthPrincipal validateFirstSight() {
        return uncached.validate(token);
    }
}
