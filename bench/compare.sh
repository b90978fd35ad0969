#!/usr/bin/env bash
# Portico measured against Netty's EchoServer and the tutorial-style Python `selectors` servers:
# one run, one machine, loopback only, the same verifying load generator (java -jar portico.jar
# bench, always on the newest JDK) for every server. Covers every goal of docs/performance.md:
# echo and multiconn at 100 and 1,000 connections, 10,000 held connections, search with keep-alive
# and with one request per connection, start-up, and TLS echo and handshakes against Netty's
# SslHandler echo (the JDK's TLS provider on both sides, a test certificate made with openssl for
# the run); on each JDK in JDKS (the servers run on it, Netty on the same JDK as Portico), then one
# table with the goals checked (bench/table.py).
#
#   bench/compare.sh             # full run, about 10 minutes
#   bench/compare.sh --quick     # every goal, shorter windows, Java 17 only for the held
#                                # connections and the 100/1,000 echo: meant for under 3 minutes
#                                # on a quiet machine (304 s on a busy one)
#
# Environment: JDKS (Java homes, default Temurin 25 then the system Java 17), DUR (measured window
# per run, default 5s), WARM (warm-up, default 5s: the JIT needs it on a busy machine), SEARCH_WARM
# (warm-up of the search runs, default 15s), TLS_WARM (warm-up of the TLS runs, default 10s: 100
# handshakes in a cold JVM take seconds), HOLD_CONNS
# (default 10000), HOLD_DUR (default 10s), HOLD_WARM (default 5s), STARTUP_RUNS (default 3),
# SERVER_JAVA_OPTS (both JVM servers, default -Xmx256m), SKIP_BUILD=1 (use the jars already built),
# OUT (results directory, default bench/results/<time>), MAX_SECONDS (runs not started after this
# many seconds are skipped, default 1200).
# Ports used: 17001-17006 and 17080 (Portico), 17100-17101 (Netty), 17200-17202 (Python), 19280-19284
# (start-up).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
QUICK=0
if [[ ${1:-} == --quick ]]; then
	QUICK=1
fi
T25=/usr/lib/jvm/temurin-25-jdk-amd64
T17=/usr/lib/jvm/java-17-openjdk-amd64
if (( QUICK )); then
	DUR=${DUR:-2s}
	WARM=${WARM:-3s}
	SEARCH_WARM=${SEARCH_WARM:-8s}
	HOLD_DUR=${HOLD_DUR:-3s}
	HOLD_WARM=${HOLD_WARM:-3s}
	STARTUP_RUNS=${STARTUP_RUNS:-1}
else
	DUR=${DUR:-5s}
	WARM=${WARM:-5s}
	SEARCH_WARM=${SEARCH_WARM:-15s}
	HOLD_DUR=${HOLD_DUR:-10s}
	HOLD_WARM=${HOLD_WARM:-5s}
	STARTUP_RUNS=${STARTUP_RUNS:-3}
fi
HOLD_CONNS=${HOLD_CONNS:-10000}
TLS_WARM=${TLS_WARM:-10s}
MAX_SECONDS=${MAX_SECONDS:-1200}
if [[ -z ${JDKS:-} ]]; then
	JDKS=""
	[[ -x $T25/bin/java ]] && JDKS="$T25"
	[[ -x $T17/bin/java ]] && JDKS="$JDKS $T17"
	[[ -n $JDKS ]] || JDKS=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
