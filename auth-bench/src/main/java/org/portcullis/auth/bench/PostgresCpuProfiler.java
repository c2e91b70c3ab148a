package org.portcullis.auth.bench;

import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the embedded PostgreSQL's processes per operation ({@code pg.cpu.norm}, µs/op), the
 * part of a store call that {@link CpuTimeProfiler} (this JVM only) does not see. Read from Linux
 * {@code /proc} in clock ticks (10 ms), so an iteration needs a few hundred ms of database CPU to be
 * precise; it counts the background processes too (WAL writer, checkpointer, autovacuum). Only for
 * benchmarks that start one through {@link BenchPostgres}:
 * {@code -prof org.portcullis.auth.bench.PostgresCpuProfiler}.
 */
public final class PostgresCpuProfiler implements InternalProfiler {

    /** Linux's USER_HZ, the unit of /proc's times, on every architecture the JDK runs on. */
    private static final double MICROS_PER_TICK = 10_000;

    private long start;

    @Override
    public String getDescription() {
        return "CPU time of the embedded PostgreSQL per operation (µs/op)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        start = BenchPostgres.postgresCpuTicks();
    }

    @Override
    public Collection<? extends Result<?>> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long end = BenchPostgres.postgresCpuTicks();
        long ops = result.getMetadata().getAllOps();
        if (start < 0 || end < 0 || ops <= 0) {
            return List.of();
        }
        return List.of(new ScalarResult("pg.cpu.norm", (end - start) * MICROS_PER_TICK / ops, "us/op",
                AggregationPolicy.AVG));
    }
}
