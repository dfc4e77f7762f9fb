#!/usr/bin/env bash
# bench/api/run.sh - HTTP API throughput and latency of custos, against a
# named baseline (GET /healthz), in one run of one real server.
#
# usage: bash bench/api/run.sh path/to/custos
#
# Makes a temporary data directory, starts `custos serve` on a free
# loopback port over HTTPS (the product's default; PLAIN=1 for plain
# HTTP), creates a service token and a `customers` collection, preloads
# PRELOAD records, then drives each endpoint with wrk over keep-alive
# connections and prints requests/s, latency p50/p90/p99 and the cost of
# each endpoint relative to /healthz (rate_healthz / rate_endpoint).
# The server is stopped and the directory removed on exit.
#
# GET /v1/me (Bearer authentication alone) is measured too, so the cost of
# authentication can be told apart from the record work, and /healthz is
# measured first and again last: the baseline is the mean of the two, and
# a large gap between them means other work competed for the CPUs.
#
# Not part of the test suite (ctest only runs tests/); `make bench` runs it.
#
# Environment (defaults in brackets):
#   THREADS [2]  CONNS [16]  DURATION [10s]   wrk -t, -c, -d
#   WARMUP [2s]            one unmeasured read run first (0 to skip)
#   PRELOAD [10000]        records created before measuring
#   PRELOAD_CONNS [8]      client connections used to preload
#   SERVER_THREADS [16]    custos serve --threads
#   PLAIN [0]              1: plain HTTP on loopback instead of TLS
#   PIN [0]                1: server on CPU 0, wrk on CPU 1 (taskset)
#   BENCH_TMP [$TMPDIR or /tmp]  where the data directory is made
set -euo pipefail