fi
OUT=${OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RESULTS=$OUT/results.jsonl
: > "$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# The generator runs on the newest JDK given, the same for every server.
GEN_JAVA=$(for j in $JDKS; do echo "$j/bin/java"; done | head -1)
# The interpreter itself, not a version-manager shim, so that $! is the server's own PID.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

# 10,000 held connections need 10,000+ descriptors in the server and in the generator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < HOLD_CONNS + 1000 )); then
	echo "compare: ulimit -n is $(ulimit -n); holding $HOLD_CONNS connections may fail" >&2
fi

PIDS=()
stop_servers() {
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	PIDS=()
}
trap stop_servers EXIT INT TERM

log() { echo "compare: $*" >&2; }

# --- build ---------------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	log "building Portico and the Netty peer"
	./mvnw -q -B package -DskipTests
	./mvnw -q -B -f bench/netty-echo/pom.xml package
fi
PORTICO_JAR=$ROOT/target/portico.jar
NETTY_JAR=$ROOT/bench/netty-echo/target/netty-echo.jar
BENCH=("$GEN_JAVA" -jar "$PORTICO_JAR" bench)

wait_tcp() { # port seconds
	local deadline=$((SECONDS + $2))
	until ss -Hltn "sport = :$1" | grep -q .; do
		if (( SECONDS >= deadline )); then
			log "nothing listening on $1 after $2 s"
			return 1
		fi
		sleep 0.2
	done
}

# --- a test certificate for the TLS runs ----------------------------------------------------------
TLS=0
if command -v openssl >/dev/null; then
	mkdir -p "$OUT/tls"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-keyout "$OUT/tls/key.pem" -out "$OUT/tls/cert.pem" -subj /CN=localhost \
		-addext subjectAltName=IP:127.0.0.1,DNS:localhost 2> "$OUT/tls/openssl.log" && TLS=1
fi
(( TLS )) || log "no openssl: TLS runs skipped"

# --- servers -------------------------------------------------------------------------------------
# The same heap cap for both JVM servers, as a container's memory limit would set it: without
# one the JVM may grow its heap to a quarter of the machine's memory, and RSS with it.
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xmx256m}
declare -A PID_OF
start_portico() { # java
	local java=$1
	local args=(--server.port=17080 --server.address=127.0.0.1
		--portico.listeners.echo.type=echo --portico.listeners.echo.port=17001
		--portico.listeners.echo.bind=127.0.0.1 --portico.listeners.echo.max-connections=12000
		--portico.listeners.multiconn.type=multiconn --portico.listeners.multiconn.port=17002
		--portico.listeners.multiconn.bind=127.0.0.1 --portico.listeners.multiconn.max-connections=12000
		--portico.listeners.echo.max-connections-per-ip=0 --portico.listeners.multiconn.max-connections-per-ip=0
		--portico.listeners.search.max-connections-per-ip=0 --portico.listeners.search-ka.max-connections-per-ip=0
		--portico.max-connections=30000
		--portico.listeners.udp.type=udp --portico.listeners.udp.port=17004
		--portico.listeners.udp.bind=127.0.0.1 --portico.listeners.udp.reply=echo
		--portico.listeners.udp.reply-rate-per-source=0
		--portico.listeners.search.type=search --portico.listeners.search.port=17003
		--portico.listeners.search.bind=127.0.0.1
		--portico.listeners.search-ka.type=search --portico.listeners.search-ka.port=17005
		--portico.listeners.search-ka.bind=127.0.0.1 --portico.listeners.search-ka.keep-alive=true)
	if (( TLS )); then
		args+=(--spring.ssl.bundle.pem.bench.keystore.certificate="file:$OUT/tls/cert.pem"
			--spring.ssl.bundle.pem.bench.keystore.private-key="file:$OUT/tls/key.pem"
			--portico.listeners.echo-tls.type=echo --portico.listeners.echo-tls.port=17006
			--portico.listeners.echo-tls.bind=127.0.0.1 --portico.listeners.echo-tls.max-connections=12000
			--portico.listeners.echo-tls.max-connections-per-ip=0 --portico.listeners.echo-tls.ssl.bundle=bench)
	fi
	# A copy of the default index, so nothing the run does can touch the repository's file.
	cp "$ROOT/config/search-index.json" "$OUT/search-index.json"
	args+=(--portico.search.index-file="$OUT/search-index.json")
	# Started from the results directory so no config/application.yml is read: every listener is
	# defined above, on loopback, on 17xxx ports.
	# shellcheck disable=SC2086 # SERVER_JAVA_OPTS splits into options
	(cd "$OUT" && exec "$java" $SERVER_JAVA_OPTS -jar "$PORTICO_JAR" "${args[@]}") >> "$OUT/portico.log" 2>&1 &
	PID_OF[portico]=$!
	PIDS+=($!)
	wait_tcp 17001 120 && wait_tcp 17005 30
}
start_netty() { # java
	# shellcheck disable=SC2086 # SERVER_JAVA_OPTS splits into options
	local tls=()
	(( TLS )) && tls=(--tls-port 17101 --cert "$OUT/tls/cert.pem" --key "$OUT/tls/key.pem")
	"$1" $SERVER_JAVA_OPTS -jar "$NETTY_JAR" 17100 127.0.0.1 "${tls[@]}" >> "$OUT/netty.log" 2>&1 &
	PID_OF[netty]=$!
	PIDS+=($!)
	wait_tcp 17100 30
}
start_python() {
	"$PYTHON" "$ROOT/bench/python/echo_server.py" --port 17200 > "$OUT/python.log" 2>&1 &
	PID_OF[python]=$!
	PIDS+=($!)
	"$PYTHON" "$ROOT/bench/python/echo_server.py" --port 17201 --udp > "$OUT/python-udp.log" 2>&1 &
	PID_OF[python-udp]=$!
	PIDS+=($!)
	# The tutorial's application server (libserver.py's protocol, one request per connection).
	"$PYTHON" "$ROOT/src/test/python/reference_server.py" 127.0.0.1 17202 --quiet > "$OUT/python-app.log" 2>&1 &
	PID_OF[python-app]=$!
	PIDS+=($!)
	wait_tcp 17200 30 && wait_tcp 17202 30
}

