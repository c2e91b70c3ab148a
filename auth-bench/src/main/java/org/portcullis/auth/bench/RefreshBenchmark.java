package org.portcullis.auth.bench;

import java.time.Clock;
import java.util.Set;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.memory.InMemoryStores;

/** A full refresh (verify, look up, rotate, sign, audit) on the in-memory store, with the default EdDSA key. */
@State(Scope.Thread)
public class RefreshBenchmark extends MicrosecondBenchmark {

    private AuthService auth;
    private TokenPair pair;

    @Setup(Level.Trial)
    public void setUp() {
        Clock clock = Clock.systemUTC();
        Stores stores = InMemoryStores.create(clock);
        PasswordHasher cheap = PasswordHasher.withParameters(64, 1, 1);
        stores.users().create(new UserRecord("u1", "alice", cheap.hash("pw"), Set.of(), true));
        auth = Portcullis.builder().stores(stores).clock(clock).passwordHasher(cheap).startCleanupJob(false).build();
        pair = auth.login(new PasswordCredential("alice", "pw"), ClientInfo.UNKNOWN);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        auth.close();
    }

    @Benchmark
    public TokenPair refresh() {
        pair = auth.refresh(pair.accessToken(), pair.refreshToken(), ClientInfo.UNKNOWN);
        return pair;
    }
}
