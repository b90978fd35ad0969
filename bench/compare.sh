#!/usr/bin/env bash
# Portico measured against Netty's EchoServer and a Python selectors echo server: one run, one
# machine, loopback only, the same verifying load generator (java -jar target/portico.jar bench) for all.
# TLS echo and TLS handshakes are measured against the same Netty server with SslHandler on a second
# port (the JDK's TLS provider on both sides; a test certificate made with openssl for the run).
#
#   bench/compare.sh                 # full run, about 5 minutes
#   DUR=1s WARM=1s HOLD_CONNS=1000 bench/compare.sh    # a quick check of the script itself
#
# Environment: DUR (measured window per run, default 5s), WARM (warm-up, default 2s), TLS_WARM
# (warm-up of the TLS runs, default 10s: 100 handshakes in a cold JVM take seconds),
# HOLD_CONNS (default 10000), HOLD_DUR (default 10s), SKIP_BUILD=1 (use the jars already built),
# MAX_SECONDS (runs not started after this many seconds of measuring are skipped, default 480),
# SERVERS (default "portico netty python"), OUT (results directory, default bench/results/<time>).
# Ports used: 17001-17006 and 17080 (Portico), 17100-17101 (Netty), 17200-17201 (Python).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
DUR=${DUR:-5s}
WARM=${WARM:-2s}
HOLD_CONNS=${HOLD_CONNS:-10000}
HOLD_DUR=${HOLD_DUR:-10s}
HOLD_WARM=${HOLD_WARM:-5s}
TLS_WARM=${TLS_WARM:-10s}
SERVERS=${SERVERS:-portico netty python}
MAX_SECONDS=${MAX_SECONDS:-480}
OUT=${OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RESULTS=$OUT/results.jsonl
: > "$RESULTS"

if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
	JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
else
	JAVA=$(command -v java)
fi
# The interpreter itself, not a version-manager shim, so that $! is the server's own PID.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

# 10,000 held connections need 10,000+ descriptors in the server and in the generator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < HOLD_CONNS + 1000 )); then
	echo "compare: ulimit -n is $(ulimit -n); holding $HOLD_CONNS connections may fail" >&2
fi

PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT INT TERM

log() { echo "compare: $*" >&2; }

# --- build ---------------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	log "building Portico and the Netty peer"
	./mvnw -q -B package -DskipTests
	./mvnw -q -B -f bench/netty-echo/pom.xml package
fi
PORTICO_JAR=$ROOT/target/portico.jar
NETTY_JAR=$ROOT/bench/netty-echo/target/netty-echo.jar
BENCH=("$JAVA" -jar "$PORTICO_JAR" bench)

# Search listeners only when this build has them.
HAS_SEARCH=0
if "$PYTHON" - "$PORTICO_JAR" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
sys.exit(0 if any(n.startswith("BOOT-INF/classes/dev/portico/search/") for n in names) else 1)
PY
then
	HAS_SEARCH=1
fi

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
start_portico() {
	local args=(--server.port=17080 --server.address=127.0.0.1 --spring.main.banner-mode=off
		--portico.listeners.echo.type=echo --portico.listeners.echo.port=17001
		--portico.listeners.echo.bind=127.0.0.1 --portico.listeners.echo.max-connections=12000
		--portico.listeners.multiconn.type=multiconn --portico.listeners.multiconn.port=17002
		--portico.listeners.multiconn.bind=127.0.0.1 --portico.listeners.multiconn.max-connections=12000
		--portico.listeners.echo.max-connections-per-ip=0 --portico.listeners.multiconn.max-connections-per-ip=0
		--portico.max-connections=30000
		--portico.listeners.udp.type=udp --portico.listeners.udp.port=17004
		--portico.listeners.udp.bind=127.0.0.1 --portico.listeners.udp.reply=echo
		--portico.listeners.udp.reply-rate-per-source=0)
	if (( TLS )); then
		args+=(--spring.ssl.bundle.pem.bench.keystore.certificate="file:$OUT/tls/cert.pem"
			--spring.ssl.bundle.pem.bench.keystore.private-key="file:$OUT/tls/key.pem"
			--portico.listeners.echo-tls.type=echo --portico.listeners.echo-tls.port=17006
			--portico.listeners.echo-tls.bind=127.0.0.1 --portico.listeners.echo-tls.max-connections=12000
			--portico.listeners.echo-tls.max-connections-per-ip=0 --portico.listeners.echo-tls.ssl.bundle=bench)
	fi
	if (( HAS_SEARCH )); then
		# A copy of the default index, so nothing the run does can touch the repository's file.
		cp "$ROOT/config/search-index.json" "$OUT/search-index.json"
		args+=(--portico.search.index-file="$OUT/search-index.json")
		args+=(--portico.listeners.search.type=search --portico.listeners.search.port=17003
			--portico.listeners.search.bind=127.0.0.1
			--portico.listeners.search-ka.type=search --portico.listeners.search-ka.port=17005
			--portico.listeners.search-ka.bind=127.0.0.1 --portico.listeners.search-ka.keep-alive=true)
	fi
	# Started from the results directory so no config/application.yml is read: every listener is
	# defined above, on loopback, on 17xxx ports.
	# shellcheck disable=SC2086 # SERVER_JAVA_OPTS splits into options
	(cd "$OUT" && exec "$JAVA" $SERVER_JAVA_OPTS -jar "$PORTICO_JAR" "${args[@]}") > "$OUT/portico.log" 2>&1 &
	PID_OF[portico]=$!
	PIDS+=($!)
	wait_tcp 17001 90 && wait_tcp 17002 30
}
start_netty() {
	# shellcheck disable=SC2086 # SERVER_JAVA_OPTS splits into options
	local tls=()
	(( TLS )) && tls=(--tls-port 17101 --cert "$OUT/tls/cert.pem" --key "$OUT/tls/key.pem")
	"$JAVA" $SERVER_JAVA_OPTS -jar "$NETTY_JAR" 17100 127.0.0.1 "${tls[@]}" > "$OUT/netty.log" 2>&1 &
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
	wait_tcp 17200 30
}

# --- runs ----------------------------------------------------------------------------------------
# run TEST SERVER PID MODE [bench options...]: one bench run, its JSON appended to results.jsonl.
run() {
	local test=$1 server=$2 pid=$3 mode=$4
	shift 4
	local name="${test// /_}-$server"
	if (( SECONDS - T0 > MAX_SECONDS )); then
		log "$test on $server skipped: the run has used its $MAX_SECONDS s"
		echo "{\"test\": \"$test\", \"server\": \"$server\", \"exit\": -1, \"result\": null}" >> "$RESULTS"
		return
	fi
	log "$test on $server"
	local rc=0
	# Each run ends by itself after warm-up + window; the timeout only guards against a hang.
	timeout -k 5 120 "${BENCH[@]}" "$mode" --json --server-pid "$pid" "$@" \
		> "$OUT/$name.json" 2> "$OUT/$name.log" || rc=$?
	local json
	json=$(tail -1 "$OUT/$name.json")
	[[ -n "$json" ]] || json=null
	echo "{\"test\": \"$test\", \"server\": \"$server\", \"exit\": $rc, \"result\": $json}" >> "$RESULTS"
}

T0=$SECONDS
for server in $SERVERS; do
	"start_$server"
done
log "servers up after $((SECONDS - T0)) s: $(for k in "${!PID_OF[@]}"; do printf '%s=%s ' "$k" "${PID_OF[$k]}"; done)"

# TCP targets: label, port, pid.
TARGETS=()
[[ " $SERVERS " == *" portico "* ]] && TARGETS+=("portico-echo 17001 ${PID_OF[portico]}" "portico-multiconn 17002 ${PID_OF[portico]}")
[[ " $SERVERS " == *" netty "* ]] && TARGETS+=("netty 17100 ${PID_OF[netty]}")
[[ " $SERVERS " == *" python "* ]] && TARGETS+=("python 17200 ${PID_OF[python]}")

# Held connections first, so each server's peak RSS is that of the hold, not of an earlier run.
for target in "${TARGETS[@]}"; do
	read -r label port pid <<< "$target"
	run "hold $HOLD_CONNS" "$label" "$pid" hold --port "$port" --conns "$HOLD_CONNS" \
		--duration "$HOLD_DUR" --warmup "$HOLD_WARM" --timeout 5s
done
for conns in 1 100 1000; do
	for target in "${TARGETS[@]}"; do
		read -r label port pid <<< "$target"
		run "echo 64B x$conns" "$label" "$pid" echo --port "$port" --conns "$conns" --size 64 \
			--duration "$DUR" --warmup "$WARM"
	done
done
for target in "${TARGETS[@]}"; do
	read -r label port pid <<< "$target"
	run "stream 16KiB x10" "$label" "$pid" stream --port "$port" --conns 10 --size 16384 \
		--duration "$DUR" --warmup "$WARM"
done
# TLS: echo at 100 connections, then handshakes per second (a new connection and a full
# handshake per message), Portico's TLS echo listener against Netty's SslHandler echo.
TLS_TARGETS=()
if (( TLS )); then
	[[ " $SERVERS " == *" portico "* ]] && TLS_TARGETS+=("portico-echo 17006 ${PID_OF[portico]}")
	[[ " $SERVERS " == *" netty "* ]] && TLS_TARGETS+=("netty 17101 ${PID_OF[netty]}")
fi
for target in "${TLS_TARGETS[@]}"; do
	read -r label port pid <<< "$target"
	run "tls echo 64B x100" "$label" "$pid" echo --port "$port" --conns 100 --size 64 \
		--tls --ca "$OUT/tls/cert.pem" --duration "$DUR" --warmup "$TLS_WARM"
done
# The generator's own half of each handshake costs about as much CPU as the server's: two
# selector threads, so that the server, not one generator thread, sets the pace.
for target in "${TLS_TARGETS[@]}"; do
	read -r label port pid <<< "$target"
	run "tls handshakes x10" "$label" "$pid" connect --port "$port" --conns 10 --size 64 --threads 2 \
		--tls --ca "$OUT/tls/cert.pem" --duration "$DUR" --warmup "$TLS_WARM"
done
if [[ " $SERVERS " == *" portico "* ]]; then
	if (( HAS_SEARCH )); then
		run "search keep-alive x100" portico-search "${PID_OF[portico]}" search --keep-alive --port 17005 \
			--conns 100 --duration "$DUR" --warmup "$WARM"
		run "search per-connection x100" portico-search "${PID_OF[portico]}" search --port 17003 \
			--conns 100 --duration "$DUR" --warmup "$WARM"
	else
		log "this build has no search listener: search runs skipped"
	fi
	run "udp 64B x50" portico-udp "${PID_OF[portico]}" udp --port 17004 --conns 50 --size 64 \
		--duration "$DUR" --warmup "$WARM"
fi
if [[ " $SERVERS " == *" python "* ]]; then
	run "udp 64B x50" python-udp "${PID_OF[python-udp]}" udp --port 17201 --conns 50 --size 64 \
		--duration "$DUR" --warmup "$WARM"
fi

cleanup
PIDS=()
log "all runs done in $((SECONDS - T0)) s; servers stopped"

# --- one table -----------------------------------------------------------------------------------
{
	echo "JDK: $("$JAVA" -version 2>&1 | head -1)  |  server JVM options: ${SERVER_JAVA_OPTS:-none}  |  Python: $("$PYTHON" --version 2>&1)"
	echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr)"
	echo "Generator and servers share these CPUs; loopback; window $DUR after $WARM warm-up (hold: $HOLD_DUR after $HOLD_WARM)."
	echo
	"$PYTHON" "$ROOT/bench/table.py" "$RESULTS"
} | tee "$OUT/table.md"
log "results in $OUT"
