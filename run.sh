#!/usr/bin/env bash
# Starts Porter locally: dev-idp (:9000), profile-service (:8081) and gateway (:8080), each from its packaged jar.
# Their actuator (metrics, health details) listens on 127.0.0.1 only: :9001, :9081 and :9080.
# Builds the jars first when they are missing or older than their sources. Ctrl-C stops them all.
# The client secrets below are dev-idp's public development secrets (see docs/local-stack.md); never reuse them:
# they apply only with dev-idp's issuer. With OIDC_ISSUER_URI naming another provider, dev-idp is not started and
# the clients' ids and secrets must be exported (the script names any that is missing).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
version=0.1.0-SNAPSHOT
modules=(dev-idp profile-service gateway)
logs="$root/.run/logs"

fail() { echo "run.sh: $*" >&2; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Whether the service on this port answers its readiness probe with "UP"; over bash's /dev/tcp, as the compose health
# checks ask, since a JDK is all the README asks for (no curl). The answer is read for at most 5 s.
ready() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf 'GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
		answer=''
		IFS= read -r -t 5 -d '' answer <&3 || true
		case $answer in *'"UP"'*) exit 0 ;; *) exit 1 ;; esac
	) 2>/dev/null
}

dev_idp_issuer=http://localhost:9000/
issuer=${OIDC_ISSUER_URI:-$dev_idp_issuer}
audience=${API_AUDIENCE:-https://porter.example/api}
profile_env=(PORT=8081 SERVER_ADDRESS=127.0.0.1 MANAGEMENT_PORT=9081 OIDC_ISSUER_URI="$issuer" API_AUDIENCE="$audience")
gateway_env=(PORT=8080 MANAGEMENT_PORT=9080 OIDC_ISSUER_URI="$issuer" API_AUDIENCE="$audience"
	PROFILE_SERVICE_URI=http://localhost:8081)
if [ "${issuer%/}" = "${dev_idp_issuer%/}" ]; then
	with_dev_idp=true
	ports=(9000 8081 8080 9001 9081 9080)
	profile_env+=(AUTH0_MANAGEMENT_CLIENT_ID="${AUTH0_MANAGEMENT_CLIENT_ID:-porter-profile}"
		AUTH0_MANAGEMENT_CLIENT_SECRET="${AUTH0_MANAGEMENT_CLIENT_SECRET:-porter-profile-dev-secret}")
	gateway_env+=(OIDC_CLIENT_ID="${OIDC_CLIENT_ID:-porter-gateway}"
		OIDC_CLIENT_SECRET="${OIDC_CLIENT_SECRET:-porter-gateway-dev-secret}")
else
	# Another provider knows none of dev-idp's clients: with them every login would end in invalid_client.
	with_dev_idp=false
	ports=(8081 8080 9081 9080)
	required=(OIDC_CLIENT_ID OIDC_CLIENT_SECRET)
	case $(printf '%s' "${PROFILE_DIRECTORY:-auth0}" | tr '[:upper:]' '[:lower:]') in
		auth0) required+=(AUTH0_MANAGEMENT_CLIENT_ID AUTH0_MANAGEMENT_CLIENT_SECRET) ;;
		keycloak) required+=(KEYCLOAK_CLIENT_ID KEYCLOAK_CLIENT_SECRET) ;;
	esac
	missing=()
	for variable in "${required[@]}"; do
		[ -n "${!variable:-}" ] || missing+=("$variable")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		fail "OIDC_ISSUER_URI is $issuer, not dev-idp's $dev_idp_issuer, so dev-idp's development clients do not apply: export ${missing[*]}"
	fi
fi

for port in "${ports[@]}"; do
	if port_in_use "$port"; then
		fail "port $port is already in use (another ./run.sh, or another program). Stop it and try again; 'ss -ltnp | grep :$port' shows who holds it."
	fi
done

# Sessions in Redis are encrypted with keys every gateway shares; the gateway refuses to start without them.
if [ -n "${REDIS_URL:-}" ] && [ -z "${SESSION_ENCRYPTION_KEYS:-}" ]; then
	fail "REDIS_URL is set, so SESSION_ENCRYPTION_KEYS must be too: export SESSION_ENCRYPTION_KEYS=\$(openssl rand -base64 32)"
fi

needs_build=false
for m in "${modules[@]}"; do
	jar="$m/target/$m-$version.jar"
	# common is built into every service (test-support only into tests)
	if [ ! -f "$jar" ] || [ -n "$(find "$m/src/main" "$m/pom.xml" common/src/main common/pom.xml pom.xml \
		-newer "$jar" -print -quit)" ]; then
		needs_build=true
	fi
done
if $needs_build; then
	echo "Building (first run, or sources changed)..."
	./mvnw -B -q -DskipTests package -pl dev-idp,profile-service,gateway -am || fail "the build failed; see the output above"
fi

mkdir -p "$logs"
pids=()
stop_all() {
	trap - INT TERM EXIT
	if [ ${#pids[@]} -gt 0 ]; then
		echo; echo "Stopping..."
		kill "${pids[@]}" 2>/dev/null || true
		wait "${pids[@]}" 2>/dev/null || true
	fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start() { # name, then VAR=value pairs
	local name=$1; shift
	env "$@" java -jar "$name/target/$name-$version.jar" >"$logs/$name.log" 2>&1 &
	pids+=($!)
}

if $with_dev_idp; then
	start dev-idp PORT=9000 MANAGEMENT_PORT=9001
fi
start profile-service "${profile_env[@]}"
start gateway "${gateway_env[@]}"

wait_ready() { # name port
	local deadline=$((SECONDS + 120))
	until ready "$2"; do
		for pid in "${pids[@]}"; do
			kill -0 "$pid" 2>/dev/null || fail "a service exited during start-up; see $logs/$1.log and the other logs there"
		done
		[ $SECONDS -lt $deadline ] || fail "$1 was not ready on port $2 within 120 s; see $logs/$1.log"
		sleep 0.5
	done
	echo "  $1 ready on :$2"
}
if $with_dev_idp; then
	echo "Starting dev-idp, profile-service and gateway (logs in .run/logs)..."
	wait_ready dev-idp 9000
else
	echo "Starting profile-service and gateway for $issuer (logs in .run/logs)..."
fi
wait_ready profile-service 8081
wait_ready gateway 8080

echo
if $with_dev_idp; then
	echo "Open http://localhost:8080 — sign in as alice / alice"
	echo "Metrics: http://127.0.0.1:9080/actuator/prometheus (gateway), :9081 (profile-service), :9001 (dev-idp)"
else
	echo "Open http://localhost:8080 — sign in with a user of $issuer"
	echo "Metrics: http://127.0.0.1:9080/actuator/prometheus (gateway), :9081 (profile-service)"
fi
echo "(Ctrl-C stops them all)"
# Portable (bash 3.2 has no 'wait -n'): watch the services and stop everything if one dies.
while true; do
	for pid in "${pids[@]}"; do
		kill -0 "$pid" 2>/dev/null || fail "a service stopped unexpectedly; see the logs in $logs"
	done
	sleep 1
done
