#!/usr/bin/env bash
# Runs the built image the way Kubernetes runs the pod in deploy/k8s and checks it over real
# sockets:
#
#   deploy/container/test.sh [--image TAG]     (default portico:<version in pom.xml>;
#                                               build it first: deploy/container/build.sh)
#
# Every container runs with a read-only root filesystem, a tmpfs on /tmp, no capabilities, no
# privilege escalation, a memory limit, the image's own (non-root) user and a new named volume
# on /app/data; ports are published on 127.0.0.1 only, on ports the engine picks, so nothing
# clashes with a Portico already running here. Two containers run one after the other on the
# same volume:
#
#   1. shipped defaults (no environment at all): health UP (seconds from `run`), uid 10001, no
#      capabilities, read-only root, the image's HEALTHCHECK command, every listener (TCP
#      echo, multiconn, search, a bad search frame, UDP), the API password generated and
#      logged when none is set, an index edit through the REST API, and SIGTERM: bytes queued
#      for a client that was not reading are all delivered, then the container exits within
#      the drain timeout + 5 s with status 0 or 143.
#   2. the documented overrides: PORTICO_API_USERNAME / PORTICO_API_PASSWORD, SERVER_PORT,
#      MANAGEMENT_SERVER_PORT and PORTICO_LISTENERS_<NAME>_PORT for the four listeners, and
#      JAVA_OPTS_APPEND=-Xshare:on (the JVM refuses to start unless the image's class-data
#      archive maps). Health, the HEALTHCHECK command (which must follow the ports), every
#      listener on its new port, the first container's index edit still there (the volume),
#      credentials (wrong ones refused, the new ones accepted), SIGTERM stop.
#
# Also: the image declares its HEALTHCHECK (podman keeps it only with --format docker) and
# holds no build-time files in /tmp; its size is printed.
#
# With podman the HEALTHCHECK runs through `podman healthcheck run`; with docker, the
# image's HEALTHCHECK command runs through `docker exec`.
#
# Modes: only the single-instance checks above exist today. A mode for the compose file's
# `cluster` profile (Redis, three replicas behind HAProxy) is to be added as an option
# dispatching to its own function beside run_single, reusing start_container, host_port and
# wait_healthy (lib.sh), run_healthcheck and stop_container.
#
# Environment: CONTAINER_ENGINE, TEST_START_TIMEOUT (120 s), TEST_DRAIN_TIMEOUT (5 s: Portico's
# default portico.drain-timeout), TEST_KEEP=1 keeps the containers and the volume.

# The checks are small `sh -c '...'` scripts that take their values as arguments:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=deploy/container/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

usage() { sed -n '2,/^$/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
image=
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image=${2:?--image needs a tag}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --cluster) echo "--cluster is not there yet: it comes with cluster mode (see 'Modes' at the top of deploy/container/test.sh)" >&2; exit 2 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
image=${image:-portico:$(pom_version)}
start_timeout=${TEST_START_TIMEOUT:-120}
drain_timeout=${TEST_DRAIN_TIMEOUT:-5}
stop_limit=$((drain_timeout + 5))
pick_engine
command -v curl >/dev/null || fail "curl is needed"
command -v python3 >/dev/null || fail "python3 is needed"
"$engine" image inspect "$image" >/dev/null 2>&1 || fail "no image $image: build it with deploy/container/build.sh"

prefix=portico-test-$$
volume=$prefix-data
work=$(mktemp -d "${TMPDIR:-/tmp}/$prefix.XXXXXX")
containers=()
failures=0
figures=$work/figures   # a file: checks run in subshells

