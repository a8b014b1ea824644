#!/usr/bin/env bash
# Benchmark (issue 14): how long a freshly started gateway takes to reach its steady throughput, and what class data
# sharing (JDK 17) and the AOT cache of JDK 25 (JEP 483, 514, 515: classes loaded and linked, and method profiles,
# from a training run) change about it. Each configuration is a fresh gateway JVM (memory mode), measured alone, in
# turn; dev-idp and profile-service live for the whole run and are warmed before the first one:
#   jdk17         java on the PATH, the packaged jar: what gateway/Dockerfile runs
#   cds17         java on the PATH, the extracted jar with a dynamic CDS archive written by a start that stops once
#                 its context is refreshed (-XX:ArchiveClassesAtExit, spring.context.exit=onRefresh)
#   jdk25         AOT_JAVA, the extracted jar, no cache
#   aot-startup   AOT_JAVA with -XX:AOTCache written by a start that stops once its context is refreshed: what an
#                 image's build stage can train without an identity provider or an upstream
#   aot-trained   AOT_JAVA with -XX:AOTCache written by a gateway that served this very load for TRAIN_WINDOWS windows
#                 (its method profiles include the relay's)
# Per configuration: seconds from launch to ready and the CPU spent by then; then WINDOWS windows of WINDOW each of
# closed-loop wrk -c$CONNECTIONS on GET /me through the gateway (profile-service cache hits), each window's requests/s
# and the gateway's CPU. Against the plateau (the median of the last four windows): the requests served in the first
# 30 and 60 s under load, and the seconds until the first window within 10 % of it.
#
#   bench/warmup.sh                                   # every configuration once: about 20 minutes
#   REPEATS=2 CONFIGS="jdk17 aot-trained" bench/warmup.sh
#
# Knobs: CONFIGS (all five), REPEATS (1; the configurations in turn, REPEATS times), WINDOW (5s), WINDOWS (24),
# TRAIN_WINDOWS (24), CONNECTIONS (32), THREADS (2), SERVICE_WARMUP (60s of load through a first gateway start, so
# that dev-idp and profile-service are compiled before any configuration is measured), AOT_JAVA (a JDK 25 or later
# java; default Temurin 25's), JAVA_OPTS_GATEWAY (every configuration; default: the Dockerfile's collector),
# READY_TIMEOUT, RESULTS_DIR, MVN_FLAGS. Unpinned: everything shares every core, as on the
# 2-core machines this is built on. Needs: a JDK, wrk, curl, jq. Not part of ./mvnw verify.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

CONFIGS=${CONFIGS:-jdk17 cds17 jdk25 aot-startup aot-trained}
REPEATS=${REPEATS:-1}
WINDOW=${WINDOW:-5s}
WINDOWS=${WINDOWS:-24}
TRAIN_WINDOWS=${TRAIN_WINDOWS:-24}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
SERVICE_WARMUP=${SERVICE_WARMUP:-60s}
AOT_JAVA=${AOT_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAVA_OPTS_GATEWAY=${JAVA_OPTS_GATEWAY:--XX:+UseParallelGC}

need_tools wrk curl jq java
[ "$WINDOWS" -ge 4 ] || { echo "WINDOWS must be 4 or more: the plateau is the median of the last four" >&2; exit 1; }
if [[ " $CONFIGS " == *" jdk25 "* || " $CONFIGS " == *" aot-"* ]]; then
  [ -x "$AOT_JAVA" ] || { echo "AOT_JAVA ($AOT_JAVA) is not a java: set it to a JDK 25 or later" >&2; exit 1; }
fi
build_jars_if_missing
GATEWAY_JAR=$(jar_of gateway)
CLK_TCK=$(getconf CLK_TCK)

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  stop_started
  keep_results '*.txt' '*.log' '*.tsv'
  rm -rf "$WORK"
}
trap cleanup EXIT

read -r IDP PS GW IDP_MGMT PS_MGMT GW_MGMT <<<"$(free_ports 6)"
ISSUER="http://localhost:$IDP/"
write_seed "$WORK/seed.json" "$GW"

start_jar dev-idp "$(jar_of dev-idp)" "" "" PORT="$IDP" MANAGEMENT_PORT="$IDP_MGMT" DEV_IDP_ISSUER="$ISSUER" \
  DEV_IDP_SEED="file:$WORK/seed.json"
