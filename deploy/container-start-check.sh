#!/usr/bin/env bash
# Starts target/portico.jar the way the container image does, checks it, stops it.
#
#   deploy/container-start-check.sh          (after ./mvnw -DskipTests package)
#
# Same start: deploy/entrypoint.sh (the image's ENTRYPOINT) in a scratch copy of the image's
# /app layout (portico.jar, config/ read-only, data/search-index.json writable), with the
# ENV of the Dockerfile's runtime stage read from the Dockerfile itself, in an otherwise
# empty environment, as uid 10001 when run as root (like the image's USER). Only the ports
# and bind addresses differ, through Spring Boot environment overrides, so nothing clashes
# with a running Portico and nothing listens beyond loopback.
#
# Then: waits (bounded) for /actuator/health to be UP, checks the liveness and readiness
# groups the Kubernetes probes use, sends a little traffic to every listener
# (deploy/smoke_traffic.py), and checks that every metric the Grafana dashboard queries is
# in /actuator/prometheus (deploy/check-dashboard-metrics.py). The process is stopped by
# its PID on exit, with SIGTERM first (graceful shutdown) and SIGKILL after the grace time.
#
# Environment: CHECK_HTTP_PORT (18080), CHECK_ECHO_PORT (18432), CHECK_MULTICONN_PORT
# (18433), CHECK_SEARCH_PORT (18434), CHECK_UDP_PORT (18435), CHECK_START_TIMEOUT (60 s),
# CHECK_SCRAPE_AUTH (user:password, when /actuator/prometheus needs it), PORTICO_JAR_FILE,
# JAVA_HOME (else the JDK of `java` on PATH; the image runs Temurin 21, e.g.
# JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 is closer than a 17), CHECK_KEEP=1 keeps the
# scratch directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jar=${PORTICO_JAR_FILE:-$root/target/portico.jar}
http_port=${CHECK_HTTP_PORT:-18080}
echo_port=${CHECK_ECHO_PORT:-18432}
multiconn_port=${CHECK_MULTICONN_PORT:-18433}
search_port=${CHECK_SEARCH_PORT:-18434}
udp_port=${CHECK_UDP_PORT:-18435}
start_timeout=${CHECK_START_TIMEOUT:-60}
stop_timeout=40   # the compose stop_grace_period
base="http://127.0.0.1:$http_port"

