#!/usr/bin/env bash
# Builds the Portico image from the Dockerfile, with podman or docker, whichever works here:
#
#   deploy/container/build.sh [TAG]          (default portico:<version in pom.xml>)
#
# The base images are the Dockerfile's defaults (the Temurin JDK and JRE images) when they can
# be pulled, or are already here. When they cannot be (no registry reachable), it first makes
# equivalent local ones from Debian packages with deploy/container/base-images.sh (needs root
# and a Debian mirror) and builds on those. podman builds with --format docker: the OCI format
# has no HEALTHCHECK, and podman would drop it.
#
# Idempotent; a second run with nothing changed takes seconds (the engine's layer cache, and
# base images that are made only once).
#
# Environment:
#   CONTAINER_ENGINE            podman or docker (default: podman if it works, else docker)
#   BASE_IMAGES                 auto (default), public (fail when they cannot be pulled),
#                               local (always the Debian-made ones)
#   BUILD_IMAGE, RUNTIME_IMAGE  use these base images (passed on as build arguments)
#   JAVA_MAJOR                  the Java major of the default base images (Dockerfile: 21;
#                               the local ones support 21 and 17)
#   PULL_TIMEOUT                seconds a pull may take before the base counts as unreachable (120)
set -euo pipefail
# shellcheck source=deploy/container/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

tag=${1:-portico:$(pom_version)}
pick_engine
started=$(now)

# The Dockerfile's ARG defaults before the first FROM, with JAVA_MAJOR from the environment.
read -r default_build default_runtime < <(python3 - "$root/Dockerfile" <<'PY'
import os, re, sys
args = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if re.match(r"\s*FROM\s", line, re.I):
        break
    m = re.match(r"\s*ARG\s+(\w+)(?:=(\S*))?\s*$", line, re.I)
    if m:
        name, value = m.group(1), m.group(2) or ""
        value = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda v: args.get(v.group(1) or v.group(2), ""), value)
        args[name] = os.environ.get(name) or value
print(args.get("BUILD_IMAGE", ""), args.get("RUNTIME_IMAGE", ""))
PY
)
build_image=${BUILD_IMAGE:-$default_build}
runtime_image=${RUNTIME_IMAGE:-$default_runtime}
if [ -z "$build_image" ] || [ -z "$runtime_image" ]; then
  fail "no BUILD_IMAGE / RUNTIME_IMAGE defaults in the Dockerfile"
fi

base=${BASE_IMAGES:-auto}
case "$base" in
  auto | public)
    if available "$build_image" && available "$runtime_image"; then
      base=public
    elif [ "$base" = public ]; then
      fail "the base images cannot be pulled (BASE_IMAGES=public)"
    elif [ -n "${BUILD_IMAGE:-}${RUNTIME_IMAGE:-}" ]; then
      fail "BUILD_IMAGE / RUNTIME_IMAGE were given but cannot be pulled"
    else
      base=local
    fi ;;
  local) ;;
  *) fail "BASE_IMAGES=$base: use auto, public or local" ;;
esac
if [ "$base" = local ]; then
  case "${JAVA_MAJOR:-21}" in
    21) suite=trixie ;;
    17) suite=bookworm ;;
    *) fail "JAVA_MAJOR=$JAVA_MAJOR: the local base images are made for 21 (trixie) or 17 (bookworm)" ;;
  esac
  step "local base images from Debian $suite (deploy/container/base-images.sh)"
  base_log=$(mktemp)
  trap 'rm -f "$base_log"' EXIT
  BASE_SUITE=$suite BASE_JAVA=${JAVA_MAJOR:-21} CONTAINER_ENGINE=$engine \
    "$root/deploy/container/base-images.sh" | tee "$base_log"
  args_line=$(tail -n 1 "$base_log")
  build_image=$(sed -n 's/.*BUILD_IMAGE=\([^ ]*\).*/\1/p' <<<"$args_line")
  runtime_image=$(sed -n 's/.*RUNTIME_IMAGE=\([^ ]*\).*/\1/p' <<<"$args_line")
  if [ -z "$build_image" ] || [ -z "$runtime_image" ]; then
    fail "base-images.sh printed no build arguments"
  fi
fi

args=(build --tag "$tag" --file "$root/Dockerfile"
  --build-arg "BUILD_IMAGE=$build_image" --build-arg "RUNTIME_IMAGE=$runtime_image")
[ -n "${JAVA_MAJOR:-}" ] && args+=(--build-arg "JAVA_MAJOR=$JAVA_MAJOR")
if [ "$engine" = podman ]; then
  # Host networking for the build's downloads: it works wherever the machine itself can
  # download, whatever the state of podman's bridge network.
  args+=(--format docker --network host)
fi
step "$engine ${args[*]} $root"
build_started=$(now)
"$engine" "${args[@]}" "$root"
echo "built $tag in $(since "$build_started")s (total $(since "$started")s, $engine, base images $build_image and $runtime_image)"
echo "image size: $(image_mb "$tag") MB (runtime base $(image_mb "$runtime_image") MB)"
