#!/usr/bin/env bash
# Benchmark: bytes per signed-in gateway session, with sessions in memory and with sessions in Redis (issue 11).
#
#   bench/sessions.sh                 # N=2000 sessions in each mode
#   N=500 PARALLEL=4 bench/sessions.sh
#   MODES=redis bench/sessions.sh     # one mode only (memory, redis or "memory redis")
#
# What it does: starts dev-idp once and, for each mode, a gateway from its packaged jar on free ports (like
# bench/gateway-me.sh; in Redis mode also a redis-server of its own, without persistence). Then it signs in N fresh
# browsers through the real flow (GET /bff/login -> dev-idp's login form -> authorization code + PKCE -> callback),
# each with its own cookie jar, PARALLEL at a time, and has each read /bff/session once as the SPA does on start.
# WARMUP sessions are signed in first and left out of the figures (class loading, caches, meters).
#   memory mode: live heap before and after the N logins, each after a full GC (jcmd GC.class_histogram, which
#                collects first and sums the bytes of every live object), divided by the sessions signed in; the
#                classes that grew most; and, as a cross-check, the heap used after jcmd GC.run (GC.heap_info).
#   Redis mode:  INFO memory used_memory before and after, divided by the sessions signed in; the keys the logins
#                added, grouped by prefix, with their count per session and average MEMORY USAGE (exact: SAMPLES 0).
# Redis mode always passes a freshly generated SESSION_ENCRYPTION_KEYS (openssl rand -base64 32), for gateways that
# encrypt sessions at rest; a gateway that does not read it ignores it.
# Login and request rate limits are raised for the run; everything else is the default configuration. Nothing here
# prints a token or a cookie. Everything it starts is stopped on exit.
# Needs: a JDK (java, jcmd), curl, jq, openssl, redis-server and redis-cli; the jars (built if missing: after a
# change, ./mvnw package first). Not part of ./mvnw verify.
set -euo pipefail

cd "$(dirname "$0")/.."
VERSION=0.1.0-SNAPSHOT
N=${N:-2000}
WARMUP=${WARMUP:-50}
PARALLEL=${PARALLEL:-8}
MODES=${MODES:-memory redis}
MVN_FLAGS=${MVN_FLAGS:-}

for tool in curl jq java jcmd openssl redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
done
for m in dev-idp gateway; do
  if [ ! -f "$m/target/$m-$VERSION.jar" ]; then
    ./mvnw -B -q $MVN_FLAGS -DskipTests package -pl dev-idp,gateway
    break
  fi
