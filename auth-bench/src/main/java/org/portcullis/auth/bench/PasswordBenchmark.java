package org.portcullis.auth.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.portcullis.auth.core.PasswordHasher;

/** One Argon2id verification with OWASP's parameters: the cost of every login, known user or not. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PasswordBenchmark {

    private final PasswordHasher hasher = PasswordHasher.owasp();
    private final String stored = hasher.hash("correct horse battery staple");

    @Benchmark
    public boolean verifyOwasp() {
        return hasher.verify("correct horse battery staple", stored);
    }
}
