package org.portcullis.auth.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.InvalidationFeed;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.TokenPair;

/**
 * Load harness (not JMH: what is measured is a latency between two nodes, one sample per
 * revocation): how long after a revocation commits on node A does node B refuse the token?
 *
 * <p>Two engine nodes on one embedded PostgreSQL ({@link TwoPostgresNodes}). Per sample: a login
 * on A, a validation on B (so B holds the session as active in its cache, trusted for
 * {@code sessionStatusTtl} = 5 s), then on A either a logout (one session; message {@code s:id})
 * or a revoke-all of a user's three sessions (message {@code u:id}).
 *
 * <p>Three instants per sample, all {@code System.nanoTime()}: when the revoking call returned
 * (its commit acknowledged); when B's caches had applied the message (a probe listener subscribed
 * to B's feed after B's engine, so it runs right after B's eviction on the feed's thread); and
 * when a validation on B, made by this thread as soon as it wakes, refused the token. The harness
 * waits on a latch rather than polling B, so that it does not take CPU from the listener it
 * measures. A validation that does not refuse stops the harness. A sample that reached the TTL is
 * counted apart: it would mean the push failed and the fallback did the work.
 *
 * <pre>{@code
 * java -cp auth-bench/target/benchmarks.jar org.portcullis.auth.bench.RevocationPushHarness [samples] [warm-up]
 * }</pre>
 */
public final class RevocationPushHarness {

    private static final ClientInfo CLIENT = new ClientInfo("192.0.2.80", "RevocationPushHarness/1.0");
    /** A sample that takes this long means the push did not happen; the harness stops. */
    private static final long GIVE_UP_SECONDS = 30;

    private RevocationPushHarness() {
    }

    public static void main(String[] args) throws InterruptedException {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        System.out.printf("revocation push: %d samples after %d warm-up, %d cores, Java %s%n",
                samples, warmUp, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        try (TwoPostgresNodes nodes = new TwoPostgresNodes(true)) {
            Probe probe = new Probe();
            InvalidationFeed.Subscription subscription = nodes.storesB.stores().invalidations().subscribe(probe);
            try {
                List<long[]> logout = new ArrayList<>();
                List<long[]> revokeAll = new ArrayList<>();
                for (int i = 0; i < warmUp + samples; i++) {
                    boolean all = i % 2 == 1;
                    long[] sample = all ? revokeAll(nodes, probe, i) : logout(nodes, probe, i);
                    if (i >= warmUp) {
                        (all ? revokeAll : logout).add(sample);
                    }
                }
                List<long[]> both = new ArrayList<>(logout);
                both.addAll(revokeAll);
                report("logout (one session, message s:<session id>)", logout);
                report("revoke-all (3 sessions, message u:<user id>)", revokeAll);
                report("all samples", both);
                long ttlNanos = nodes.a.settings().sessionStatusTtl().toNanos();
                long atTtl = both.stream().filter(x -> x[1] >= ttlNanos).count();
                System.out.printf("%nsamples that took sessionStatusTtl (%d ms) or longer: %d%n",
                        TimeUnit.NANOSECONDS.toMillis(ttlNanos), atTtl);
            } finally {
                subscription.close();
            }
        }
    }

    private static long[] logout(TwoPostgresNodes nodes, Probe probe, int i) throws InterruptedException {
        String name = "push-" + i;
        nodes.addUser(name);
        TokenPair pair = nodes.a.login(new PasswordCredential(name, "pw"), CLIENT);
        nodes.b.validate(pair.accessToken());
        var caller = nodes.a.validate(pair.accessToken());
        CountDownLatch heard = probe.expect("s:" + pair.sessionId());
        nodes.a.logout(caller, CLIENT);
        long committed = System.nanoTime();
        return measure(nodes, probe, heard, committed, pair.accessToken());
    }

    private static long[] revokeAll(TwoPostgresNodes nodes, Probe probe, int i) throws InterruptedException {
        String name = "push-" + i;
        String userId = nodes.addUser(name);
        TokenPair[] pairs = new TokenPair[3];
        for (int s = 0; s < pairs.length; s++) {
            pairs[s] = nodes.a.login(new PasswordCredential(name, "pw"), CLIENT);
            nodes.b.validate(pairs[s].accessToken());
        }
        CountDownLatch heard = probe.expect("u:" + userId);
        nodes.a.revokeAllSessions(userId, RevocationReason.REVOKED_BY_ADMIN);
        long committed = System.nanoTime();
        long[] sample = measure(nodes, probe, heard, committed, pairs[0].accessToken());
        for (int s = 1; s < pairs.length; s++) {
            requireRefused(nodes, pairs[s].accessToken());
        }
        return sample;
    }

    /** {commit returned → B's caches applied it, commit returned → B refused}. */
    private static long[] measure(TwoPostgresNodes nodes, Probe probe, CountDownLatch heard, long committed,
                                  String token) throws InterruptedException {
        if (!heard.await(GIVE_UP_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node B never heard of a revocation made on node A");
        }
        requireRefused(nodes, token);
        long refused = System.nanoTime();
        // Clamped: the message can be applied before the revoking call has returned to its caller.
        return new long[] {Math.max(0, probe.heardAt - committed), Math.max(0, refused - committed)};
    }

    private static void requireRefused(TwoPostgresNodes nodes, String token) {
        try {
            nodes.b.validate(token);
        } catch (AuthException e) {
            if (e.code() == ErrorCode.TOKEN_REVOKED) {
                return;
            }
            throw e;
        }
        throw new IllegalStateException("node B heard the message but still accepts the token");
    }

    /** Runs on B's feed thread right after B's own listener: notes when the awaited message was applied. */
    private static final class Probe implements InvalidationFeed.Listener {
        private volatile String awaited = "";
        private volatile CountDownLatch latch = new CountDownLatch(0);
        volatile long heardAt;

        CountDownLatch expect(String message) {
            CountDownLatch l = new CountDownLatch(1);
            latch = l;
            awaited = message;
            return l;
        }

        private void heard(String message) {
            if (message.equals(awaited)) {
                heardAt = System.nanoTime();
                latch.countDown();
            }
        }

        @Override
        public void sessionRevoked(String sessionId) {
            heard("s:" + sessionId);
        }

        @Override
        public void userChanged(String userId) {
            heard("u:" + userId);
        }

        @Override
        public void signingKeysChanged() {
        }

        @Override
        public void invalidateAll() {
        }
    }

    private static void report(String title, List<long[]> samples) {
        long[] applied = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
        long[] refused = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
        System.out.printf("%n%s, %d samples, milliseconds after the revoking call returned%n", title, samples.size());
        System.out.println("                            p50      p90      p99    p99.9      max     mean");
        line("B's caches applied it   ", applied);
        line("B refused the token     ", refused);
    }

    private static void line(String label, long[] sorted) {
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
        System.out.printf(Locale.ROOT, "%s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f%n", label, pct(sorted, 50),
                pct(sorted, 90), pct(sorted, 99), pct(sorted, 99.9), sorted[sorted.length - 1] / 1e6, mean);
    }

    /** Nearest-rank percentile, in milliseconds. */
    private static double pct(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
