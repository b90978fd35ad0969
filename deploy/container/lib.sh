# Shared by the scripts in deploy/container/ (sourced, not run).
# shellcheck shell=bash disable=SC2154 # image, volume, work, start_timeout: set by the caller

# Where the repository is, whatever the caller's working directory.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export root

fail() { echo "$(basename "$0"): FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

# The container engine: $CONTAINER_ENGINE when set, else podman when it works, else docker
# when its daemon answers. A docker command without a daemon (only the client installed) does
# not count.
engine=
pick_engine() {
  if [ -n "${CONTAINER_ENGINE:-}" ]; then
    engine=$CONTAINER_ENGINE
  elif command -v podman >/dev/null && podman info >/dev/null 2>&1; then
    engine=podman
  elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    engine=docker
  else
    fail "no container engine: install podman (as root: deploy/container/install-podman.sh) or start Docker"
  fi
  command -v "$engine" >/dev/null || fail "CONTAINER_ENGINE=$engine is not installed"
}

# Seconds since the epoch with a fraction, and the difference of two such values.
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The project version from pom.xml: the default image tag is portico:<version>.
pom_version() {
  python3 - "$root/pom.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
print(ET.parse(sys.argv[1]).getroot().find("m:version", ns).text.strip())
PY
}

# available IMAGE: the image is here, or can be pulled within PULL_TIMEOUT seconds (120).
available() {
  "$engine" image inspect "$1" >/dev/null 2>&1 && return 0
  echo "pulling $1"
  local out
  if out=$(timeout "${PULL_TIMEOUT:-120}" "$engine" pull -q "$1" 2>&1); then
    return 0
  fi
  echo "cannot pull $1: $(printf '%s\n' "$out" | tail -n 1)"
  return 1
}

# An image's size in MB (10^6 bytes, as podman and docker print it).
image_mb() {
  "$engine" image inspect --format '{{.Size}}' "$1" | awk '{ printf "%.0f", $1 / 1000000 }'
}

# --- Running the image as Kubernetes runs the pod ---------------------------------------------
# These use the caller's globals: image (the tag), volume (a named volume for /app/data), work
# (a scratch directory for logs), containers (an array: every container started, for cleanup)
# and start_timeout (seconds).

# start_container NAME PORTS ENV...: read-only root, a tmpfs on /tmp, no capabilities, no
# privilege escalation, a memory limit, the image's own user, $volume on /app/data. PORTS like
# "8080 65432 65435/udp" (container side); each is published on a free port of 127.0.0.1, so
# nothing clashes with a Portico already running here. Sets started_at.
started_at=
start_container() {
  local name=$1 ports=$2; shift 2
  # shellcheck disable=SC2054 # the commas belong to --tmpfs's options
  local args=(run -d --name "$name" --read-only --tmpfs /tmp:rw,nosuid,nodev,size=64m,mode=1777
    --cap-drop=ALL --security-opt=no-new-privileges --memory=768m -v "$volume:/app/data")
  local p e
  for p in $ports; do args+=(-p "127.0.0.1::$p"); done
  for e in "$@"; do args+=(-e "$e"); done
  containers+=("$name")
  started_at=$(now)
  # podman logs systemd errors on run (no systemd here to schedule health checks): kept in
  # the log, shown only if the run fails.
  "$engine" "${args[@]}" "$image" >"$work/$name.run" 2>&1 \
    || { cat "$work/$name.run" >&2; fail "$engine run $name failed"; }
}

host_port() {   # host_port NAME PORT[/udp]: the 127.0.0.1 port published for it
  local port=$2
  case "$port" in */udp) ;; *) port=$port/tcp ;; esac
  "$engine" port "$1" "$port" | head -n 1 | sed 's/.*://'
}

# wait_healthy NAME URL: until URL/actuator/health says UP; prints the seconds since `run`.
wait_healthy() {
  local name=$1 url=$2 deadline=$((SECONDS + start_timeout)) status=
  while :; do
    if [ "$("$engine" inspect --format '{{.State.Running}}' "$name")" != true ]; then
      "$engine" logs --tail 40 "$name" >&2 2>&1 || true
      fail "$name exited during start-up"
    fi
    status=$(curl -s -m 2 "$url/actuator/health" 2>/dev/null \
      | python3 -c 'import json, sys; print(json.load(sys.stdin).get("status", ""))' 2>/dev/null || true)
    [ "$status" = UP ] && break
    if [ "$SECONDS" -ge "$deadline" ]; then
      "$engine" logs --tail 40 "$name" >&2 2>&1 || true
      fail "$name: health not UP after ${start_timeout}s (last: ${status:-no answer})"
    fi
    sleep 0.2
  done
  since "$started_at"
}