cleanup() {
  local rc=$?
  if [ "${TEST_KEEP:-0}" = 1 ]; then
    echo "kept: containers ${containers[*]:-none}, volume $volume, logs in $work"
  else
    for c in "${containers[@]}"; do
      "$engine" rm -f "$c" >/dev/null 2>&1 || true
    done
    "$engine" volume rm -f "$volume" >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

check() {   # check NAME COMMAND...: runs it, prints ok/FAIL and its output, counts failures
  local name=$1 out; shift
  if out=$("$@" 2>&1); then
    echo "ok    $name"
  else
    echo "FAIL  $name"
    failures=$((failures + 1))
  fi
  [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/      /'
  return 0
}

# --- Building blocks (a cluster mode would reuse them) ------------------------------------

run_healthcheck() {   # the image's HEALTHCHECK, as the engine runs it
  local name=$1
  if [ "$engine" = podman ]; then
    podman healthcheck run "$name"
  else
    local test
    test=$("$engine" inspect --format '{{json .Config.Healthcheck.Test}}' "$name")
    python3 - "$engine" "$name" "$test" <<'PY'
import json, subprocess, sys
engine, name, test = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
cmd = ["/bin/sh", "-c", test[1]] if test[0] == "CMD-SHELL" else test[1:]
sys.exit(subprocess.run([engine, "exec", name, *cmd], check=False).returncode)
PY
  fi
}

# stop_container NAME [SIGNAL-TIME-FILE]: waits (bounded) for NAME to exit after a SIGTERM sent
# at the time in the file, or sends one now. Checks the exit status and the time taken.
stop_container() {
  local name=$1 file=${2:-} signalled code took
  if [ -z "$file" ]; then
    signalled=$(now)
    "$engine" kill --signal TERM "$name" >/dev/null
  else
    signalled=$(cat "$file")
  fi
  code=$(timeout "$((stop_limit + 5))" "$engine" wait "$name" 2>/dev/null | tail -n 1 || true)
  took=$(since "$signalled")
  echo "stop $name: ${took}s after SIGTERM, exit status ${code:-none}" >>"$figures"
  if [ -z "$code" ]; then
    "$engine" kill "$name" >/dev/null 2>&1 || true
    echo "still running ${took}s after SIGTERM (limit ${stop_limit}s)"
    return 1
  fi
  echo "exited ${took}s after SIGTERM with status $code (limit ${stop_limit}s; 0 or 143 expected)"
  awk -v t="$took" -v l="$stop_limit" 'BEGIN { exit !(t <= l) }' && { [ "$code" = 0 ] || [ "$code" = 143 ]; }
}

http_code() {   # http_code CURL-ARGS...: the status code only
  curl -s -o "$work/body" -w '%{http_code}' -m 10 "$@" || true
}

# --- The image itself -------------------------------------------------------------------------
check_image() {
  step "image $image"
  check "the image declares a HEALTHCHECK (podman: built with --format docker)" sh -c '
    t=$("$1" image inspect --format "{{json .Config.Healthcheck}}" "$2")
    echo "$t"; case "$t" in *actuator/health*) exit 0 ;; *) exit 1 ;; esac' sh "$engine" "$image"
  check "no build-time files in the image's /tmp" sh -c '
    left=$("$1" run --rm --user 0 --entrypoint /usr/bin/find "$2" /tmp -mindepth 1 -printf "%u %p\n" 2>/dev/null) \
      || { echo "cannot run find in the image"; exit 1; }
    [ -z "$left" ] || { printf "%s\n" "$left"; exit 1; }' sh "$engine" "$image"
  echo "image size: $(image_mb "$image") MB" >>"$figures"
}

