# Helpers shared by bench/gateway-me.sh and bench/relay.sh; sourced, not run. They use the caller's WORK (a
# temporary directory) and PIDS (processes started here, ended by the caller's cleanup).
# shellcheck shell=bash

VERSION=0.1.0-SNAPSHOT

need_tools() { # tool...
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
  done
}

build_jars_if_missing() { # builds dev-idp, profile-service and gateway when a jar is missing (MVN_FLAGS=-o: offline)
  for m in dev-idp profile-service gateway; do
    if [ ! -f "$(jar_of "$m")" ]; then
      # shellcheck disable=SC2086
      ./mvnw -B -q ${MVN_FLAGS:-} -DskipTests package -pl dev-idp,profile-service,gateway
      return
    fi
  done
}

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Distinct ports nothing listens on, below the ephemeral range (32768 and up on Linux), so that no outgoing connection
# of another process takes one between choosing it and the service binding it.
free_ports() { # count -> that many ports, space-separated
  local ports=() port
  while [ ${#ports[@]} -lt "$1" ]; do
    port=$((10000 + RANDOM % 22000))
    in_use "$port" || [[ " ${ports[*]} " == *" $port "* ]] || ports+=("$port")
  done
  echo "${ports[@]}"
}

# dev-idp's seed with the gateway client's callback and logout URLs on the given gateway ports
write_seed() { # out-file gateway-port...
  local out=$1; shift
  local origins
  origins=$(printf 'http://localhost:%s\n' "$@" | jq -R . | jq -s .)
  jq --argjson o "$origins" '(.clients[] | select(.client_id == "porter-gateway")) |=
    (.callbacks = [$o[] + "/login/oauth2/code/auth0"] | .allowed_logout_urls = [$o[] + "/"]
     | .backchannel_logout_urls = [$o[] + "/bff/backchannel-logout"])' dev-idp/src/main/resources/seed.json >"$out"
}

jar_of() { echo "$1/target/$1-$VERSION.jar"; } # module -> its packaged jar
stop_started() { # ends the processes in PIDS and waits for them: for the caller's cleanup
  if [ ${#PIDS[@]} -gt 0 ]; then
    kill "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
  fi
}
keep_results() { # pattern... -> copies those files of WORK to RESULTS_DIR, when it is set
  [ -n "${RESULTS_DIR:-}" ] || return 0
  mkdir -p "$RESULTS_DIR"
  local pattern
  for pattern in "$@"; do
    cp -r "$WORK"/$pattern "$RESULTS_DIR"/ 2>/dev/null || true
  done
}
start_jar() { # log-name jar cpus java-opts, then VAR=value pairs; cpus "" = any core; the pid goes to PIDS;
  # the JVM is $JAVA_LAUNCHER when set (e.g. another JDK's bin/java), else the java on the PATH
  local name=$1 jar=$2 cpus=$3 opts=$4; shift 4
  # shellcheck disable=SC2086
  env "$@" ${cpus:+taskset -c $cpus} "${JAVA_LAUNCHER:-java}" -Xmx512m $opts -jar "$jar" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}

wait_ready() { # name port: polls /readyz; gives up when a started process exits or after READY_TIMEOUT (300) s
  local deadline=$((SECONDS + ${READY_TIMEOUT:-300})) pid
  until curl -fs "http://localhost:$2/readyz" >/dev/null 2>&1; do
    for pid in "${PIDS[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "a service exited; $1's log:" >&2; tail -50 "$WORK/$1.log" >&2; exit 1; }
    done
    [ $SECONDS -lt $deadline ] || { echo "$1 not ready on :$2" >&2; tail -50 "$WORK/$1.log" >&2; exit 1; }
    sleep 0.2
  done
}

# Signs alice in through a gateway as a browser would, then
# fetches /bff/session so the jar also holds the XSRF-TOKEN cookie a browser has after its first page (without it
# every request would mint a new one). Prints the Cookie header for GET /me through that gateway.
sign_in() { # gateway-port idp-port jar-file
  local gw=$1 idp=$2 jar=$3 csrf session xsrf
  rm -f "$jar" # a new browser: with dev-idp's session cookie from an earlier sign-in it would show no form
  curl -fsS -L -c "$jar" -b "$jar" -o "$jar.html" "http://localhost:$gw/bff/login?returnTo=/"
  csrf=$(sed -n 's/.*type="hidden" name="\([^"]*\)" value="\([^"]*\)".*/\1=\2/p' "$jar.html" | head -1)
  [ -n "$csrf" ] || { echo "no login form from dev-idp" >&2; exit 1; }
  curl -sS -L -c "$jar" -b "$jar" -o /dev/null --data-urlencode username=alice --data-urlencode password=alice \
    --data-urlencode "${csrf%%=*}=${csrf#*=}" "http://localhost:$idp/login"
  # porter-session over plain http since stop 49; a gateway built before it (COMPARE_JAR) names it __Host-porter-session
  session=$(awk '$6 == "porter-session" || $6 == "__Host-porter-session" { print $6 "=" $7 }' "$jar" | tail -1)
  [ -n "$session" ] || { echo "login through the gateway on :$gw gave no session cookie" >&2; exit 1; }
  curl -fsS -c "$jar" -b "$jar" -o /dev/null -H 'Accept: application/json' "http://localhost:$gw/bff/session"
  xsrf=$(awk '$6 == "XSRF-TOKEN" { print $7 }' "$jar" | tail -1)
  echo "Cookie: $session${xsrf:+; XSRF-TOKEN=$xsrf}"
}

last_access_token() { # idp-port: the access token dev-idp issued last to the gateway's client
  curl -fsS "http://localhost:$1/dev/issued-tokens?client_id=porter-gateway" | jq -r 'last.access_token'
}

fetch() { curl -s -o "$1" -w '%{http_code}' -H 'Accept: application/json' "${@:2}"; } # file, curl args -> status

# wrk prints latency as 812.00us / 1.20ms / 1.02s; report milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
report() { # out-name -> "rps p50 p99" from $WORK/out-name.txt (wrk --latency output)
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$WORK/$1.txt")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/$1.txt")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/$1.txt")")
  errors=$(awk '/Non-2xx|Socket errors/ { print }' "$WORK/$1.txt")
  [ -z "$errors" ] || echo "$1: $errors" >&2
  echo "$rps $p50 $p99"
}
requests() { awk '/requests in/ { print $1 }' "$WORK/$1.txt"; } # out-name -> requests completed
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# within 10 % of each other
settled() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(b > 0 && (a - b) / b < 0.1 && (b - a) / b < 0.1) }'; }

# wrk 4 has no fixed-rate mode (wrk2's -R): a Lua delay() paces each connection instead. A fixed delay keeps the
# connections in step: they fire together, and each burst queues behind itself (p99 became the time to drain a
# burst). A delay drawn uniformly from [0, 2 x mean] keeps the mean rate and spreads the arrivals, as independent
# browsers would.
write_pace_lua() { # out-file connections total-rps -> prints the mean delay in ms
  local delay
  delay=$(awk -v c="$2" -v r="$3" 'BEGIN { d = int(1000 * c / r); if (d < 1) d = 1; print d }')
  cat >"$1" <<LUA
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) math.randomseed(os.time() * 1000 + id) end
function delay() return math.random(0, 2 * $delay) end
LUA
  echo "$delay"
}
