#!/usr/bin/env bash
# Soak Portico for a while (default 10 minutes) with the mixed workload of SoakIntegrationTests:
# echo streams, multiconn echoes with REST pushes and broadcasts, search with and without
# keep-alive, UDP, REST polling, and a stop/start of the echo listener every 30 s; loopback only.
# Usage: bench/soak.sh [duration]   e.g. bench/soak.sh 10m, bench/soak.sh 90s
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10m}"
log="$(mktemp -t portico-soak.XXXXXX.log)"
echo "Soaking for ${duration}; full output in ${log}"
status=0
# The soak is tagged "slow", so it runs in Failsafe's phase of verify (Surefire runs nothing here:
# -Dtest matches no test). Maven passes -D user properties on to the forked test JVM as system
# properties.
nice -n 10 ./mvnw -q -B verify -Dtest=NoTestHere -Dsurefire.failIfNoSpecifiedTests=false \
	-Dit.test=SoakIntegrationTests -Dfailsafe.failIfNoSpecifiedTests=false \
	-Dportico.soak.duration="${duration}" >"${log}" 2>&1 || status=$?
grep -E '^SOAK' "${log}" || echo "no summary: see ${log}"
grep -E 'Tests run:|FAIL' "${log}" | tail -3 || true
exit "${status}"
