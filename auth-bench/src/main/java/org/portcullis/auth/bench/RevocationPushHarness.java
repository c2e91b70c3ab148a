package org.portcullis.auth.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
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
 * or a revoke-all of a user's three sessions (message {@code u:id}), and then B is asked again and
 * again, on this thread, until it refuses. Two figures per sample: from the moment the revoking
 * call returned (the commit is acknowledged) and from the moment it was called (which includes
 * the commit itself). A sample that reached the TTL is counted apart: it would mean the push
 * failed and the fallback did the work.
 *
 * <pre>{@code
 * java -cp auth-bench/target/benchmarks.jar org.portcullis.auth.bench.RevocationPushHarness [samples] [warm-up] [feed=true|false]
 * }</pre>
 */
public final class RevocationPushHarness {

    private static final ClientInfo CLIENT = new ClientInfo("192.0.2.80", "RevocationPushHarness/1.0");
    /** A sample that takes this long means the push did not happen; the harness stops. */
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);

    private RevocationPushHarness() {
    }

    public static void main(String[] args) {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        boolean feed = args.length <= 2 || Boolean.parseBoolean(args[2].replace("feed=", ""));
        System.out.printf("revocation push: %d samples after %d warm-up, feed %s, %d cores, Java %s%n",
                samples, warmUp, feed ? "on" : "off", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        try (TwoPostgresNodes nodes = new TwoPostgresNodes(feed)) {
            List<long[]> logout = new ArrayList<>();
            List<long[]> revokeAll = new ArrayList<>();
            for (int i = 0; i < warmUp + samples; i++) {
                boolean all = i % 2 == 1;
                long[] sample = all ? revokeAll(nodes, i) : logout(nodes, i);
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
            long atTtl = both.stream().filter(s -> s[0] >= ttlNanos).count();
            System.out.printf("samples that took sessionStatusTtl (%d ms) or longer: %d%n",
                    TimeUnit.NANOSECONDS.toMillis(ttlNanos), atTtl);
        }
    }

    private static long[] logout(TwoPostgresNodes nodes, int i) {
        String name = "push-" + i;
        nodes.addUser(name);
        TokenPair pair = nodes.a.login(new PasswordCredential(name, "pw"), CLIENT);
        nodes.b.validate(pair.accessToken());
        var caller = nodes.a.validate(pair.accessToken());
        long called = System.nanoTime();
        nodes.a.logout(caller, CLIENT);
        long committed = System.nanoTime();
        long refused = awaitRefused(nodes, pair.accessToken(), committed);
        return new long[] {refused - committed, refused - called};
    }

    private static long[] revokeAll(TwoPostgresNodes nodes, int i) {
        String name = "push-" + i;
        String userId = nodes.addUser(name);
        TokenPair[] pairs = new TokenPair[3];
        for (int s = 0; s < pairs.length; s++) {
            pairs[s] = nodes.a.login(new PasswordCredential(name, "pw"), CLIENT);
            nodes.b.validate(pairs[s].accessToken());
        }
        long called = System.nanoTime();
        nodes.a.revokeAllSessions(userId, RevocationReason.REVOKED_BY_ADMIN);
        long committed = System.nanoTime();
        long refused = awaitRefused(nodes, pairs[0].accessToken(), committed);
        for (TokenPair p : pairs) {
            awaitRefused(nodes, p.accessToken(), committed);
        }
        return new long[] {refused - committed, refused - called};
    }

    /** Asks node B until it refuses {@code token} as revoked; returns when (System.nanoTime). */
    private static long awaitRefused(TwoPostgresNodes nodes, String token, long since) {
        while (true) {
            try {
                nodes.b.validate(token);
            } catch (AuthException e) {
                if (e.code() == ErrorCode.TOKEN_REVOKED) {
                    return System.nanoTime();
                }
                throw e;
            }
            if (System.nanoTime() - since > GIVE_UP_NANOS) {
                throw new IllegalStateException("node B still accepts a token revoked on node A 30 s ago");
            }
            Thread.onSpinWait();
        }
    }

    private static void report(String title, List<long[]> samples) {
        long[] fromCommit = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
        long[] fromCall = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
        System.out.printf("%n%s, %d samples, milliseconds%n", title, samples.size());
        System.out.println("                        p50      p90      p99    p99.9      max     mean");
        line("commit returned → refused", fromCommit);
        line("call → refused          ", fromCall);
    }

    private static void line(String label, long[] sorted) {
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
        System.out.printf(Locale.ROOT, "%s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f%n", label, pct(sorted, 50), pct(sorted, 90),
                pct(sorted, 99), pct(sorted, 99.9), sorted[sorted.length - 1] / 1e6, mean);
    }

    /** Nearest-rank percentile, in milliseconds. */
    private static double pct(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