# --- Two containers, one volume ----------------------------------------------------------------
run_single() {
  local key=container-check value=kept-$$-$RANDOM
  "$engine" volume create "$volume" >/dev/null

  # 1. Shipped defaults.
  local a=$prefix-defaults
  step "container $a: shipped defaults, no environment"
  start_container "$a" "8080 65432 65433 65434 65435/udp"
  local http echo multi search udp
  http=$(host_port "$a" 8080); echo=$(host_port "$a" 65432); multi=$(host_port "$a" 65433)
  search=$(host_port "$a" 65434); udp=$(host_port "$a" 65435/udp)
  local api=http://127.0.0.1:$http up
  up=$(wait_healthy "$a" "$api")
  echo "ok    health UP ${up}s after $engine run"
  echo "start $a: health UP ${up}s after run" >>"$figures"

  check "runs as uid 10001, no capabilities, no privilege escalation" sh -c '
    "$1" exec "$2" sh -c "id; grep -E \"^(CapEff|NoNewPrivs)\" /proc/1/status" > "$3"; cat "$3"
    grep -q "uid=10001" "$3" && grep -Eq "CapEff:[[:space:]]+0+$" "$3" && grep -Eq "NoNewPrivs:[[:space:]]+1" "$3"' \
    sh "$engine" "$a" "$work/ids"
  check "root filesystem read-only; /tmp and /app/data writable" sh -c '
    if "$1" exec "$2" touch /app/written; then echo "/app is writable"; exit 1; fi
    "$1" exec "$2" sh -c "touch /tmp/written /app/data/written && rm /tmp/written /app/data/written"' \
    sh "$engine" "$a"
  check "HEALTHCHECK command" run_healthcheck "$a"
  check "every listener (deploy/smoke_traffic.py)" \
    python3 "$root/deploy/smoke_traffic.py" 127.0.0.1 "$echo" "$multi" "$search" "$udp"

  local password
  # the start-up summary shows a generated password as "  password  <value> (generated for this run only ..."
  password=$("$engine" logs "$a" 2>&1 | sed -n 's/^ *password  *\([^ ]*\) (generated for this run only.*/\1/p' | head -n 1)
  check "an API password is generated and logged when none is set" test -n "$password"
  check "PUT /api/search/entries/$key without credentials: 401" sh -c '
    code=$(curl -s -o /dev/null -w "%{http_code}" -m 10 -X PUT -H "Content-Type: text/plain" \
      --data-binary "$2" "$1"); echo "$code"; [ "$code" = 401 ]' sh "$api/api/search/entries/$key" "$value"
  check "PUT /api/search/entries/$key with the generated password" sh -c '
    code=$(curl -s -o /dev/null -w "%{http_code}" -m 10 -u "admin:$3" -X PUT -H "Content-Type: text/plain" \
      --data-binary "$2" "$1"); echo "$code"; [ "$code" = 200 ] || [ "$code" = 201 ]' \
    sh "$api/api/search/entries/$key" "$value" "$password"
  check "the search listener answers the new entry" \
    python3 "$root/deploy/container/probe.py" search 127.0.0.1 "$search" "$key" "$value"

  check "SIGTERM drain: queued bytes delivered" \
    python3 "$root/deploy/container/probe.py" drain --api "$api" --user "admin:$password" \
    --host 127.0.0.1 --port "$multi" -- \
    sh -c 'now=$(date +%s.%N); "$1" kill --signal TERM "$2" >/dev/null && echo "$now" > "$3"' \
    sh "$engine" "$a" "$work/$a.signalled"
  if [ -f "$work/$a.signalled" ]; then
    check "SIGTERM stop within drain timeout ${drain_timeout}s + 5s" stop_container "$a" "$work/$a.signalled"
  else
    check "SIGTERM stop within drain timeout ${drain_timeout}s + 5s" stop_container "$a"
  fi

  # 2. The documented environment variables, same volume.
  local b=$prefix-overrides user=operator secret=s3cret-$$-$RANDOM
  step "container $b: ports and credentials from the environment, same volume"
  start_container "$b" "9080 9081 7000 7001 7002 7003/udp" \
    PORTICO_API_USERNAME=$user PORTICO_API_PASSWORD=$secret SERVER_PORT=9080 MANAGEMENT_SERVER_PORT=9081 \
    PORTICO_LISTENERS_ECHO_PORT=7000 PORTICO_LISTENERS_MULTICONN_PORT=7001 \
    PORTICO_LISTENERS_SEARCH_PORT=7002 PORTICO_LISTENERS_UDP_PORT=7003 JAVA_OPTS_APPEND=-Xshare:on
  local mgmt
  http=$(host_port "$b" 9080); mgmt=$(host_port "$b" 9081); echo=$(host_port "$b" 7000)
  multi=$(host_port "$b" 7001); search=$(host_port "$b" 7002); udp=$(host_port "$b" 7003/udp)
  api=http://127.0.0.1:$http
  up=$(wait_healthy "$b" "http://127.0.0.1:$mgmt")
  echo "ok    health UP on MANAGEMENT_SERVER_PORT ${up}s after $engine run (-Xshare:on: the class-data archive maps)"
  echo "start $b: health UP ${up}s after run" >>"$figures"
  check "HEALTHCHECK command follows MANAGEMENT_SERVER_PORT" run_healthcheck "$b"
  check "every listener on its new port" \
    python3 "$root/deploy/smoke_traffic.py" 127.0.0.1 "$echo" "$multi" "$search" "$udp"
  check "the index edit survived a new container on the volume (REST)" sh -c '
    curl -sf -m 10 "$1" > "$3" || { echo "GET $1 failed"; exit 1; }; cat "$3"; echo
    python3 -c "import json, sys; sys.exit(json.load(open(sys.argv[1])).get(\"value\") != sys.argv[2])" "$3" "$2"' \
    sh "$api/api/search/entries/$key" "$value" "$work/entry"
  check "... and over the search listener" \
    python3 "$root/deploy/container/probe.py" search 127.0.0.1 "$search" "$key" "$value"
  check "the old credentials are refused: 401" sh -c '
    code=$(curl -s -o /dev/null -w "%{http_code}" -m 10 -u "admin:$2" -X DELETE "$1"); echo "$code"; [ "$code" = 401 ]' \
    sh "$api/api/search/entries/$key" "$password"
  check "PORTICO_API_USERNAME / PORTICO_API_PASSWORD are accepted" sh -c '
    code=$(curl -s -o /dev/null -w "%{http_code}" -m 10 -u "$2" -X DELETE "$1"); echo "$code"; [ "$code" = 204 ]' \
    sh "$api/api/search/entries/$key" "$user:$secret"
  check "SIGTERM stop within drain timeout ${drain_timeout}s + 5s" stop_container "$b"
}

started=$(now)
check_image
run_single
echo "== figures ($engine)"
sed 's/^/   /' "$figures"
echo "container checks: $failures failed, $(since "$started")s"
[ "$failures" -eq 0 ]
