package org.portcullis.auth.bench;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

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
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.core.internal.token.AccessTokens;
import org.portcullis.auth.core.internal.token.KeyRing;
import org.portcullis.auth.store.memory.InMemoryStores;

/**
 * The hot paths per signing algorithm: a repeat validation (cache hit), a first-sight validation
 * (full signature and claims check; cache off), and signing one access token.
 */
@State(Scope.Benchmark)
public class ValidateBenchmark extends MicrosecondBenchmark {

    @Param({"EdDSA", "RS256", "ES256", "HS256"})
    public String algorithm;

    private AuthService cached;
    private AuthService uncached;
    private String token;
    private AccessTokens tokens;
    private Session session;
    private Clock clock;

    @Setup(Level.Trial)
    public void setUp() {
        clock = Clock.systemUTC();
        SigningAlgorithm alg = SigningAlgorithm.valueOf(algorithm);
        Stores stores = InMemoryStores.create(clock);
        PasswordHasher cheap = PasswordHasher.withParameters(64, 1, 1);
        stores.users().create(new UserRecord("u1", "alice", cheap.hash("pw"), Set.of("user"), true));
        AuthSettings settings = AuthSettings.builder().signingAlgorithm(alg).build();
        cached = Portcullis.builder().stores(stores).clock(clock).settings(settings).passwordHasher(cheap)
                .startCleanupJob(false).build();
        uncached = Portcullis.builder().stores(stores).clock(clock)
                .settings(settings.toBuilder().tokenCacheSize(0).build()).passwordHasher(cheap)
                .startCleanupJob(false).build();
        TokenPair pair = cached.login(new PasswordCredential("alice", "pw"), ClientInfo.UNKNOWN);
        token = pair.accessToken();
        session = stores.sessions().find(pair.sessionId()).orElseThrow();
        tokens = new AccessTokens(new KeyRing(stores.signingKeys(), clock, settings.keyReloadInterval(), alg, k -> { }),
                settings, clock);
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

    @Benchmark
    public String sign() {
        return tokens.issue(session, Map.of(), Instant.now(clock)).token();
    }
}
