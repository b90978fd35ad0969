#!/usr/bin/env bash
# The Redis and HAProxy images of the compose file's cluster profile, for a machine that may
# reach no container registry:
#
#   deploy/container/cluster-images.sh       (as root when the local images must be made)
#
# Uses the public images the compose file names (redis:7.2, haproxy:2.6) when they are here or
# can be pulled; otherwise builds equivalent ones from Debian packages on the minbase image of
# deploy/container/base-images.sh (made first if missing): localhost/portico-base/redis:<suite>
# and localhost/portico-base/haproxy:<suite> (base/redis.Containerfile, base/haproxy.Containerfile).
# Idempotent: the engine's layer cache makes a second run take seconds.
#
# Prints, as its last line, the compose variables that select them:
#   REDIS_IMAGE=... HAPROXY_IMAGE=...
#
# Environment: CLUSTER_IMAGES (auto, public or local), BASE_SUITE (trixie), CONTAINER_ENGINE,
# PULL_TIMEOUT (seconds, 120).
set -euo pipefail
# shellcheck source=deploy/container/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

pick_engine
suite=${BASE_SUITE:-trixie}
debian_image=localhost/portico-base/debian:$suite
redis_public=redis:7.2
haproxy_public=haproxy:2.6
mode=${CLUSTER_IMAGES:-auto}
started=$(now)

case "$mode" in
  auto | public)
    if available "$redis_public" && available "$haproxy_public"; then
      echo "cluster images: the public ones ($(since "$started")s)"
      echo "REDIS_IMAGE=$redis_public HAPROXY_IMAGE=$haproxy_public"
      exit 0
    fi
    [ "$mode" = public ] && fail "the public Redis and HAProxy images cannot be pulled (CLUSTER_IMAGES=public)" ;;
  local) ;;
  *) fail "CLUSTER_IMAGES=$mode: use auto, public or local" ;;
esac

if ! "$engine" image inspect "$debian_image" >/dev/null 2>&1; then
  step "no $debian_image yet: deploy/container/base-images.sh"
  BASE_SUITE=$suite CONTAINER_ENGINE=$engine "$root/deploy/container/base-images.sh" >/dev/null
fi
build_local() {   # build_local NAME: localhost/portico-base/NAME:<suite> from base/NAME.Containerfile
  local tag=localhost/portico-base/$1:$suite log
  local args=(build --tag "$tag" --file "$root/deploy/container/base/$1.Containerfile"
    --build-arg "DEBIAN_IMAGE=$debian_image")
  [ "$engine" = podman ] && args+=(--format docker --network host --pull=never)
  log=$(mktemp)
  step "$engine build $tag"
  "$engine" "${args[@]}" "$root/deploy/container/base" >"$log" 2>&1 \
    || { tail -n 40 "$log" >&2; rm -f "$log"; fail "building $tag failed"; }
  rm -f "$log"
  echo "$tag: $(image_mb "$tag") MB"
}
build_local redis
build_local haproxy
echo "cluster images from Debian $suite packages ($(since "$started")s)"
echo "REDIS_IMAGE=localhost/portico-base/redis:$suite HAPROXY_IMAGE=localhost/portico-base/haproxy:$suite"