# --- runs ----------------------------------------------------------------------------------------
# run JDK TEST SERVER PID MODE [bench options...]: one bench run, its JSON appended to results.jsonl.
run() {
	local jdk=$1 test=$2 server=$3 pid=$4 mode=$5
	shift 5
	local name="${test// /_}-$server-$jdk"
	if (( SECONDS - T0 > MAX_SECONDS )); then
		log "$test on $server (Java $jdk) skipped: the run has used its $MAX_SECONDS s"
		echo "{\"test\": \"$test\", \"server\": \"$server\", \"jdk\": \"$jdk\", \"exit\": -1, \"result\": null}" >> "$RESULTS"
		return
	fi
	log "$test on $server (Java $jdk)"
	local rc=0
	# Each run ends by itself after warm-up + window; the timeout only guards against a hang.
	timeout -k 5 180 "${BENCH[@]}" "$mode" --json --server-pid "$pid" "$@" \
		> "$OUT/$name.json" 2> "$OUT/$name.log" || rc=$?
	local json
	json=$(tail -1 "$OUT/$name.json")
	[[ -n "$json" ]] || json=null
	echo "{\"test\": \"$test\", \"server\": \"$server\", \"jdk\": \"$jdk\", \"exit\": $rc, \"result\": $json}" >> "$RESULTS"
}

