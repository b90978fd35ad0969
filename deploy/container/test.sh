#!/usr/bin/env bash
# Runs the built image the way Kubernetes runs the pod in deploy/k8s and checks it over real
# sockets:
#
#   deploy/container/test.sh [--image TAG]     (default portico:<version in pom.xml>;
#                                               build it first: deploy/container/build.sh)
#   deploy/container/test.sh --cluster [--image TAG]
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
# --cluster runs the compose file's `cluster` profile instead (Redis, three replicas in cluster
# mode, HAProxy in front with send-proxy-v2) with docker-compose (Debian's 1.29; against
# podman's API socket, which it starts for the run), on free host ports, with the Redis and
# HAProxy images of deploy/container/cluster-images.sh (local ones from Debian packages when
# the public ones cannot be pulled), and checks through HAProxy: all three replicas in
# GET /api/cluster; an index entry written through the API answered on search connections to
# every replica; the connection view showing each client's own address (PROXY protocol); a
# push made through one replica reaching a connection held by another; a broadcast reaching
# every connection exactly once; echo. Then `down -v`. With podman, container names resolve
# through CNI's dnsname plugin (golang-github-containernetworking-plugin-dnsname).
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
mode=single
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image=${2:?--image needs a tag}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --cluster) mode=cluster; shift ;;
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
compose=()          # the docker-compose command of a --cluster run, for `down`
service_pid=        # podman's API service, started for a --cluster run
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
    if [ "${#compose[@]}" -gt 0 ]; then
      "${compose[@]}" down -v --timeout 40 >"$work/compose-down.log" 2>&1 || cat "$work/compose-down.log" >&2
    fi
    "$engine" volume rm -f "$volume" >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
  if [ -n "$service_pid" ]; then
    kill "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
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

# --- The compose cluster profile ------------------------------------------------------------
free_ports() {   # free_ports N: N free TCP ports of 127.0.0.1
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

run_cluster() {
  command -v docker-compose >/dev/null || fail "--cluster needs docker-compose (apt-get install docker-compose)"
  local images_line
  step "Redis and HAProxy images (deploy/container/cluster-images.sh)"
  "$root/deploy/container/cluster-images.sh" | tee "$work/cluster-images.log" | sed 's/^/   /'
  images_line=$(tail -n 1 "$work/cluster-images.log")
  local redis_image haproxy_image
  redis_image=$(sed -n 's/.*REDIS_IMAGE=\([^ ]*\).*/\1/p' <<<"$images_line")
  haproxy_image=$(sed -n 's/.*HAPROXY_IMAGE=\([^ ]*\).*/\1/p' <<<"$images_line")
  if [ -z "$redis_image" ] || [ -z "$haproxy_image" ]; then fail "cluster-images.sh printed no images"; fi

  if [ "$engine" = podman ]; then
    if [ "$(podman info --format '{{.Host.NetworkBackend}}' 2>/dev/null)" = cni ] \
      && ! [ -x /usr/lib/cni/dnsname ] && ! [ -x /usr/libexec/cni/dnsname ]; then
      fail "containers cannot find each other by name: podman's CNI networks need the dnsname plugin" \
        "(apt-get install golang-github-containernetworking-plugin-dnsname)"
    fi
    local socket=$work/podman.sock
    podman system service --time=0 "unix://$socket" >"$work/podman-service.log" 2>&1 &
    service_pid=$!
    local waited=0
    until [ -S "$socket" ]; do
      [ "$waited" -lt 100 ] || fail "podman system service did not open $socket"
      sleep 0.1; waited=$((waited + 1))
    done
    export DOCKER_HOST=unix://$socket
  fi

  local http echo multi search
  read -r http echo multi search < <(free_ports 4)
  export CLUSTER_HTTP_PORT=$http CLUSTER_ECHO_PORT=$echo CLUSTER_MULTICONN_PORT=$multi CLUSTER_SEARCH_PORT=$search
  export PORTICO_IMAGE=$image REDIS_IMAGE=$redis_image HAPROXY_IMAGE=$haproxy_image
  export PORTICO_API_PASSWORD=cluster-$$-$RANDOM
  compose=(docker-compose --project-name "$prefix" --file "$root/docker-compose.yml" --profile cluster)
  step "docker-compose --profile cluster up: Redis, portico-1..3, HAProxy ($PORTICO_IMAGE, $REDIS_IMAGE, $HAPROXY_IMAGE)"
  local up_at
  up_at=$(now)
  "${compose[@]}" up -d --no-build redis portico-1 portico-2 portico-3 haproxy >"$work/compose-up.log" 2>&1 \
    || { cat "$work/compose-up.log" >&2; fail "docker-compose up failed"; }
  local api=http://127.0.0.1:$http user=admin:$PORTICO_API_PASSWORD
  check "three replicas in GET /api/cluster through HAProxy" \
    python3 "$root/deploy/container/probe.py" cluster-ready --api "$api" --user "$user" --replicas 3 \
    --timeout "$start_timeout"
  echo "cluster: three replicas in the view $(since "$up_at")s after docker-compose up" >>"$figures"
  check "echo through HAProxy" python3 -c '
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as s:
    s.sendall(b"hello, cluster")
    s.shutdown(socket.SHUT_WR)
    got = b""
    while len(got) < 14:
        part = s.recv(64)
        if not part:
            break
        got += part
print(repr(got)); sys.exit(got != b"hello, cluster")' "$echo"
  check "an index write answered by every replica's search port" \
    python3 "$root/deploy/container/probe.py" cluster-search --api "$api" --user "$user" \
    --host 127.0.0.1 --port "$search" --replicas 3
  # Straight to HAProxy's container address (no port-forwarding NAT on the way), so the
  # address HAProxy sees is the client socket's own, and the view must show exactly that.
  local haproxy_ip
  haproxy_ip=$("$engine" inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' \
    "$("${compose[@]}" ps -q haproxy)" | awk '{ print $1 }')
  [ -n "$haproxy_ip" ] || fail "no address for the HAProxy container"
  check "connections through HAProxy: view, cross-replica push, broadcast" \
    python3 "$root/deploy/container/probe.py" cluster-connections --api "$api" --user "$user" \
    --host "$haproxy_ip" --port 65433 --replicas 3
  local down_at
  down_at=$(now)
  "${compose[@]}" down -v --timeout 40 >"$work/compose-down.log" 2>&1 \
    || { cat "$work/compose-down.log" >&2; failures=$((failures + 1)); }
  compose=()
  echo "cluster: docker-compose down -v in $(since "$down_at")s" >>"$figures"
}

started=$(now)
if [ "$mode" = cluster ]; then
  run_cluster
else
  check_image
  run_single
fi
echo "== figures ($engine)"
sed 's/^/   /' "$figures"
echo "container checks: $failures failed, $(since "$started")s"
[ "$failures" -eq 0 ]
