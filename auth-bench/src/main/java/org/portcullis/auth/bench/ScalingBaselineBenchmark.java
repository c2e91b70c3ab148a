package org.portcullis.auth.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The machine's own ceiling for thread scaling: work that shares nothing between threads (each
 * thread has its own state object, JMH pads them apart). Run with {@code -t 1} and then
 * {@code -t 2}, throughput mode: the ratio of the two scores is the most any benchmark on this
 * machine can scale, whatever the code does. On a virtual machine whose two vCPUs are one core's
 * two hardware threads it reads well below 2, because the siblings share the core's execution
 * units; compare {@code ValidateBenchmark.validateCached}'s ratio with this one, not with 2.
 *
 * <p>{@link #sha256} is hashing, like a cache lookup's digest; {@link #arithmetic} is a plain
 * loop of integer arithmetic that touches no memory at all.
 */
@State(Scope.Thread)
public class ScalingBaselineBenchmark extends MicrosecondBenchmark {

    private final byte[] data = new byte[300];
    private final byte[] out = new byte[32];
    private MessageDigest digest;
    private long seed;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        new SplittableRandom().nextBytes(data);
        digest = MessageDigest.getInstance("SHA-256");
        seed = System.identityHashCode(this);
    }

    @Benchmark
    public byte[] sha256() {
        digest.update(data);
        try {
            digest.digest(out, 0, 32);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Benchmark
    public long arithmetic() {
        // 256 rounds of a xorshift-multiply mix: registers only, no loads or stores.
        long x = seed;
        for (int i = 0; i < 256; i++) {
            x ^= x >>> 33;
            x *= 0xff51afd7ed558ccdL;
            x ^= x >>> 29;
        }
        seed = x;
        return x;
    }
}
