#!/usr/bin/env bash
# Static checks of the container and deployment files; no Docker engine, cluster or network
# needed. Run from anywhere: deploy/check.sh
#
# Checks: docker-compose.yml renders (docker-compose/docker compose config -q); Prometheus
# config (promtool); Grafana dashboard JSON; every path the Dockerfile COPYs is in the build
# context; every YAML file parses (and yamllint); shell scripts (shellcheck); the unit tests
# of the Python checkers and a run of the dashboard metric-name checker against the sample
# scrape; the Kubernetes ConfigMap matches config/; the Kubernetes manifests (rendered
# by kustomize when kubectl is installed) agree with the Dockerfile and compose file.
#
# Missing tools are installed with apt-get when run as root (CI); otherwise they are named
# and the check fails. Exit status: 0 when every check passed.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
export PYTHONDONTWRITEBYTECODE=1
passed=0
failed=0
apt_updated=0

install() {   # install Debian packages when we may; false otherwise
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    return 1
  fi
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq >/dev/null || return 1
    apt_updated=1
  fi
  echo "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

need() {      # need COMMAND PACKAGE
  command -v "$1" >/dev/null || install "$2" || { echo "missing $1 (Debian package $2)" >&2; return 1; }
}

run() {       # run NAME COMMAND...
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then
    echo "ok    $name"
    passed=$((passed + 1))
  else
    echo "FAIL  $name"
    printf '%s\n' "$out" | sed 's/^/      /'
    failed=$((failed + 1))
  fi
}

fail() { echo "FAIL  $1"; failed=$((failed + 1)); }

# A Python with PyYAML: the one on PATH, else Debian's.
py=
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import yaml' 2>/dev/null; then py=$candidate; break; fi
done
if [ -z "$py" ] && install python3-yaml && /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
  py=/usr/bin/python3
fi

# --- compose ---------------------------------------------------------------------------------
if command -v docker-compose >/dev/null || { ! docker compose version >/dev/null 2>&1 && need docker-compose docker-compose; }; then
  run "docker-compose.yml: docker-compose config -q" docker-compose -f docker-compose.yml config -q
elif docker compose version >/dev/null 2>&1; then
  run "docker-compose.yml: docker compose config -q" docker compose -f docker-compose.yml config -q
else
  fail "docker-compose.yml: no docker-compose to check it with"
fi

# --- Prometheus ------------------------------------------------------------------------------
if need promtool prometheus; then
  run "deploy/prometheus/prometheus.yml: promtool check config" promtool check config deploy/prometheus/prometheus.yml
else
  fail "deploy/prometheus/prometheus.yml: no promtool"
fi

# --- Grafana dashboards -------------------------------------------------------------------------
for f in deploy/grafana/dashboards/*.json; do
  run "$f: valid JSON" "$py" -m json.tool "$f"
  if command -v promtool >/dev/null; then
    rules=$(mktemp --suffix=.yml)
    # shellcheck disable=SC2016 # $1..$3 are for the inner sh
    run "$f: every query parses as PromQL (promtool check rules)" sh -c \
      '"$1" deploy/check-dashboard-metrics.py --dashboard "$2" --promql-rules "$3" && promtool check rules "$3"' \
      sh "$py" "$f" "$rules"
    rm -f "$rules"
  fi
done

# --- Dockerfile ------------------------------------------------------------------------------------
# Every path the Dockerfile COPYs must be in the build context that .dockerignore leaves: a path
# left out passes every other static check and fails only when the image is built.
run "Dockerfile: every COPY source is in the build context (.dockerignore)" "${py:-python3}" deploy/check_build_context.py
# dockerfile-utils (npm) parses the Dockerfile as BuildKit would: unknown instructions, bad
# flags, durations and port specs. Optional: needs npm; installed once into a cache folder.
lint_dir="${XDG_CACHE_HOME:-$HOME/.cache}/portico-check/dockerfile-utils"
if [ -x "$lint_dir/node_modules/.bin/dockerfile-utils" ] \
   || { command -v npm >/dev/null && npm install --prefix "$lint_dir" --silent --no-audit --no-fund dockerfile-utils@0.16.3 >/dev/null 2>&1; }; then
  run "Dockerfile: dockerfile-utils lint" "$lint_dir/node_modules/.bin/dockerfile-utils" lint Dockerfile
else
  echo "skip  Dockerfile lint: no npm to install dockerfile-utils"
fi

# --- YAML ----------------------------------------------------------------------------------------
mapfile -t yamls < <(find docker-compose.yml deploy -name '*.yml' -o -name '*.yaml' | sort)
if [ -n "$py" ]; then
  run "YAML parses (${#yamls[@]} files)" "$py" -c '
import sys, yaml
for f in sys.argv[1:]:
    with open(f, encoding="utf-8") as fh:
        list(yaml.safe_load_all(fh))
' "${yamls[@]}"
else
  fail "YAML: no Python with PyYAML (Debian package python3-yaml)"
fi
if need yamllint yamllint; then
  run "yamllint" yamllint -s -d '{extends: relaxed, rules: {line-length: {max: 130}}}' "${yamls[@]}"
else
  fail "yamllint missing"
fi

# --- Shell scripts -----------------------------------------------------------------------------------
if need shellcheck shellcheck; then
  run "shellcheck deploy/*.sh" shellcheck deploy/*.sh
  run "shellcheck deploy/container/*.sh" shellcheck -x deploy/container/*.sh
else
  fail "shellcheck missing"
fi

# --- Dashboard metric names --------------------------------------------------------------------------
if [ -n "$py" ]; then
  run "unit tests of the checkers (deploy/test_*.py)" "$py" -m unittest discover -s deploy -p 'test_*.py'
  run "dashboard metrics vs deploy/testdata/scrape-micrometer.txt" \
    "$py" deploy/check-dashboard-metrics.py --scrape-file deploy/testdata/scrape-micrometer.txt
  run "smoke_traffic.py and deploy/container/*.py compile" "$py" -c '
import ast, sys
for f in sys.argv[1:]:
    ast.parse(open(f, encoding="utf-8").read(), f)
' deploy/smoke_traffic.py deploy/container/*.py

  # --- Kubernetes -------------------------------------------------------------------------------------
  if [ -f config/application.yml ] && [ -f config/search-index.json ]; then
    run "deploy/k8s/configmap.yaml matches config/" "$py" deploy/k8s/gen-configmap.py --check
  else
    echo "skip  deploy/k8s/configmap.yaml vs config/: config/application.yml or search-index.json not there yet"
  fi
  if command -v kubectl >/dev/null; then
    rendered=$(mktemp)
    run "kubectl kustomize deploy/k8s" kubectl kustomize deploy/k8s --output "$rendered"
    run "manifests agree (Dockerfile, compose, Prometheus, rendered k8s)" "$py" deploy/check_manifests.py "$rendered"
    rm -f "$rendered"
  else
    echo "note  kubectl not installed: checking deploy/k8s files without kustomize"
    run "manifests agree (Dockerfile, compose, Prometheus, k8s)" "$py" deploy/check_manifests.py
  fi
fi

echo "deploy checks: $passed ok, $failed failed"
[ "$failed" -eq 0 ]