done

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 40000))
    in_use "$port" || { echo "$port"; return; }
  done
}
IDP=$(free_port); GW_MEMORY=$(free_port); GW_REDIS=$(free_port); REDIS=$(free_port)
ISSUER="http://localhost:$IDP/"

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  if [ ${#PIDS[@]} -gt 0 ]; then
    kill "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# dev-idp's seed with the gateway client's callback and logout URLs on both of this run's gateway ports
jq --arg m "http://localhost:$GW_MEMORY" --arg r "http://localhost:$GW_REDIS" \
  '(.clients[] | select(.client_id == "porter-gateway")) |=
  (.callbacks = [$m + "/login/oauth2/code/auth0", $r + "/login/oauth2/code/auth0"]
   | .allowed_logout_urls = [$m + "/", $r + "/"]
   | .backchannel_logout_urls = [$m + "/bff/backchannel-logout"])' dev-idp/src/main/resources/seed.json >"$WORK/seed.json"

start() { # log-name jar-module, then VAR=value pairs; the pid is in $STARTED
  local name=$1 module=$2; shift 2
  env "$@" java -Xmx512m -jar "$module/target/$module-$VERSION.jar" >"$WORK/$name.log" 2>&1 &
  STARTED=$!
  PIDS+=("$STARTED")
}
stop() { # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
wait_ready() { # name port pid
  local deadline=$((SECONDS + 180))
  until curl -fs "http://localhost:$2/readyz" >/dev/null 2>&1; do
    kill -0 "$3" 2>/dev/null || { echo "$1 exited; its log:" >&2; tail -50 "$WORK/$1.log" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "$1 not ready on :$2" >&2; tail -50 "$WORK/$1.log" >&2; exit 1; }
    sleep 0.5
  done
}

start dev-idp dev-idp PORT="$IDP" MANAGEMENT_PORT="$(free_port)" DEV_IDP_ISSUER="$ISSUER" \
  DEV_IDP_SEED="file:$WORK/seed.json"
IDP_PID=$STARTED
wait_ready dev-idp "$IDP" "$IDP_PID"

# One fresh browser signing in (its own cookie jar, so its own IdP session and sid), then reading /bff/session as
# the SPA does on start. Prints "ok" or "failed <reason>". Retries twice: dev-idp may refuse a login under load.
sign_in() { # gateway-port index
  local jar="$WORK/jars/$2" attempt csrf landed
  for attempt in 1 2 3; do
    rm -f "$jar" "$jar.html"
    if curl -fsS -L -c "$jar" -b "$jar" -o "$jar.html" "http://localhost:$1/bff/login?returnTo=/" 2>/dev/null &&
      csrf=$(sed -n 's/.*type="hidden" name="\([^"]*\)" value="\([^"]*\)".*/\1=\2/p' "$jar.html" | head -1) &&
      [ -n "$csrf" ] &&
      landed=$(curl -sS -L -c "$jar" -b "$jar" -o /dev/null -w '%{url_effective}' --data-urlencode username=alice \
        --data-urlencode password=alice --data-urlencode "${csrf%%=*}=${csrf#*=}" "http://localhost:$IDP/login") &&
      [ "$landed" = "http://localhost:$1/" ] && awk '$6 == "porter-session" { found = 1 } END { exit !found }' "$jar" &&
      curl -fsS -c "$jar" -b "$jar" -o /dev/null -H 'Accept: application/json' "http://localhost:$1/bff/session"; then
      rm -f "$jar" "$jar.html"
      echo ok
      return
    fi
  done
  rm -f "$jar" "$jar.html"
  echo "failed after 3 attempts"
}
export -f sign_in
export WORK IDP
mkdir -p "$WORK/jars"

sign_in_many() { # gateway-port count -> prints the number signed in; failures on stderr
  local results
  results=$(seq 1 "$2" | xargs -P "$PARALLEL" -I{} bash -c 'sign_in "$0" "$1"' "$1" {})
  local ok failed
  ok=$(grep -c '^ok$' <<<"$results" || true)
  failed=$(grep -vc '^ok$' <<<"$results" || true)
  [ "$failed" -eq 0 ] || echo "  $failed of $2 sign-ins failed (not counted)" >&2
  echo "$ok"
}

per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }

# Live bytes: GC.class_histogram runs a full GC first, then lists every class's live instances and bytes.
histogram() { jcmd "$1" GC.class_histogram >"$2"; awk '$1 == "Total" { print $3 }' "$2"; }
heap_used_kib() { # after a full GC; the heap's "used" figure(s) in GC.heap_info, summed over generations
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/used [0-9]+K/ && !/Metaspace|class space/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); s += v } } END { print s }'
}
top_classes() { # before-histogram after-histogram sessions -> the 8 classes that grew most, bytes per session
  awk -v n="$3" 'FNR == NR && $1 ~ /^[0-9]+:$/ { before[$4] = $3; next }
    $1 ~ /^[0-9]+:$/ { d = $3 - before[$4]; if (d > 0) printf "%d %s\n", d / n, $4 }' "$1" "$2" |
    sort -rn | head -8 | awk '{ printf "    %7d B  %s\n", $1, $2 }'
}

measure_memory() {
  start gateway-memory gateway PORT="$GW_MEMORY" MANAGEMENT_PORT="$(free_port)" OIDC_ISSUER_URI="$ISSUER" \
    OIDC_CLIENT_ID=porter-gateway OIDC_CLIENT_SECRET=porter-gateway-dev-secret \
    PROFILE_SERVICE_URI="http://localhost:$(free_port)" PUBLIC_BASE_URL="http://localhost:$GW_MEMORY" \
    RATE_LIMIT=1000000000 LOGIN_RATE_LIMIT=1000000000 SESSION_MAX=$((N + WARMUP + 1000))
  local pid=$STARTED
  wait_ready gateway-memory "$GW_MEMORY" "$pid"
  sign_in_many "$GW_MEMORY" "$WARMUP" >/dev/null
  local live_before heap_before live_after heap_after signed_in
  live_before=$(histogram "$pid" "$WORK/histogram-before.txt")
  heap_before=$(heap_used_kib "$pid")
  local started=$SECONDS
  signed_in=$(sign_in_many "$GW_MEMORY" "$N")
  local took=$((SECONDS - started))
  live_after=$(histogram "$pid" "$WORK/histogram-after.txt")
  heap_after=$(heap_used_kib "$pid")
  [ "$signed_in" -gt 0 ] || { echo "memory mode: no session signed in" >&2; exit 1; }
  echo "memory mode: $signed_in sessions signed in (in ${took}s)"
  echo "  live heap per session (class histogram): $(per $((live_after - live_before)) "$signed_in") B"
  echo "  heap used per session (GC.heap_info after GC.run): $(per $(((heap_after - heap_before) * 1024)) "$signed_in") B"
  echo "  the classes that grew most, bytes per session:"
  top_classes "$WORK/histogram-before.txt" "$WORK/histogram-after.txt" "$signed_in"
  stop "$pid"
}

