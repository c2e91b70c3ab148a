#!/usr/bin/env bash
# Load test of the standalone server, measured from outside with wrk (Debian package `wrk`).
#
#   mvn -B -pl auth-server -am package -DskipTests      # builds auth-server/target/portcullis-server.jar
#   auth-bench/scripts/wrk-server.sh [seconds per run, default 20]
#
# Starts the jar as its own process on 127.0.0.1 (loopback only) in a scratch directory with a
# fresh H2 file, logs the demo user in for a token, then runs, each after a warm-up of the same
# length (JIT, token cache, connection set-up):
#   1. one keep-alive connection on /common/lookup                 (goal: >= 2,000 req/s)
#   2. 32 connections on /common/lookup                            (goal: >= 15,000 req/s)
#   3. 32 connections on /user/me with the token (protected path, cached validation)
#                                                                  (goal: >= 15,000 req/s, >= 0.85 x run 2)
# and stops the server with SIGTERM. Prints wrk's own output and a summary line per run.
# Environment: JAR (path of the jar), PORT (default 18080), THREADS (server worker threads, default 16).
set -euo pipefail

SECONDS_PER_RUN="${1:-20}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="${JAR:-$ROOT/auth-server/target/portcullis-server.jar}"
PORT="${PORT:-18080}"
THREADS="${THREADS:-16}"
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "no $JAR: build it with mvn -B -pl auth-server -am package -DskipTests" >&2; exit 1; }
JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"   # absolute: the runs below work in a temporary folder

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
(
  cd "$WORK"
  PORTCULLIS_HOST=127.0.0.1 PORTCULLIS_PORT="$PORT" PORTCULLIS_THREADS="$THREADS" \
  PORTCULLIS_DEMO_PASSWORD="$PASSWORD" PORTCULLIS_ACCESS_TOKEN_LIFETIME=1h \
    exec java -jar "$JAR" > "$WORK/server.log" 2>&1
) &
SERVER_PID=$!

for _ in $(seq 1 120); do
  grep -q "Portcullis listening" "$WORK/server.log" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done
grep -q "Portcullis listening" "$WORK/server.log" || { echo "server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

TOKEN="$(curl -sf -H 'Content-Type: application/json' \
  -d "{\"username\":\"demo\",\"password\":\"$PASSWORD\"}" "$BASE/user/login" | jq -r .accessToken)"
[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || { echo "login failed" >&2; exit 1; }
curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/user/me" > /dev/null

rps() { awk '/^Requests\/sec:/ {print $2}'; }

run() { # name connections threads path [header]
  local name="$1" conns="$2" threads="$3" path="$4"
  shift 4
  wrk -t"$threads" -c"$conns" -d"${SECONDS_PER_RUN}s" "$@" "$BASE$path" > /dev/null   # warm-up
  local out
  out="$(wrk -t"$threads" -c"$conns" -d"${SECONDS_PER_RUN}s" --latency "$@" "$BASE$path")"
  echo "== $name: wrk -t$threads -c$conns -d${SECONDS_PER_RUN}s --latency $path" >&2
  echo "$out" >&2
  if echo "$out" | grep -q "Non-2xx"; then echo "$name: answers other than 2xx, see above" >&2; exit 1; fi
  echo "$out" | rps
}

ONE="$(run "1 connection, /common/lookup" 1 1 /common/lookup)"
LOOKUP="$(run "32 connections, /common/lookup" 32 2 /common/lookup)"
ME="$(run "32 connections, /user/me" 32 2 /user/me -H "Authorization: Bearer $TOKEN")"

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "load average before the summary: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '1 connection  /common/lookup  %10.0f req/s   (goal >= 2000)\n' "$ONE"
printf '32 connections /common/lookup %10.0f req/s   (goal >= 15000)\n' "$LOOKUP"
printf '32 connections /user/me       %10.0f req/s   (goal >= 15000)\n' "$ME"
awk -v a="$ME" -v b="$LOOKUP" 'BEGIN { printf "ratio /user/me : /common/lookup = %.2f   (goal >= 0.85)\n", a / b }'
