#!/usr/bin/env bash
# Start-up: the time from exec to the first echo answered on Portico's echo listener (what a client
# waits for), and the CPU time the process used until then, for a plain `java -jar` start and for
# the start the container image uses: the jar extracted (java -Djarmode=tools extract) with a class
# archive made by one training run, as Spring Boot's documentation describes: a JDK AOT cache
# (JEP 483/515) on Java 24+, a dynamic CDS archive before that. Median of RUNS runs; loopback only;
# every server is stopped by PID (bench/first_echo.py).
#
#   bench/startup.sh                    # Temurin 25 if present, else `java`; RUNS=5
#   JAVA=/usr/lib/jvm/java-17-openjdk-amd64/bin/java RUNS=3 bench/startup.sh
#   bench/startup.sh --jsonl FILE       # also one JSON object per variant, for bench/compare.sh
#
# Environment: JAVA, RUNS (default 5), STARTUP_JAVA_OPTS (JVM options for every start, default
# none), SKIP_BUILD=1 (use target/portico.jar as built).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jsonl=
if [[ ${1:-} == --jsonl ]]; then
	jsonl=$2
fi
jar=$root/target/portico.jar
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[[ -x $java ]] || java=$(command -v java)
runs=${RUNS:-5}
python=$(python3 -c 'import sys; print(sys.executable)')
if [[ ${SKIP_BUILD:-0} != 1 && ! -f $jar ]]; then
	(cd "$root" && ./mvnw -q -B package -DskipTests)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/config/search-index.json" "$work/"
port=19281
args=(--server.port=19280 --server.address=127.0.0.1 --portico.search.index-file="$work/search-index.json"
	--portico.listeners.echo.type=echo --portico.listeners.echo.port=$port
	--portico.listeners.multiconn.type=multiconn --portico.listeners.multiconn.port=19282
	--portico.listeners.search.type=search --portico.listeners.search.port=19283
	--portico.listeners.udp.type=udp --portico.listeners.udp.port=19284
	--portico.listeners.echo.bind=127.0.0.1 --portico.listeners.multiconn.bind=127.0.0.1
	--portico.listeners.search.bind=127.0.0.1 --portico.listeners.udp.bind=127.0.0.1)
# STARTUP_JAVA_OPTS splits into options on purpose
read -r -a opts <<< "${STARTUP_JAVA_OPTS:-}"
feature=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
jdk=$("$java" -version 2>&1 | head -1)

once() { # once JVM-ARGS...: prints "first_echo_ms cpu_ms bound_ms"
	(cd "$work" && "$python" "$root/bench/first_echo.py" --port $port --log "$work/run.log" -- \
		"$java" "${opts[@]}" "$@" "${args[@]}") \
		| "$python" -c 'import json,sys; r=json.load(sys.stdin); print(r["firstEchoMs"], r["cpuMs"], r["boundMs"])'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() { # measure LABEL JVM-ARGS...
	local label=$1
	shift
	local echoes=() cpus=() bounds=()
	for _ in $(seq "$runs"); do
		read -r echo_ms cpu bound < <(once "$@")
		echoes+=("$echo_ms")
		cpus+=("$cpu")
		bounds+=("$bound")
	done
	local e c b
	e=$(printf '%s\n' "${echoes[@]}" | median)
	c=$(printf '%s\n' "${cpus[@]}" | median)
	b=$(printf '%s\n' "${bounds[@]}" | median)
	printf '| %s | %s ms | %s ms | %s ms | %s |\n' "$label" "$e" "$b" "$c" "$(printf '%s ' "${echoes[@]}")"
	if [[ -n $jsonl ]]; then
		printf '{"test": "start-up", "server": "%s", "jdk": "%s", "exit": 0, "result": {"firstEchoMs": %s, "boundMs": %s, "cpuMs": %s, "runs": %s}}\n' \
			"$label" "$feature" "$e" "${b:-null}" "$c" "$runs" >> "$jsonl"
	fi
}

echo "JDK: $jdk  |  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  |  load $(cut -d' ' -f1-3 /proc/loadavg)  |  JVM options: ${STARTUP_JAVA_OPTS:-none}"
echo
echo "| start-up (median of $runs) | exec to first echo answered | listeners bound (JVM uptime) | CPU used until the echo | each run, first echo |"
echo "|---|---|---|---|---|"
measure "plain jar (java -jar portico.jar)" -jar "$jar"

# The container's layout: the jar extracted, then one training run that ends when the context has
# refreshed (spring.context.exit=onRefresh) and leaves the archive behind.
"$java" -Djarmode=tools -jar "$jar" extract --destination "$work/app" > /dev/null
train=(-Dspring.context.exit=onRefresh -jar "$work/app/portico.jar" "${args[@]}")
if (( feature >= 24 )); then
	(cd "$work" && "$java" "${opts[@]}" -XX:AOTCacheOutput="$work/app/portico.aot" "${train[@]}") > "$work/train.log" 2>&1
	measure "extracted jar + AOT cache" -XX:AOTCache="$work/app/portico.aot" -jar "$work/app/portico.jar"
else
	(cd "$work" && "$java" "${opts[@]}" -XX:ArchiveClassesAtExit="$work/app/portico.jsa" "${train[@]}") > "$work/train.log" 2>&1
	measure "extracted jar + CDS archive" -XX:SharedArchiveFile="$work/app/portico.jsa" -jar "$work/app/portico.jar"
fi
