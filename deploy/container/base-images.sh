#!/usr/bin/env bash
# Makes local base images for the Dockerfile from Debian packages, for a machine that reaches a
# Debian mirror but no container registry (so the Temurin images cannot be pulled):
#
#   deploy/container/base-images.sh            (as root; needs debootstrap and podman or docker)
#
# It prints the two build arguments that use them, as its last line:
#   --build-arg BUILD_IMAGE=localhost/portico-base/jdk:21 --build-arg RUNTIME_IMAGE=localhost/portico-base/jre:21
# deploy/container/build.sh runs it by itself when the public images cannot be pulled.
#
# Images:
#   localhost/portico-base/debian:<suite>  debootstrap --variant=minbase, imported; without
#                                          documentation, man pages and translations (dpkg
#                                          excludes them for later installs too)
#   localhost/portico-base/jdk:<major>     + OpenJDK JDK (headless), wget, and the machine's CA
#                                          certificates (base/jdk.Containerfile)
#   localhost/portico-base/jre:<major>     + OpenJDK JRE (headless), wget (base/jre.Containerfile)
# Both Java images set JAVA_HOME=/opt/java/openjdk, as the Temurin images do.
#
# Idempotent and quick when nothing changed: the Debian image carries a label with a hash of its
# recipe (suite, mirror, this script) and is made again only when that changes; the Java images
# are ordinary cached builds (a change of the machine's CA certificates rebuilds the JDK image).
# BASE_REBUILD=1 makes everything afresh (new packages, security updates).
#
# Environment: BASE_SUITE (trixie: OpenJDK 21; bookworm: OpenJDK 17), BASE_JAVA (the suite's
# OpenJDK major), BASE_MIRROR (the machine's Debian mirror, from /etc/apt), CONTAINER_ENGINE.
set -euo pipefail
# shellcheck source=deploy/container/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

suite=${BASE_SUITE:-trixie}
case "$suite" in
  trixie) default_java=21 ;;
  bookworm) default_java=17 ;;
  *) default_java= ;;
esac
java_major=${BASE_JAVA:-$default_java}
[ -n "$java_major" ] || fail "BASE_SUITE=$suite: set BASE_JAVA to an OpenJDK major it packages"

