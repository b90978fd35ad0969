#!/usr/bin/env bash
# Installs and configures what the container scripts need on a Debian machine with no Docker
# engine, as root:
#
#   deploy/container/install-podman.sh
#
# Packages (only those missing): podman, runc, debootstrap (local base images), prometheus
# (deploy/container/prometheus-check.sh), python3-yaml, curl; docker-compose and CNI's dnsname
# plugin (containers find each other by name) for test.sh --cluster.
# Configuration: /etc/containers/containers.conf.d/50-portico.conf, a drop-in read after
# containers.conf, so nothing of the machine's own file is overwritten:
#   runtime = "runc"        the runtime tested on these machines (cgroup v1, no systemd)
#   default_ulimits         podman's defaults ask for more than is permitted here ("error
#                           setting rlimit type 7: operation not permitted" on every run)
#   cgroup_manager, events_logger: cgroupfs and a file, as there is no systemd
# Idempotent: a second run changes nothing and takes about a second.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "install-podman.sh: run as root" >&2; exit 1; }
command -v apt-get >/dev/null || { echo "install-podman.sh: needs apt-get (Debian)" >&2; exit 1; }

missing=()
for pkg in podman runc debootstrap prometheus python3-yaml curl docker-compose \
    golang-github-containernetworking-plugin-dnsname; do
  dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get"
  # Other jobs on the machine may hold the dpkg lock for a while: wait for it.
  apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

conf=/etc/containers/containers.conf.d/50-portico.conf
want='# Written by deploy/container/install-podman.sh (Portico).
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"'
if [ "$(cat "$conf" 2>/dev/null)" != "$want" ]; then
  mkdir -p "$(dirname "$conf")"
  printf '%s\n' "$want" >"$conf"
  echo "wrote $conf"
fi
podman info --format 'podman {{.Version.Version}}: runtime {{.Host.OCIRuntime.Name}}, cgroups {{.Host.CgroupsVersion}} ({{.Host.CgroupManager}}), storage {{.Store.GraphDriverName}}'
