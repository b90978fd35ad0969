#!/usr/bin/env bash
# Start-up time: JVM start to every listener bound, as Portico logs it ("N listener(s) bound
# X ms after the JVM started"), with the CPU time the process used until then (utime+stime
# from /proc/PID/stat). Compares the plain jar with the extracted jar plus a JDK AOT cache
# (JEP 483, Java 24+) made by one training run. Loopback only; each run is stopped by PID.
#
#   bench/startup.sh            (after ./mvnw -DskipTests package; RUNS=5 by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/target/portico.jar
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[[ -x $java ]] || java=$(command -v java)
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/config/search-index.json" "$work/"
args=(--server.port=19280 --portico.search.index-file="$work/search-index.json"
	--portico.listeners.echo.type=echo --portico.listeners.echo.port=19281
	--portico.listeners.multiconn.type=multiconn --portico.listeners.multiconn.port=19282
	--portico.listeners.search.type=search --portico.listeners.search.port=19283
	--portico.listeners.udp.type=udp --portico.listeners.udp.port=19284
	--portico.listeners.echo.bind=127.0.0.1 --portico.listeners.multiconn.bind=127.0.0.1
	--portico.listeners.search.bind=127.0.0.1 --portico.listeners.udp.bind=127.0.0.1
	--server.address=127.0.0.1 --spring.config.location=classpath:/application.yml)
ticks=$(getconf CLK_TCK)

once() {   # once JVM-OPTIONS... -- JAR: prints "wall_ms cpu_ms"
	local log=$work/run.log pid cpu
	"$java" "$@" "${args[@]}" > "$log" 2>&1 &
	pid=$!
	for _ in $(seq 1200); do
		grep -q "listener(s) bound" "$log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	cpu=$(awk -v t="$ticks" '{print int(($14 + $15) * 1000 / t)}' "/proc/$pid/stat" 2>/dev/null || echo 0)
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	echo "$(grep -o 'bound [0-9]* ms' "$log" | awk '{print $2}') $cpu"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {   # measure LABEL JVM-ARGS...
	local label=$1; shift
	local walls=() cpus=()
	for _ in $(seq "$runs"); do
		read -r wall cpu < <(once "$@")
		walls+=("$wall"); cpus+=("$cpu")
	done
	printf '| %s | %s ms | %s ms |\n' "$label" "$(printf '%s\n' "${walls[@]}" | median)" \
		"$(printf '%s\n' "${cpus[@]}" | median)"
}

echo "JDK: $("$java" -version 2>&1 | head -1)  |  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  |  load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| start-up (median of $runs) | JVM start to listeners bound | CPU used until then |"
echo "|---|---|---|"
measure "java -jar portico.jar" -jar "$jar"
"$java" -Djarmode=tools -jar "$jar" extract --destination "$work/app" > /dev/null
if "$java" -XX:AOTCacheOutput="$work/app/portico.aot" -Dspring.context.exit=onRefresh \
		-jar "$work/app/portico.jar" "${args[@]}" > "$work/train.log" 2>&1 && [[ -f $work/app/portico.aot ]]; then
	measure "extracted jar + AOT cache" -XX:AOTCache="$work/app/portico.aot" -jar "$work/app/portico.jar"
	measure "extracted jar + AOT cache, C1 only, Serial GC" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
		-XX:AOTCache="$work/app/portico.aot" -jar "$work/app/portico.jar"
else
	echo "(no AOT cache: this JDK does not support -XX:AOTCacheOutput; Java 24+ does)"
fi
