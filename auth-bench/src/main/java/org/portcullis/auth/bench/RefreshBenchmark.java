package org.portcullis.auth.bench;

import java.time.Clock;
import java.util.Set;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.memory.InMemoryStores;

/**
 * A full refresh (check the presented access token, look up and rotate the refresh token, sign,
 * audit) on the in-memory store, per signing algorithm (EdDSA is the default). Each thread keeps
 * its own session and refreshes it over and over, as a client does; run with {@code -t N} for the
 * scaling curve (the threads share one engine and one store).
 */
@State(Scope.Thread)
public class RefreshBenchmark extends MicrosecondBenchmark {

    /**
     * Refreshes of one session before the benchmark logs in again: the engine ends a session after
     * a bounded number of rotations (6,480 with the default lifetimes), and a session that long
     * lived is not what a refresh usually meets. The login (cheap hashing here) is amortised over
     * these refreshes: well under 0.1 µs of each.
     */
    static final int REFRESHES_PER_SESSION = 5_000;

    private AuthService auth;
    private TokenPair pair;
    private int refreshes;

    /** One engine and store for all the threads of a run. */
    @State(Scope.Benchmark)
    public static class Engine {
        @Param({"EdDSA", "RS256", "ES256", "HS256"})
        public String algorithm;

        AuthService auth;
        Stores stores;

        @Setup(Level.Trial)
        public void setUp() {
            Clock clock = Clock.systemUTC();
            stores = InMemoryStores.create(clock);
            PasswordHasher cheap = PasswordHasher.withParameters(64, 1, 1);
            stores.users().create(new UserRecord("u1", "alice", cheap.hash("pw"), Set.of(), true));
            AuthSettings settings = AuthSettings.builder()
                    .signingAlgorithm(SigningAlgorithm.valueOf(algorithm)).build();
            auth = Portcullis.builder().stores(stores).clock(clock).settings(settings).passwordHasher(cheap)
                    .startCleanupJob(false).build();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            auth.close();
        }
    }

    @Setup(Level.Trial)
    public void setUp(Engine engine) {
        auth = engine.auth;
        pair = auth.login(new PasswordCredential("alice", "pw"), ClientInfo.UNKNOWN);
    }

    @Benchmark
    public TokenPair refresh() {
        if (++refreshes == REFRESHES_PER_SESSION) {
            refreshes = 0;
            pair = auth.login(new PasswordCredential("alice", "pw"), ClientInfo.UNKNOWN);
        }
        pair = auth.refresh(pair.accessToken(), pair.refreshToken(), ClientInfo.UNKNOWN);
        return pair;
    }
}