# Keys grouped by prefix (up to the last ':'), with their count and total MEMORY USAGE, one line each.
KEY_GROUPS='local groups = {}
for _, key in ipairs(redis.call("KEYS", "*")) do
  local prefix = string.match(key, "^(.*:)") or ""
  local g = groups[prefix] or {0, 0}
  g[1] = g[1] + 1
  g[2] = g[2] + redis.call("MEMORY", "USAGE", key, "SAMPLES", "0")
  groups[prefix] = g
end
local out = {}
for prefix, g in pairs(groups) do table.insert(out, prefix .. "* " .. g[1] .. " " .. g[2]) end
return out'
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS" "$@"; }
used_memory() { rcli INFO memory | awk -F: '$1 == "used_memory" { print $2 + 0 }'; }

measure_redis() {
  env redis-server --port "$REDIS" --bind 127.0.0.1 --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
  local redis_pid=$!
  PIDS+=("$redis_pid")
  until rcli PING 2>/dev/null | grep -q PONG; do
    kill -0 "$redis_pid" 2>/dev/null || { echo "redis-server exited:" >&2; cat "$WORK/redis.log" >&2; exit 1; }
    sleep 0.2
  done
  start gateway-redis gateway PORT="$GW_REDIS" MANAGEMENT_PORT="$(free_port)" OIDC_ISSUER_URI="$ISSUER" \
    OIDC_CLIENT_ID=porter-gateway OIDC_CLIENT_SECRET=porter-gateway-dev-secret \
    PROFILE_SERVICE_URI="http://localhost:$(free_port)" PUBLIC_BASE_URL="http://localhost:$GW_REDIS" \
    RATE_LIMIT=1000000000 LOGIN_RATE_LIMIT=1000000000 REDIS_URL="redis://localhost:$REDIS" \
    SESSION_ENCRYPTION_KEYS="$(openssl rand -base64 32)"
  local pid=$STARTED
  wait_ready gateway-redis "$GW_REDIS" "$pid"
  sign_in_many "$GW_REDIS" "$WARMUP" >/dev/null
  local used_before used_after keys_before keys_after signed_in
  rcli EVAL "$KEY_GROUPS" 0 >"$WORK/keys-before.txt"
  used_before=$(used_memory)
  keys_before=$(rcli DBSIZE)
  curl -fsS -X DELETE -o /dev/null "http://localhost:$IDP/dev/issued-tokens" # to count this run's IdP sessions
  local started=$SECONDS
  signed_in=$(sign_in_many "$GW_REDIS" "$N")
  local took=$((SECONDS - started))
  used_after=$(used_memory)
  keys_after=$(rcli DBSIZE)
  rcli EVAL "$KEY_GROUPS" 0 >"$WORK/keys-after.txt"
  [ "$signed_in" -gt 0 ] || { echo "Redis mode: no session signed in" >&2; exit 1; }
  echo "Redis mode: $signed_in sessions signed in (in ${took}s)"
  echo "  Redis used_memory per session: $(per $((used_after - used_before)) "$signed_in") B"
  echo "  keys per session: $(awk -v a=$((keys_after - keys_before)) -v n="$signed_in" 'BEGIN { printf "%.2f", a / n }')"
  echo "  keys the logins added, by prefix: per session, average MEMORY USAGE"
  awk -v n="$signed_in" 'FNR == NR { before[$1] = $2; bytes[$1] = $3; next }
    { added = $2 - before[$1]; if (added > 0) printf "    %-60s %6.2f  %7.0f B\n", $1, added / n, ($3 - bytes[$1]) / added }' \
    "$WORK/keys-before.txt" "$WORK/keys-after.txt" | sort
  # dev-idp (Spring Authorization Server) puts the user's most recently active IdP session in an ID token, not
  # necessarily the signing-in browser's: parallel logins of one user share sids, and so porter:logout:sid:* keys.
  echo "  IdP sessions (distinct sid in the ID tokens dev-idp issued for them): $(curl -fsS \
    "http://localhost:$IDP/dev/issued-tokens?client_id=porter-gateway" | jq '[.[].sid] | unique | length')"
  awk '$1 ~ /session/ { k += $2; b += $3 } END { if (k) printf "  average MEMORY USAGE of a session key (prefix with \"session\"): %.0f B over %d keys\n", b / k, k }' \
    "$WORK/keys-after.txt"
  stop "$pid"
  stop "$redis_pid"
}

echo "bench/sessions.sh: N=$N (after $WARMUP warm-up sign-ins), $PARALLEL in parallel; $(nproc) cores, $(java -version 2>&1 | head -1)"
for mode in $MODES; do
  case $mode in
    memory) measure_memory ;;
    redis) measure_redis ;;
    *) echo "unknown mode $mode (memory or redis)" >&2; exit 1 ;;
  esac
done