start_jar profile-service "$(jar_of profile-service)" "" "" PORT="$PS" MANAGEMENT_PORT="$PS_MGMT" \
  OIDC_ISSUER_URI="$ISSUER" AUTH0_MANAGEMENT_CLIENT_ID=porter-profile \
  AUTH0_MANAGEMENT_CLIENT_SECRET=porter-profile-dev-secret PROFILE_CALLER_RATE_LIMIT=1000000
LONG_LIVED=("${PIDS[@]}")
wait_ready dev-idp "$IDP"
wait_ready profile-service "$PS"

gateway_env() {
  echo PORT="$GW" MANAGEMENT_PORT="$GW_MGMT" OIDC_ISSUER_URI="$ISSUER" OIDC_CLIENT_ID=porter-gateway \
    OIDC_CLIENT_SECRET=porter-gateway-dev-secret PROFILE_SERVICE_URI="http://localhost:$PS" \
    PUBLIC_BASE_URL="http://localhost:$GW" RATE_LIMIT=1000000000
}
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; } # pid -> utime + stime, clock ticks

# The extracted layout: class data sharing and the AOT cache only hold classes the JVM's own loaders load from files
# on the class path, not those Spring Boot's launcher reads from the jars nested in the packaged one.
EXTRACTED="$WORK/extracted"
java -Djarmode=tools -jar "$GATEWAY_JAR" extract --destination "$EXTRACTED" >/dev/null
EXTRACTED_JAR="$EXTRACTED/$(basename "$GATEWAY_JAR")"

GW_PID=""
launch() { # config java-launcher jar extra-java-opts [log-name]: starts the gateway, waits until ready
  local name=${5:-$1}
  STARTED=$(date +%s.%N)
  # shellcheck disable=SC2046
  JAVA_LAUNCHER=$2 start_jar "$name" "$3" "" "$JAVA_OPTS_GATEWAY $4" $(gateway_env)
  GW_PID=${PIDS[-1]}
  wait_ready "$name" "$GW"
  READY_AFTER=$(awk -v a="$(date +%s.%N)" -v b="$STARTED" 'BEGIN { printf "%.1f", a - b }')
  READY_TICKS=$(ticks "$GW_PID")
}
stop_gateway() { # lets the JVM exit as on docker stop (SIGTERM), so that an AOT cache in training gets written
  kill "$GW_PID" 2>/dev/null || true
  wait "$GW_PID" 2>/dev/null || true
  PIDS=("${LONG_LIVED[@]}")
}
load_windows() { # name count -> one "requests ticks" line per window in $WORK/name.tsv
  local cookie before i
  cookie=$(sign_in "$GW" "$IDP" "$WORK/cookies-$1")
  : >"$WORK/$1.tsv"
  for i in $(seq 1 "$2"); do
    before=$(ticks "$GW_PID")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WINDOW" -H "$cookie" -H 'Accept: application/json' \
      "http://127.0.0.1:$GW/me" >"$WORK/$1-$i.txt"
    report "$1-$i" >/dev/null
    printf '%s\t%s\n' "$(requests "$1-$i")" "$(($(ticks "$GW_PID") - before))" >>"$WORK/$1.tsv"
  done
}

# Training runs write the caches the aot-* and cds17 configurations start from.
archive_of() { # config -> the CDS archive or AOT cache its training writes
  case $1 in cds17) echo "$WORK/cds17.jsa" ;; *) echo "$WORK/$1.aot" ;; esac
}
refresh_only_start() { # java archive-option config: a start that stops once its context is refreshed
  # shellcheck disable=SC2046
  env $(gateway_env) "$1" -Xmx512m $JAVA_OPTS_GATEWAY "$2" -Dspring.context.exit=onRefresh -jar "$EXTRACTED_JAR" \
    >"$WORK/train-$3.log" 2>&1 || true
}
train() { # config
  case $1 in
    cds17) refresh_only_start java "-XX:ArchiveClassesAtExit=$(archive_of "$1")" "$1" ;;
    aot-startup) refresh_only_start "$AOT_JAVA" "-XX:AOTCacheOutput=$(archive_of "$1")" "$1" ;;
    aot-trained)
      launch aot-trained "$AOT_JAVA" "$EXTRACTED_JAR" "-XX:AOTCacheOutput=$(archive_of "$1")" train-aot-trained
      load_windows train-aot-trained "$TRAIN_WINDOWS"
      stop_gateway ;;
  esac
}
options_of() { # config -> "java jar opts" (tab-separated)
  case $1 in
    jdk17) printf 'java\t%s\t\n' "$GATEWAY_JAR" ;;
    cds17) printf 'java\t%s\t-XX:SharedArchiveFile=%s\n' "$EXTRACTED_JAR" "$(archive_of "$1")" ;;
    jdk25) printf '%s\t%s\t\n' "$AOT_JAVA" "$EXTRACTED_JAR" ;;
    aot-startup | aot-trained) printf '%s\t%s\t-XX:AOTCache=%s\n' "$AOT_JAVA" "$EXTRACTED_JAR" "$(archive_of "$1")" ;;
    *) echo "unknown configuration: $1" >&2; exit 1 ;;
  esac
}

