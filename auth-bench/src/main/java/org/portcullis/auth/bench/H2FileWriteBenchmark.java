package org.portcullis.auth.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

import javax.crypto.spec.SecretKeySpec;

import org.h2.jdbcx.JdbcConnectionPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.jdbc.JdbcStores;

/**
 * What it costs that an acknowledged write on the H2 file is durable: a full refresh (verify,
 * look up, rotate, sign, audit: three committed writes) on an H2 file database, with H2's
 * {@code WRITE_DELAY} at 0 (every commit written to the file before it returns; what the
 * standalone server uses so that {@code kill -9} loses nothing acknowledged) and at H2's default
 * 500 ms (commits written by a background thread up to half a second later). Neither forces the
 * file to the disk (H2 never fsyncs a commit); the difference is one write of the changed pages
 * into the page cache per commit.
 */
@State(Scope.Thread)
public class H2FileWriteBenchmark extends MicrosecondBenchmark {

    @Param({"0", "500"})
    public int writeDelay;

    private Path dir;
    private JdbcConnectionPool pool;
    private AuthService auth;
    private int refreshes;
    private TokenPair pair;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("portcullis-bench-h2");
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("bench") + ";WRITE_DELAY=" + writeDelay
                + ";LOCK_TIMEOUT=10000", "sa", "");
        JdbcStores jdbc = JdbcStores.create(pool, new SecretKeySpec(new byte[32], "AES"));
        jdbc.migrate();
        Clock clock = Clock.systemUTC();
        PasswordHasher cheap = PasswordHasher.withParameters(64, 1, 1);
        jdbc.stores().users().create(new UserRecord("u1", "alice", cheap.hash("pw"), Set.of(), true));
        auth = Portcullis.builder().stores(jdbc.stores()).clock(clock).passwordHasher(cheap).startCleanupJob(false).build();
        pair = auth.login(new PasswordCredential("alice", "pw"), ClientInfo.UNKNOWN);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        auth.close();
        pool.dispose();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Benchmark
    public TokenPair refresh() {
        // A session ends after a bounded number of rotations (see RefreshBenchmark): log in again first.
        if (++refreshes == RefreshBenchmark.REFRESHES_PER_SESSION) {
            refreshes = 0;
            pair = auth.login(new PasswordCredential("alice", "pw"), ClientInfo.UNKNOWN);
        }
        pair = auth.refresh(pair.accessToken(), pair.refreshToken(), ClientInfo.UNKNOWN);
        return pair;
    }
}