# The Debian mirror apt uses on this machine (deb822 sources or the one-line format).
mirror=${BASE_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' \
    | grep -v -- '-security' | head -n 1 || true)
fi
if [ -z "$mirror" ]; then
  mirror=$(grep -h '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
    | grep -v -- '-security' | head -n 1 || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}

pick_engine
debian_image=localhost/portico-base/debian:$suite
jdk_image=localhost/portico-base/jdk:$java_major
jre_image=localhost/portico-base/jre:$java_major
here=$root/deploy/container
recipe=$( { echo "$suite $mirror"; cat "$here/base-images.sh"; } | sha256sum | cut -c1-16)
started=$(now)

# --- Debian minbase ------------------------------------------------------------------------------
have_recipe=
if [ "${BASE_REBUILD:-0}" != 1 ]; then
  have_recipe=$("$engine" image inspect --format '{{ index .Config.Labels "dev.portico.recipe" }}' \
    "$debian_image" 2>/dev/null || true)
fi
if [ "$have_recipe" = "$recipe" ]; then
  echo "$debian_image: up to date"
else
  [ "$(id -u)" -eq 0 ] || fail "debootstrap needs root"
  command -v debootstrap >/dev/null || fail "debootstrap is missing (apt-get install debootstrap)"
  rootfs=$(mktemp -d /var/tmp/portico-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  step "debootstrap --variant=minbase $suite from $mirror"
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
    || { tail -n 30 "$rootfs.log" >&2; rm -f "$rootfs.log"; fail "debootstrap failed"; }
  rm -f "$rootfs.log"
  # Smaller, as Debian's own container images are: no documentation (but the copyright files),
  # man pages or translations, now or from packages installed later; no package caches.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/90-portico-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*/LC_MESSAGES/*.mo
path-exclude /usr/share/lintian/*
CFG
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  # Directories stay: update-alternatives (OpenJDK's postinst) links man pages into man1/.
  find "$rootfs/usr/share/man" "$rootfs/usr/share/info" "$rootfs/usr/share/lintian" -not -type d -delete
  mkdir -p "$rootfs/usr/share/man/man1"
  find "$rootfs/usr/share/locale" -name '*.mo' -delete
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/root/.??*
  # The engine provides these at run time; the machine's own must not be in the image.
  rm -f "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
  # The suite with its updates and security archives, as the official images list them.
  rm -f "$rootfs/etc/apt/sources.list"
  security=
  case "$mirror" in
    */debian) security="

Types: deb
URIs: ${mirror}-security
Suites: ${suite}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" ;;
  esac
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg$security
SOURCES
  step "importing $debian_image"
  tar --numeric-owner -C "$rootfs" -c . | "$engine" import \
    --change "LABEL dev.portico.recipe=$recipe" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' - "$debian_image" >"$rootfs.log" 2>&1 \
    || { cat "$rootfs.log" >&2; rm -f "$rootfs.log"; fail "importing $debian_image failed"; }
  rm -f "$rootfs.log"
  rm -rf "$rootfs"
  trap - EXIT
fi

# --- The machine's CA certificates, for the JDK image ----------------------------------------------
# Those added the Debian way (/usr/local/share/ca-certificates) and any appended to the bundle
# by hand, that is, in /etc/ssl/certs/ca-certificates.crt but in no packaged certificate file.
context=$(mktemp -d /var/tmp/portico-base.XXXXXX)
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/build/ca-certificates"
if [ -d /usr/local/share/ca-certificates ]; then
  cp -R /usr/local/share/ca-certificates/. "$context/build/ca-certificates/"
fi
python3 - "$context/build/ca-certificates" <<'PY'
import glob, os, re, sys
pem = re.compile(r"-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----")
def certs(path):
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            return ["".join(c.split()) for c in pem.findall(f.read())]
    except OSError:
        return []
known = set()
for path in glob.glob("/usr/share/ca-certificates/**/*.crt", recursive=True) \
        + glob.glob("/usr/local/share/ca-certificates/**/*.crt", recursive=True):
    known.update(certs(path))
extra = [c for c in certs("/etc/ssl/certs/ca-certificates.crt") if c not in known]
for i, c in enumerate(extra):
    with open(os.path.join(sys.argv[1], f"bundle-extra-{i}.crt"), "w", encoding="ascii") as out:
        body = c[len("-----BEGIN CERTIFICATE-----"):-len("-----END CERTIFICATE-----")]
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        out.write("\n".join(["-----BEGIN CERTIFICATE-----", *lines, "-----END CERTIFICATE-----"]) + "\n")
PY
# Same bytes, same cache key: fixed times and modes.
find "$context/build/ca-certificates" -exec touch -d @0 {} + -exec chmod go+r {} +
echo "CA certificates for $jdk_image: $(find "$context/build/ca-certificates" -name '*.crt' | wc -l) from this machine"

# --- JDK and JRE images --------------------------------------------------------------------------
build_base() {   # build_base TAG CONTAINERFILE
  local args=(build --tag "$1" --file "$2" --build-arg "DEBIAN_IMAGE=$debian_image"
    --build-arg "JAVA_MAJOR=$java_major")
  if [ "$engine" = podman ]; then
    args+=(--format docker --network host --pull=never)
    [ "${BASE_REBUILD:-0}" = 1 ] && args+=(--no-cache)
  elif [ "${BASE_REBUILD:-0}" = 1 ]; then
    args+=(--no-cache)
  fi
  step "$engine build $1 ($(basename "$2"))"
  "$engine" "${args[@]}" "$context/build" >"$context/build.log" 2>&1 \
    || { tail -n 40 "$context/build.log" >&2; fail "building $1 failed"; }
}
build_base "$jdk_image" "$here/base/jdk.Containerfile"
build_base "$jre_image" "$here/base/jre.Containerfile"

echo "base images ready in $(since "$started")s: $debian_image $(image_mb "$debian_image") MB," \
  "$jdk_image $(image_mb "$jdk_image") MB, $jre_image $(image_mb "$jre_image") MB"
echo "--build-arg BUILD_IMAGE=$jdk_image --build-arg RUNTIME_IMAGE=$jre_image"