fail() { echo "container-start-check: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

[ -f "$jar" ] || fail "no jar at $jar (build it: ./mvnw -B -DskipTests package)"
command -v python3 >/dev/null || fail "python3 is needed"
command -v curl >/dev/null || fail "curl is needed"

# --- The runtime stage of the Dockerfile: ENV, WORKDIR, ENTRYPOINT --------------------------
# Read from the Dockerfile, so this check and the image cannot drift apart.
dockerfile_env=$(python3 - "$root/Dockerfile" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().replace("\\\n", " ").splitlines()
stage = [l.strip() for l in lines[max(i for i, l in enumerate(lines) if re.match(r"\s*FROM\s", l, re.I)):]]
def only(instr):
    found = [l for l in stage if re.match(instr + r"\s", l, re.I)]
    return found[-1].split(None, 1)[1].strip() if found else None
if only("WORKDIR") != "/app":
    sys.exit("the runtime stage's WORKDIR is not /app: update deploy/container-start-check.sh")
if only("ENTRYPOINT") != '["/app/entrypoint.sh"]':
    sys.exit("the runtime stage's ENTRYPOINT is not [\"/app/entrypoint.sh\"]: update deploy/container-start-check.sh")
if only("CMD") is not None:
    sys.exit("the runtime stage has a CMD: pass it on in deploy/container-start-check.sh")
for l in stage:
    if re.match(r"ENV\s", l, re.I):
        m = re.fullmatch(r"ENV\s+([A-Za-z_][A-Za-z0-9_]*)=([^\s\"'$\\]*)", l, re.I)
        if not m:
            sys.exit(f"cannot read {l!r}: write one ENV KEY=value (no quotes, spaces or $) a line")
        print(f"{m.group(1)}={m.group(2)}")
PY
) || fail "cannot take the start environment from the Dockerfile"

# --- Free ports ---------------------------------------------------------------------------
python3 - "$http_port" "$echo_port" "$multiconn_port" "$search_port" "$udp_port" <<'PY' || fail "a check port is taken (set CHECK_*_PORT)"
import socket, sys
for i, port in enumerate(sys.argv[1:]):
    kind = socket.SOCK_DGRAM if i == 4 else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as servers do: TIME_WAIT is no clash
        try:
            s.bind(("127.0.0.1", int(port)))
        except OSError as e:
            sys.exit(f"port {port}: {e}")
PY

# --- The image's /app layout in a scratch directory ---------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/portico-start-check.XXXXXX")
pid=
cleanup() {
  local rc=$?
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    step "stopping PID $pid (SIGTERM, up to ${stop_timeout}s)"
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$stop_timeout" ]; do
      sleep 1; waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "still running after ${stop_timeout}s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      rc=1
    else
      echo "stopped after ${waited}s"
    fi
    wait "$pid" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -f "$work/portico.log" ]; then
    echo "--- last lines of $work/portico.log" >&2
    tail -n 60 "$work/portico.log" >&2
  fi
  if [ "${CHECK_KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$jar" "$work/portico.jar"
cp "$root/deploy/entrypoint.sh" "$work/entrypoint.sh"
mkdir -p "$work/config" "$work/data"
if [ -d "$root/config" ]; then
  cp -R "$root/config/." "$work/config/"
else
  echo "warning: no config/ in $root: starting with the jar's defaults" >&2
fi
if [ -f "$root/config/search-index.json" ]; then
  cp "$root/config/search-index.json" "$work/data/search-index.json"
fi
chmod 0755 "$work" "$work/entrypoint.sh"
chmod -R a+rX,a-w "$work/config"
as_user=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  chown -R 10001:10001 "$work/data"
  touch "$work/portico.log" && chown 10001:10001 "$work/portico.log"
  as_user=(setpriv --reuid=10001 --regid=10001 --clear-groups)
fi

# --- Start ----------------------------------------------------------------------------------
# The image sets JAVA_HOME (Temurin's /opt/java/openjdk); here it is the caller's JAVA_HOME or
# the JDK of the `java` on PATH, so the empty environment below still finds the same java.
if [ -z "${JAVA_HOME:-}" ]; then
  java_bin=$(command -v java) || fail "no java on PATH and no JAVA_HOME"
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java_bin")")")
fi
[ -x "$JAVA_HOME/bin/java" ] || fail "no $JAVA_HOME/bin/java"
# The image's build step: unpack the jar and record its class-data archive.
cp "$root/deploy/prepare-app.sh" "$work/prepare-app.sh"
step "preparing the app layout (deploy/prepare-app.sh)"
(cd "$work" && JAVA_HOME="$JAVA_HOME" ./prepare-app.sh) || fail "deploy/prepare-app.sh failed"
env_args=(JAVA_HOME="$JAVA_HOME" PATH="$JAVA_HOME/bin:/usr/local/bin:/usr/bin:/bin" HOME="$work" LANG=C.UTF-8 TMPDIR=/tmp)
while IFS= read -r kv; do
  [ -n "$kv" ] && env_args+=("$kv")
done <<<"$dockerfile_env"
env_args+=(
  SERVER_PORT="$http_port" SERVER_ADDRESS=127.0.0.1
  PORTICO_LISTENERS_ECHO_PORT="$echo_port" PORTICO_LISTENERS_ECHO_BIND=127.0.0.1
  PORTICO_LISTENERS_ECHO_MAXCONNECTIONS=1
  PORTICO_LISTENERS_MULTICONN_PORT="$multiconn_port" PORTICO_LISTENERS_MULTICONN_BIND=127.0.0.1
  PORTICO_LISTENERS_SEARCH_PORT="$search_port" PORTICO_LISTENERS_SEARCH_BIND=127.0.0.1
  PORTICO_LISTENERS_UDP_PORT="$udp_port" PORTICO_LISTENERS_UDP_BIND=127.0.0.1
)
step "starting $work/entrypoint.sh (${as_user[*]:-as $(id -un)}) with: ${env_args[*]}"
(cd "$work" && exec env -i "${env_args[@]}" "${as_user[@]}" ./entrypoint.sh >>"$work/portico.log" 2>&1) &
pid=$!

# --- Wait for UP ------------------------------------------------------------------------------
step "waiting up to ${start_timeout}s for $base/actuator/health"
started=$SECONDS
deadline=$((started + start_timeout))
status=
while :; do
  kill -0 "$pid" 2>/dev/null || { wait "$pid" && rc=0 || rc=$?; pid=; fail "Portico exited during start-up (status $rc)"; }
  status=$(curl -s -m 3 "$base/actuator/health" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin).get("status",""))' 2>/dev/null || true)
  [ "$status" = UP ] && break
  [ "$SECONDS" -ge "$deadline" ] && fail "health not UP after ${start_timeout}s (last status: ${status:-no answer})"
  sleep 1
done
echo "UP after $((SECONDS - started))s"

for group in liveness readiness; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 3 "$base/actuator/health/$group" || true)
  [ "$code" = 200 ] || fail "/actuator/health/$group answered $code (the Kubernetes probes use it: enable management.endpoint.health.probes.enabled)"
  echo "/actuator/health/$group: 200"
done

# --- Traffic, then the dashboard's metric names ------------------------------------------------
step "traffic"
python3 "$root/deploy/smoke_traffic.py" 127.0.0.1 "$echo_port" "$multiconn_port" "$search_port" "$udp_port" --reject \
  || fail "a listener did not answer as expected"
sleep 1

step "dashboard metrics in $base/actuator/prometheus"
auth=()
[ -n "${CHECK_SCRAPE_AUTH:-}" ] && auth=(--user "$CHECK_SCRAPE_AUTH")
python3 "$root/deploy/check-dashboard-metrics.py" --url "$base" "${auth[@]}" \
  || fail "the dashboard queries metrics that Portico does not expose"

step "container start check passed"
