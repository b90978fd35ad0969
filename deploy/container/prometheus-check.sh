#!/usr/bin/env bash
# The monitoring that ships, run for real against the built image:
#
#   deploy/container/prometheus-check.sh [--image TAG]   (default portico:<version in pom.xml>)
#
# 1. Starts the image as deploy/container/test.sh does (read-only root, no capabilities, ports
#    published on 127.0.0.1), with the echo listener limited to one connection so that a
#    refused connection is counted.
# 2. Runs Debian's Prometheus (package prometheus; installed with apt-get when run as root)
#    on a free loopback port with the shipped deploy/prometheus/prometheus.yml, changed only
#    where it must be: the target is the container's published HTTP port instead of the
#    compose service portico:8080, and it scrapes every second.
# 3. Once Prometheus scrapes the target, sends a little traffic (deploy/smoke_traffic.py
#    --reject: every listener, a bad search frame, a refused second echo connection), then
#    asks Prometheus for every PromQL query of the provisioned Grafana dashboard
#    (deploy/container/prometheus_queries.py): each must return at least one series.
#
# Everything it starts is stopped on exit (the container, and Prometheus by its PID).
# Environment: CONTAINER_ENGINE, TEST_START_TIMEOUT (120 s), TEST_KEEP=1 keeps the scratch
# directory (Prometheus's config, data and log).
set -euo pipefail
# shellcheck source=deploy/container/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

image=
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image=${2:?--image needs a tag}; shift 2 ;;
    -h | --help) sed -n '2,/^$/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
image=${image:-portico:$(pom_version)}
start_timeout=${TEST_START_TIMEOUT:-120}
pick_engine
"$engine" image inspect "$image" >/dev/null 2>&1 || fail "no image $image: build it with deploy/container/build.sh"
if ! command -v prometheus >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    step "installing Debian's prometheus"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  fi
  command -v prometheus >/dev/null || fail "prometheus is needed (Debian: apt-get install prometheus)"
fi
python3 -c 'import yaml' 2>/dev/null || fail "python3 with PyYAML is needed (Debian: apt-get install python3-yaml)"

prefix=portico-prom-$$
volume=$prefix-data
work=$(mktemp -d "${TMPDIR:-/tmp}/$prefix.XXXXXX")
containers=()
prometheus_pid=
cleanup() {
  local rc=$?
  if [ -n "$prometheus_pid" ] && kill -0 "$prometheus_pid" 2>/dev/null; then
    kill -TERM "$prometheus_pid" 2>/dev/null || true
    wait "$prometheus_pid" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -f "$work/prometheus.log" ]; then
    echo "--- last lines of the Prometheus log" >&2
    tail -n 20 "$work/prometheus.log" >&2
  fi
  for c in "${containers[@]}"; do
    "$engine" rm -f "$c" >/dev/null 2>&1 || true
  done
  "$engine" volume rm -f "$volume" >/dev/null 2>&1 || true
  if [ "${TEST_KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$(now)

# --- Portico -------------------------------------------------------------------------------------
name=$prefix-portico
step "container $name"
"$engine" volume create "$volume" >/dev/null
start_container "$name" "8080 65432 65433 65434 65435/udp" PORTICO_LISTENERS_ECHO_MAXCONNECTIONS=1
http=$(host_port "$name" 8080)
up=$(wait_healthy "$name" "http://127.0.0.1:$http")
echo "health UP ${up}s after $engine run"

# --- Prometheus ----------------------------------------------------------------------------------
prom_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prom=http://127.0.0.1:$prom_port
python3 "$root/deploy/container/prometheus_queries.py" config --target "127.0.0.1:$http" --out "$work/prometheus.yml"
promtool check config "$work/prometheus.yml" >/dev/null || fail "promtool rejects the generated config"
step "prometheus $(prometheus --version 2>&1 | head -n 1 | awk '{ print $3 }') on $prom"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!

# Bounded wait until the target has been scraped once and is up.
deadline=$((SECONDS + 60))
until curl -s -m 2 "$prom/api/v1/query?query=up" | grep -q '"value":\[[0-9.]*,"1"\]'; do
  kill -0 "$prometheus_pid" 2>/dev/null || fail "prometheus exited"
  [ "$SECONDS" -lt "$deadline" ] || fail "Prometheus did not scrape 127.0.0.1:$http within 60s"
  sleep 0.5
done
echo "Prometheus scrapes 127.0.0.1:$http"

# --- Traffic, then the dashboard's queries ---------------------------------------------------------
step "traffic (deploy/smoke_traffic.py --reject)"
python3 "$root/deploy/smoke_traffic.py" 127.0.0.1 "$(host_port "$name" 65432)" "$(host_port "$name" 65433)" \
  "$(host_port "$name" 65434)" "$(host_port "$name" 65435/udp)" --reject \
  || fail "a listener did not answer as expected"
step "every query of the Grafana dashboard, through Prometheus's HTTP API"
python3 "$root/deploy/container/prometheus_queries.py" check --prometheus "$prom" --timeout 60 \
  || fail "dashboard queries without data"
echo "prometheus check passed in $(since "$started")s"
