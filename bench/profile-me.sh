#!/usr/bin/env bash
# Benchmark: GET /me on a cache hit against GET /me/ping (the caller's sub, no upstream),
# same process, same JWT validation, same run. Upstreams are WireMock stand-ins for Auth0.
#
#   bench/profile-me.sh                      # defaults: 2 threads, 32 connections, 3 rounds of 15 s
#   DURATION=30s CONNECTIONS=64 bench/profile-me.sh
#
# Needs wrk (/usr/bin/wrk) and a JDK; builds profile-service's test classes first (MVN_FLAGS=-o keeps Maven
# offline once the dependency plugin has been fetched). Not part of ./mvnw verify.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-60s} # the JIT needs about a minute under load here before rounds agree
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
MVN_FLAGS=${MVN_FLAGS:-}

command -v wrk >/dev/null || { echo "wrk not found" >&2; exit 1; }

./mvnw -B -q $MVN_FLAGS -pl profile-service test-compile
./mvnw -B -q $MVN_FLAGS -pl profile-service dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
CP="profile-service/target/test-classes:profile-service/target/classes:$(cat profile-service/target/bench.classpath)"

WORK=$(mktemp -d)
java -Xms512m -Xmx512m -cp "$CP" dev.porter.profile.bench.BenchStack "$WORK/ready" >"$WORK/stack.log" 2>&1 &
STACK=$!
cleanup() {
  kill "$STACK" 2>/dev/null || true
  wait "$STACK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for _ in $(seq 1 240); do
  [ -s "$WORK/ready" ] && break
  kill -0 "$STACK" 2>/dev/null || { cat "$WORK/stack.log" >&2; exit 1; }
  sleep 0.5
done
[ -s "$WORK/ready" ] || { echo "stack did not start" >&2; cat "$WORK/stack.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$WORK/ready"
BASE="http://127.0.0.1:$PORT"

curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$BASE/me"   # fills the caches

run() { # name path duration
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --latency -H "Authorization: Bearer $TOKEN" "$BASE$2" >"$WORK/$1.txt"
}

# wrk prints latency as 812.00us / 1.20ms / 1.02s; report milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

report() { # name -> "rps p50 p99"
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ { print $2 }' "$WORK/$1.txt")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/$1.txt")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/$1.txt")")
  errors=$(awk '/Non-2xx/ { print $NF }' "$WORK/$1.txt")
  [ -z "$errors" ] || { echo "$1: $errors non-2xx responses" >&2; cat "$WORK/$1.txt" >&2; exit 1; }
  echo "$rps $p50 $p99"
}

run warm-ping /me/ping "$WARMUP"
run warm-me /me "$WARMUP"
# alternate the two endpoints so that drift in the machine's load hits both alike
for round in $(seq 1 "$ROUNDS"); do
  run "ping-$round" /me/ping "$DURATION"
  run "me-$round" /me "$DURATION"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

summary() { # endpoint -> "mean-rps median-p50 median-p99" over the rounds
  local rows
  rows=$(for round in $(seq 1 "$ROUNDS"); do report "$1-$round"; done)
  echo "$(awk '{ s += $1 } END { printf "%.0f", s / NR }' <<<"$rows")" \
    "$(cut -d' ' -f2 <<<"$rows" | median)" "$(cut -d' ' -f3 <<<"$rows" | median)"
}

read -r PING_RPS PING_P50 PING_P99 <<<"$(summary ping)"
read -r ME_RPS ME_P50 ME_P99 <<<"$(summary me)"
RATIO=$(awk -v a="$ME_RPS" -v b="$PING_RPS" 'BEGIN { printf "%.0f", 100 * a / b }')

printf '%-22s %12s %10s %10s\n' endpoint "requests/s" "p50 ms" "p99 ms"
printf '%-22s %12s %10s %10s\n' "GET /me/ping" "$PING_RPS" "$PING_P50" "$PING_P99"
printf '%-22s %12s %10s %10s\n' "GET /me (cache hit)" "$ME_RPS" "$ME_P50" "$ME_P99"
echo "GET /me / GET /me/ping throughput: ${RATIO}% (target >= 60%)"
echo "wrk -t$THREADS -c$CONNECTIONS, $ROUNDS alternating rounds of $DURATION per endpoint (mean requests/s, median"
echo "latency percentiles) after $WARMUP warm-up each; cores: $(nproc)"
for round in $(seq 1 "$ROUNDS"); do
  echo "  round $round: ping $(report "ping-$round" | cut -d' ' -f1) req/s, me $(report "me-$round" | cut -d' ' -f1) req/s"
done