T0=$SECONDS
FIRST=1
for home in $JDKS; do
	java=$home/bin/java
	jdk=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
	# The Python peers once (they do not depend on the JDK); Java 17 gets the goals' runs only in
	# quick mode.
	full_pass=$(( FIRST || !QUICK ))
	start_portico "$java"
	start_netty "$java"
	if (( FIRST )); then
		start_python
	fi
	log "Java $jdk: servers up after $((SECONDS - T0)) s"
	targets=("portico-echo 17001 ${PID_OF[portico]}" "portico-multiconn 17002 ${PID_OF[portico]}"
		"netty 17100 ${PID_OF[netty]}")
	if (( FIRST && !QUICK )); then
		targets+=("python 17200 ${PID_OF[python]}")
	fi
	# Held connections first, so each server's peak RSS is that of the hold, not of an earlier run.
	for target in "${targets[@]}"; do
		read -r label port pid <<< "$target"
		run "$jdk" "hold $HOLD_CONNS" "$label" "$pid" hold --port "$port" --conns "$HOLD_CONNS" \
			--duration "$HOLD_DUR" --warmup "$HOLD_WARM" --timeout 5s
	done
	counts="100 1000"
	if (( FIRST && !QUICK )); then
		counts="1 100 1000"
	fi
	for conns in $counts; do
		for target in "${targets[@]}"; do
			read -r label port pid <<< "$target"
			run "$jdk" "echo 64B x$conns" "$label" "$pid" echo --port "$port" --conns "$conns" --size 64 \
				--duration "$DUR" --warmup "$WARM"
		done
	done
	if (( full_pass )); then
		# The search path (JSON parsing and writing) is far more code for the JIT than an echo:
		# with other work on the machine, a short warm-up measures it half interpreted.
		run "$jdk" "search keep-alive x100" portico-search "${PID_OF[portico]}" search --keep-alive \
			--port 17005 --conns 100 --duration "$DUR" --warmup "$SEARCH_WARM"
		run "$jdk" "search per-connection x100" portico-search "${PID_OF[portico]}" search --port 17003 \
			--conns 100 --duration "$DUR" --warmup "$SEARCH_WARM"
	fi
	if (( full_pass && TLS )); then
		# TLS: echo at 100 connections, then handshakes per second (a new connection and a full
		# handshake per message); the generator's half of a handshake costs about as much as the
		# server's, so two generator threads let the server set the pace.
		for target in "portico-echo-tls 17006 ${PID_OF[portico]}" "netty 17101 ${PID_OF[netty]}"; do
			read -r label port pid <<< "$target"
			run "$jdk" "tls echo 64B x100" "$label" "$pid" echo --port "$port" --conns 100 --size 64 \
				--tls --ca "$OUT/tls/cert.pem" --duration "$DUR" --warmup "$TLS_WARM"
		done
		for target in "portico-echo-tls 17006 ${PID_OF[portico]}" "netty 17101 ${PID_OF[netty]}"; do
			read -r label port pid <<< "$target"
			run "$jdk" "tls handshakes x10" "$label" "$pid" connect --port "$port" --conns 10 --size 64 \
				--threads 2 --tls --ca "$OUT/tls/cert.pem" --duration "$DUR" --warmup "$TLS_WARM"
		done
	fi
	if (( FIRST )); then
		run "$jdk" "search per-connection x100" python-app "${PID_OF[python-app]}" search --port 17202 \
			--conns 100 --duration "$DUR" --warmup "$SEARCH_WARM"
	fi
	if (( FIRST && !QUICK )); then
		for target in "${targets[@]}"; do
			read -r label port pid <<< "$target"
			run "$jdk" "stream 16KiB x10" "$label" "$pid" stream --port "$port" --conns 10 --size 16384 \
				--duration "$DUR" --warmup "$WARM"
		done
		run "$jdk" "udp 64B x50" portico-udp "${PID_OF[portico]}" udp --port 17004 --conns 50 --size 64 \
			--duration "$DUR" --warmup "$WARM"
		run "$jdk" "udp 64B x50" python-udp "${PID_OF[python-udp]}" udp --port 17201 --conns 50 --size 64 \
			--duration "$DUR" --warmup "$WARM"
	fi
	stop_servers
	if (( full_pass )); then
		log "Java $jdk: start-up"
		JAVA=$java RUNS=$STARTUP_RUNS SKIP_BUILD=1 bash "$ROOT/bench/startup.sh" --jsonl "$RESULTS" \
			> "$OUT/startup-$jdk.md" 2> "$OUT/startup-$jdk.log" || log "start-up on Java $jdk failed: see $OUT"
	fi
	FIRST=0
done
log "all runs done in $((SECONDS - T0)) s; servers stopped"

# --- one table -----------------------------------------------------------------------------------
{
	echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), bench/compare.sh$( ((QUICK)) && echo ' --quick'), $((SECONDS - T0)) s."
	for home in $JDKS; do
		echo "JDK: $("$home/bin/java" -version 2>&1 | head -1)"
	done
	echo "Server JVM options: ${SERVER_JAVA_OPTS:-none}  |  generator: $("$GEN_JAVA" -version 2>&1 | head -1)  |  Python: $("$PYTHON" --version 2>&1)"
	echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr); load average before the run: $LOAD_BEFORE"
	echo "Generator and servers share these CPUs; loopback; window $DUR after $WARM warm-up (hold: $HOLD_DUR after $HOLD_WARM)."
	echo
	"$PYTHON" "$ROOT/bench/table.py" "$RESULTS"
} | tee "$OUT/table.md"
log "results in $OUT"