usage() {
	echo "usage: bash bench/api/run.sh path/to/custos" >&2
	exit 2
}
[ $# -eq 1 ] || usage
CUSTOS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$CUSTOS" ] || { echo "bench/api: $1 is not an executable" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

THREADS=${THREADS:-2}
CONNS=${CONNS:-16}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
PRELOAD=${PRELOAD:-10000}
PRELOAD_CONNS=${PRELOAD_CONNS:-8}
SERVER_THREADS=${SERVER_THREADS:-16}
PLAIN=${PLAIN:-0}
PIN=${PIN:-0}

for tool in wrk curl python3; do
	command -v "$tool" >/dev/null || { echo "bench/api: needs $tool" >&2; exit 1; }
done

WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/custos-bench-api.XXXXXX")
DATA=$WORK/data
SERVER_PID=
CHILD_PID=
cleanup() {
	local rc=$?
	if [ -n "$CHILD_PID" ]; then
		kill -TERM "$CHILD_PID" 2>/dev/null || true
		wait "$CHILD_PID" 2>/dev/null || true
	fi
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Run a long client command in the background and wait for it, so that
# INT/TERM interrupt the wait at once (the trap then stops it and the server).
bg_wait() {
	"$@" &
	CHILD_PID=$!
	wait "$CHILD_PID"
	local rc=$?
	CHILD_PID=
	return $rc
}

# A throwaway master key: the data directory dies with this run.
CUSTOS_PASSPHRASE=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
export CUSTOS_PASSPHRASE

SRV_PIN=() WRK_PIN=()
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	SRV_PIN=(taskset -c 0)
	WRK_PIN=(taskset -c 1)
fi

# ---- server -----------------------------------------------------------
"$CUSTOS" init --data "$DATA" --kdf interactive --format json >"$WORK/init.json"
# The token is made before the server starts: while it runs, the server
# holds the operation log and CLI changes go through the API.
BENCH_TOKEN=$("$CUSTOS" token create --data "$DATA" --name bench --format json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
export BENCH_TOKEN
serve_args=(serve --data "$DATA" --listen 127.0.0.1:0 --threads "$SERVER_THREADS")
if [ "$PLAIN" = 1 ]; then
	serve_args+=(--plain-http)
	SCHEME=http
	CURL_TLS=()
	CAFILE=-
else
	SCHEME=https
	CURL_TLS=(--cacert "$DATA/tls/cert.pem")
	CAFILE=$DATA/tls/cert.pem
fi
"${SRV_PIN[@]}" "$CUSTOS" "${serve_args[@]}" 2>"$WORK/serve.log" &
SERVER_PID=$!
PORT=
for _ in $(seq 100); do
	PORT=$(sed -n 's/.*listening on https\{0,1\}:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/serve.log")
	[ -n "$PORT" ] && break
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$PORT" ]; then
	echo "bench/api: the server did not start:" >&2
	cat "$WORK/serve.log" >&2
	exit 1
fi
BASE=$SCHEME://127.0.0.1:$PORT


api() { # METHOD PATH [BODY]
	local args=(-sS --fail-with-body "${CURL_TLS[@]}" -X "$1" -H "Authorization: Bearer $BENCH_TOKEN")
	[ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	curl "${args[@]}" "$BASE$2"
}

api POST /v1/collections '{"name":"customers","fields":[
  {"name":"name","type":"name","class":"internal","required":true},
  {"name":"phone","type":"phone","class":"sensitive","required":true},
  {"name":"id_no","type":"cn_id","class":"highly_sensitive"},
  {"name":"email","type":"email","class":"sensitive"},
  {"name":"address","type":"address","class":"sensitive"}]}' >/dev/null

# ---- report header ----------------------------------------------------
NCPU=$(nproc)
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
FSTYPE=$(df -PT "$WORK" | awk 'NR==2 {print $2}')
echo "custos API benchmark"
echo "  binary:     $CUSTOS ($("$CUSTOS" version))"
echo "  server:     $BASE ($([ "$PLAIN" = 1 ] && echo 'plain HTTP' || echo 'HTTPS, TLS 1.2/1.3, self-signed ECDSA P-256'))," \
	"--threads $SERVER_THREADS, SQLite (WAL, synchronous=FULL) on $FSTYPE"
echo "  client:     $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), -t$THREADS -c$CONNS -d$DURATION, keep-alive"
echo "  machine:    $NCPU CPU(s), ${CPU_MODEL:-unknown}; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ${#SRV_PIN[@]} -gt 0 ]; then
	echo "  CPU note:   PIN=1: server pinned to CPU 0, wrk to CPU 1."
else
	echo "  CPU note:   wrk and the server share the same $NCPU CPU(s); absolute figures are"
	echo "              lower than on a dedicated server, the ratios are the stable part."
fi
echo

# ---- preload ----------------------------------------------------------
bg_wait python3 "$HERE/preload.py" "$BASE" "$CAFILE" "$PRELOAD" "$PRELOAD_CONNS" "$WORK/data.lua" \
	>"$WORK/preload.out"
sed 's/^/  /' "$WORK/preload.out"
export BENCH_DATA=$WORK/data.lua
export LUA_PATH="$HERE/?.lua;;"
probe_id=$(sed -n '3s/[",]//gp' "$WORK/data.lua")
probe_phone=$(awk '/^phones/ {getline; gsub(/[",]/, ""); print; exit}' "$WORK/data.lua")
api GET "/v1/collections/customers/records/$probe_id" | grep -q '"masked"' ||
	{ echo "bench/api: reading a preloaded record failed" >&2; exit 1; }
api GET "/v1/collections/customers/records?phone=$probe_phone" | grep -q "$probe_id" ||
	{ echo "bench/api: looking up a preloaded phone failed" >&2; exit 1; }

# ---- measure ----------------------------------------------------------
declare -A RPS P50 P90 P99 ERR
# /healthz runs first and again last: the baseline is their mean, and a
# large difference between them says the machine was busy with other work.
NAMES=(healthz me create read lookup healthz2)
declare -A LABEL=(
	[healthz]="GET /healthz"
	[healthz2]="GET /healthz (again, last)"
	[me]="GET /v1/me (token auth)"
	[create]="POST records (create)"
	[read]="GET records/{id} (read)"
	[lookup]="GET records?phone= (lookup)"
)
declare -A SCRIPT=([healthz2]=healthz)
declare -A URLPATH=(
	[healthz]=/healthz
	[healthz2]=/healthz
	[me]=/v1/me
	[create]=/v1/collections/customers/records
	[read]=/v1/collections/customers/records
	[lookup]=/v1/collections/customers/records
)

run_wrk() { # NAME DURATION OUTPUT
	bg_wait "${WRK_PIN[@]}" wrk -t"$THREADS" -c"$CONNS" -d"$2" --timeout 10s --latency \
		-s "$HERE/${SCRIPT[$1]:-$1}.lua" "$BASE${URLPATH[$1]}" >"$3" 2>&1 ||
		{ echo "bench/api: wrk failed for $1:" >&2; cat "$3" >&2; exit 1; }
}

if [ "$WARMUP" != 0 ]; then
	echo "  warm-up: $WARMUP of reads (not counted)"
	run_wrk read "$WARMUP" "$WORK/warmup.out"
fi
echo

for n in "${NAMES[@]}"; do
	echo "== ${LABEL[$n]}"
	run_wrk "$n" "$DURATION" "$WORK/wrk-$n.out"
	grep -v '^BENCH ' "$WORK/wrk-$n.out" | sed 's/^/  /'
	line=$(grep '^BENCH ' "$WORK/wrk-$n.out" | tail -1 || true)
	[ -n "$line" ] || { echo "bench/api: no result from wrk for $n" >&2; exit 1; }
	eval "$(echo "$line" | sed 's/^BENCH //; s/\([a-z0-9_]*\)=/local_\1=/g')"
	RPS[$n]=$(awk -v r="$local_requests" -v d="$local_duration_us" 'BEGIN {printf "%.1f", r / (d / 1e6)}')
	P50[$n]=$local_p50_us P90[$n]=$local_p90_us P99[$n]=$local_p99_us
	ERR[$n]=$((local_errors_status + local_errors_socket))
	echo
done

# ---- summary ----------------------------------------------------------
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }
BASE_RPS=$(awk -v a="${RPS[healthz]}" -v b="${RPS[healthz2]}" 'BEGIN {printf "%.1f", (a + b) / 2}')
DRIFT=$(awk -v a="${RPS[healthz]}" -v b="${RPS[healthz2]}" 'BEGIN {d = a - b; if (d < 0) d = -d; printf "%.0f", 100 * d / ((a + b) / 2)}')
echo "Summary ($SCHEME, wrk -t$THREADS -c$CONNS -d$DURATION, $PRELOAD preloaded records, $NCPU CPUs shared by wrk and server$([ ${#SRV_PIN[@]} -gt 0 ] && echo ', pinned'))"
printf '  %-28s %10s %9s %9s %9s %8s %12s\n' endpoint "req/s" "p50 ms" "p90 ms" "p99 ms" errors "cost"
printf '  %-28s %10s %9s %9s %9s %8s %12s\n' ---------------------------- ---------- --------- --------- --------- -------- ------------
for n in "${NAMES[@]}"; do
	ratio=$(awk -v b="$BASE_RPS" -v r="${RPS[$n]}" 'BEGIN {printf "%.1fx", (r > 0 ? b / r : 0)}')
	printf '  %-28s %10s %9s %9s %9s %8s %12s\n' "${LABEL[$n]}" "${RPS[$n]}" "$(ms "${P50[$n]}")" \
		"$(ms "${P90[$n]}")" "$(ms "${P99[$n]}")" "${ERR[$n]}" "$ratio"
done
echo "  cost = baseline req/s / endpoint req/s; baseline = mean of the two /healthz runs" \
	"($BASE_RPS req/s; they differ by $DRIFT%)"
if [ "$DRIFT" -gt 20 ]; then
	echo "  warning: the two /healthz runs differ by more than 20%: something else was using" \
		"the CPUs; take the ratios as rough and run again on a quiet machine"
fi
echo
for n in me create read lookup; do
	awk -v b="$BASE_RPS" -v r="${RPS[$n]}" -v what="$n" 'BEGIN {
		verb = (what == "me") ? "authenticating a Bearer token" : (what == "create") ? "creating a record" : (what == "read") ? "reading a record (decrypt + mask)" : "an exact-match lookup by phone"
		printf "  %s costs %.1fx a /healthz request\n", verb, (r > 0 ? b / r : 0) }'
done
total_err=0
for n in "${NAMES[@]}"; do total_err=$((total_err + ERR[$n])); done
if [ "$total_err" -ne 0 ]; then
	echo "bench/api: $total_err requests failed (non-2xx or socket errors); see above" >&2
	exit 1
fi
