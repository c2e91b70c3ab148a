package org.portcullis.auth.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run settings every microsecond-scale benchmark here shares: average time per operation in
 * µs, three one-second warm-up and five one-second measured iterations, one fork. JMH reads these
 * annotations through the subclasses (they are {@code @Inherited}; see JMH's inheritance sample),
 * so a figure in the benchmarks doc always comes from the same settings. A command line's
 * {@code -wi}, {@code -i} and {@code -f} still override them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class MicrosecondBenchmark {
}
