#!/usr/bin/env bash
# Cluster mode figures (docs/cluster.md, docs/performance.md), loopback only:
#   1. search requests/s on one replica with cluster mode off, then on (Redis running): reads
#      come from the in-memory copy either way, so the goal is on/off >= 0.95. Runs alternate
#      off/on RUNS times; medians are compared.
#   2. write-to-answer latency: PUT through replica A's API, then ask replica B's search port
#      until it answers the new value; p50/p99 over WRITES writes (bench/cluster_latency.py).
#
#   ./mvnw -DskipTests package && bench/cluster.sh      (RUNS=3 DURATION=10s CONNS=50 WRITES=1000)
#
# Needs redis-server (apt-get install redis-server), or takes the one inside the embedded-redis
# test jar in ~/.m2. Every process it starts is stopped by PID on exit. Do not run it on a busy
# machine: the figures would say more about the neighbours than about Portico.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/target/portico.jar
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[[ -x $java ]] || java=$(command -v java)
runs=${RUNS:-3}
duration=${DURATION:-10s}
conns=${CONNS:-50}
writes=${WRITES:-1000}
[[ -f $jar ]] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

redis_server=${REDIS_SERVER:-$(command -v redis-server || true)}
if [[ -z $redis_server ]]; then
	embedded=$(find "$HOME/.m2/repository/com/github/codemonstur/embedded-redis" -name '*.jar' | head -1)
	[[ -n $embedded ]] || { echo "no redis-server: apt-get install redis-server" >&2; exit 2; }
	(cd "$work" && unzip -q -o "$embedded" redis-server-6.2.6-v5-linux-amd64)
	redis_server=$work/redis-server-6.2.6-v5-linux-amd64
	chmod +x "$redis_server"
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
"$redis_server" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
pids+=($!)

start_portico() {   # start_portico NAME CLUSTER(true|false) -> sets http_port search_port pid
	local name=$1 cluster=$2
	http_port=$(free_port)
	search_port=$(free_port)
	mkdir -p "$work/$name"
	"$java" -Xmx512m -jar "$jar" --server.port="$http_port" --server.address=127.0.0.1 \
		--spring.config.location=classpath:/application.yml \
		--portico.listeners.echo.port=0 --portico.listeners.multiconn.port=0 --portico.listeners.udp.port=0 \
		--portico.listeners.search.port="$search_port" --portico.listeners.search.keep-alive=true \
		--portico.listeners.echo.bind=127.0.0.1 --portico.listeners.multiconn.bind=127.0.0.1 \
		--portico.listeners.search.bind=127.0.0.1 --portico.listeners.udp.bind=127.0.0.1 \
		--portico.search.data-dir="$work/$name" --portico.api.password=bench \
		--portico.cluster.enabled="$cluster" --portico.cluster.instance-id="$name" \
		--spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$redis_port" \
		> "$work/$name.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	for _ in $(seq 1200); do
		if curl -fs "http://127.0.0.1:$http_port/actuator/health/readiness" > /dev/null 2>&1; then
			if [[ $cluster == false ]] || curl -fs "http://127.0.0.1:$http_port/actuator/health" | python3 -c \
				'import json, sys; sys.exit(json.load(sys.stdin)["components"]["cluster"]["status"] != "UP")' 2> /dev/null; then
				return 0
			fi
		fi
		kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
		sleep 0.1
	done
	echo "$name did not become ready:" >&2; curl -s "http://127.0.0.1:$http_port/actuator/health" >&2; tail -5 "$work/$name.log" >&2
	exit 1
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
off=(); on=()
for run in $(seq "$runs"); do
	for cluster in false true; do
		start_portico "bench-$cluster-$run" "$cluster"
		rate=$("$java" -jar "$jar" bench search --port "$search_port" --keep-alive --conns "$conns" \
			--duration "$duration" --warmup 2s --json 2> /dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["msgPerSec"])')
		stop "$pid"
		echo "run $run cluster=$cluster: $rate search req/s"
		if [[ $cluster == true ]]; then on+=("$rate"); else off+=("$rate"); fi
	done
done
off_median=$(printf '%s\n' "${off[@]}" | median)
on_median=$(printf '%s\n' "${on[@]}" | median)
echo "search req/s, median of $runs: cluster off $off_median, on $on_median, on/off $(python3 -c "print(round($on_median/$off_median, 3))")"

start_portico replica-a true; a_http=$http_port
start_portico replica-b true; b_search=$search_port
echo "write on replica-a, answer on replica-b's search port:"
python3 "$root/bench/cluster_latency.py" "$a_http" "$b_search" --writes "$writes" --password bench