# A first gateway start signs alice in and serves SERVICE_WARMUP of load, so that dev-idp and profile-service are
# compiled before any configuration is measured; then the training runs.
echo "warming dev-idp and profile-service (${SERVICE_WARMUP})..." >&2
launch warmup java "$GATEWAY_JAR" ""
WINDOW=$SERVICE_WARMUP load_windows warmup 1
stop_gateway
for config in $CONFIGS; do
  options_of "$config" >/dev/null
  case $config in
    cds17 | aot-startup | aot-trained)
      echo "training $config..." >&2
      train "$config"
      [ -s "$(archive_of "$config")" ] ||
        { echo "$config: no archive written" >&2; tail -20 "$WORK/train-$config.log" >&2; exit 1; } ;;
  esac
done

printf '%-12s %6s %7s %8s %6s %6s %7s %7s  %s\n' config "ready" "cpu s" plateau "30 s" "60 s" steady "µs/req" \
  "req/s per window" >"$WORK/table.txt"
for repeat in $(seq 1 "$REPEATS"); do
  for config in $CONFIGS; do
    name="$config-$repeat"
    IFS=$'\t' read -r launcher jar opts <<<"$(options_of "$config")"
    echo "measuring $name..." >&2
    launch "$name" "$launcher" "$jar" "$opts"
    load_windows "$name" "$WINDOWS"
    stop_gateway
    window_s=${WINDOW%s}
    awk -F'\t' -v name="$config" -v ready="$READY_AFTER" -v rticks="$READY_TICKS" -v hz="$CLK_TCK" -v w="$window_s" '
      function served(seconds,   i, sum) { # requests in the first windows covering that many seconds
        for (i = 1; i <= seconds / w && i <= NR; i++) sum += req[i]
        return sum
      }
      { req[NR] = $1; t[NR] = $2; rate[NR] = $1 / w }
      END {
        n = NR
        for (i = 1; i <= 4; i++) last[i] = rate[n - 4 + i]
        for (i = 1; i <= 4; i++) for (j = i + 1; j <= 4; j++) if (last[j] < last[i]) { x = last[i]; last[i] = last[j]; last[j] = x }
        plateau = (last[2] + last[3]) / 2
        steady = 0
        for (i = 1; i <= n; i++) if (rate[i] >= 0.9 * plateau) { steady = i; break }
        tail_req = 0; tail_t = 0
        for (i = n - 3; i <= n; i++) { tail_req += req[i]; tail_t += t[i] }
        rates = ""
        for (i = 1; i <= n; i++) rates = rates sprintf("%d ", rate[i])
        printf "%-12s %6.1f %7.1f %8d %5.0f%% %5.0f%% %7d %7.0f  %s\n", name, ready, rticks / hz, plateau,
          100 * served(30) / (30 * plateau), 100 * served(60) / (60 * plateau), steady * w,
          1e6 * tail_t / hz / tail_req, rates
      }' "$WORK/$name.tsv" >>"$WORK/table.txt"
  done
done

echo
echo "Time to steady throughput, unpinned, wrk -c$CONNECTIONS on GET /me through the gateway, windows of $WINDOW:"
echo "  ready: seconds from launch to /readyz; cpu s: the gateway's CPU by then; plateau: median req/s of the last four"
echo "  windows; 30 s, 60 s: requests served in the first 30 and 60 s under load, against the plateau's rate over as"
echo "  long; steady: seconds under load until the end of the first window within 10 % of the plateau (one window can"
echo "  swing by 15 % on a shared machine: read it with the shares); µs/req: CPU per request over the last four windows"
cat "$WORK/table.txt"
