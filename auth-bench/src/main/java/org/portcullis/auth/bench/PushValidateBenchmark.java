package org.portcullis.auth.bench;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;

/**
 * Repeat validation (a cache hit) on node B of two nodes on one embedded PostgreSQL, with the
 * invalidation feed on and off, while node A logs a user in and out {@link #revocationsPerSecond}
 * times a second, so B's listener keeps receiving and applying messages about other sessions.
 * The figure to compare is {@code validateCached} of {@link ValidateBenchmark} (in-memory store,
 * no feed): the feed must not make the hot path slower.
 */
@State(Scope.Benchmark)
public class PushValidateBenchmark extends MicrosecondBenchmark {

    @Param({"true", "false"})
    public boolean feed;

    @Param({"50"})
    public int revocationsPerSecond;

    private TwoPostgresNodes nodes;
    private ScheduledExecutorService churn;
    private String token;

    @Setup(Level.Trial)
    public void setUp() {
        nodes = new TwoPostgresNodes(feed);
        nodes.addUser("kept");
        nodes.addUser("churn");
        TokenPair pair = nodes.a.login(new PasswordCredential("kept", "pw"), ClientInfo.UNKNOWN);
        token = pair.accessToken();
        nodes.b.validate(token);
        AtomicInteger failures = new AtomicInteger();
        churn = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "revocation-churn");
            t.setDaemon(true);
            return t;
        });
        churn.scheduleAtFixedRate(() -> {
            try {
                TokenPair other = nodes.a.login(new PasswordCredential("churn", "pw"), ClientInfo.UNKNOWN);
                nodes.a.logout(nodes.a.validate(other.accessToken()), ClientInfo.UNKNOWN);
            } catch (RuntimeException e) {
                failures.incrementAndGet();
            }
        }, 0, 1_000_000 / revocationsPerSecond, TimeUnit.MICROSECONDS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        churn.shutdownNow();
        nodes.close();
    }

    @Benchmark
    public AuthPrincipal validateCached() {
        return nodes.b.validate(token);
    }
}
