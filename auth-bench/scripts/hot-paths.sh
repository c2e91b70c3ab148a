#!/usr/bin/env bash
# Runs the hot-path measurements that docs/benchmarks.md reports, into one folder of JMH JSON
# files and text logs. Build first: mvn -B -DskipTests -pl auth-bench -am package
# Usage: auth-bench/scripts/hot-paths.sh [out-dir]   (about 25 minutes on 2 idle cores)
set -euo pipefail
jar="${JAR:-auth-bench/target/benchmarks.jar}"
out="${1:-bench-results}"
mkdir -p "$out"
cpu=org.portcullis.auth.bench.CpuTimeProfiler
{ java -version 2>&1; nproc; uptime; } > "$out/machine.txt"

# 1. One token, five validators, per algorithm; ratios with peers-table.py.
java -jar "$jar" PeersBenchmark -prof "$cpu" -rf json -rff "$out/peers.json" | tee "$out/peers.txt"
python3 auth-bench/scripts/peers-table.py "$out/peers.json" > "$out/peers.md"

# 2. Repeat validation and refresh at 1, 2 and 4 threads (threads share one engine).
for t in 1 2 4; do
  java -jar "$jar" 'ValidateBenchmark.validateCached' -t "$t" -prof "$cpu" -rf json -rff "$out/repeat-t$t.json" \
    | tee "$out/repeat-t$t.txt"
  java -jar "$jar" RefreshBenchmark -t "$t" -prof "$cpu" -rf json -rff "$out/refresh-t$t.json" \
    | tee "$out/refresh-t$t.txt"
done

# 3. Login beside one Argon2id verification.
java -jar "$jar" PasswordBenchmark -prof "$cpu" -rf json -rff "$out/login.json" | tee "$out/login.txt"

# 4. Memory per session and per cache entry (not a timing: a plain program).
java -Djdk.attach.allowAttachSelf=true -Djol.magicFieldOffset=true -Xmx6g -cp "$jar" \
  org.portcullis.auth.bench.MemoryFootprint 1000000 100000 2 | tee "$out/memory.txt"
uptime >> "$out/machine.txt"
