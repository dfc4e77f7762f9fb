#!/usr/bin/env bash
# bench/audit/read.sh - what the operation log costs: the record-read rate
# with auditing on (every read written durably, group commit) as a ratio
# to the same workload with the audit sink replaced by a no-op
# (serve --audit-noop), in one run, on one data directory.
#
# usage: bash bench/audit/read.sh path/to/custos
#
# Runs on, off, on, off (ROUNDS pairs) so drift from other work on the
# machine hits both sides alike, and prints each rate and the ratio of the
# means.  Aim: at least 0.7.  Reuses bench/api's preload and wrk scripts.
# Environment: THREADS [2] CONNS [32] DURATION [8s] PRELOAD [2000] ROUNDS [2]
#              SERVER_THREADS [32]  (custos serve --threads: a request waiting
#              for its record to be durable holds a server thread, so the
#              group-commit batch can be at most this large)
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: bash bench/audit/read.sh path/to/custos" >&2; exit 2; }
CUSTOS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
API=$(cd "$(dirname "${BASH_SOURCE[0]}")/../api" && pwd)
THREADS=${THREADS:-2} CONNS=${CONNS:-32} DURATION=${DURATION:-8s} SERVER_THREADS=${SERVER_THREADS:-32}
PRELOAD=${PRELOAD:-2000} ROUNDS=${ROUNDS:-2}
for tool in wrk curl python3; do
	command -v "$tool" >/dev/null || { echo "bench/audit: needs $tool" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/custos-bench-audit.XXXXXX")
DATA=$WORK/data
PID=
cleanup() {
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
CUSTOS_PASSPHRASE=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
export CUSTOS_PASSPHRASE

start() { # [--audit-noop]
	: >"$WORK/serve.log"
	"$CUSTOS" serve --data "$DATA" --listen 127.0.0.1:0 --threads "$SERVER_THREADS" "$@" \
		2>"$WORK/serve.log" &
	PID=$!
	PORT=
	for _ in $(seq 100); do
		PORT=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/serve.log")
		[ -n "$PORT" ] && break
		sleep 0.1
	done
	[ -n "$PORT" ] || { cat "$WORK/serve.log" >&2; exit 1; }
	BASE=https://127.0.0.1:$PORT
}
stop() {
	kill -TERM "$PID"
	wait "$PID" || true
	PID=
}

"$CUSTOS" init --data "$DATA" --kdf interactive --format json >/dev/null
BENCH_TOKEN=$("$CUSTOS" token create --data "$DATA" --name bench --format json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
export BENCH_TOKEN BENCH_DATA=$WORK/data.lua LUA_PATH="$API/?.lua;;"
start
curl -sS --cacert "$DATA/tls/cert.pem" -H "Authorization: Bearer $BENCH_TOKEN" \
	-H 'Content-Type: application/json' "$BASE/v1/collections" --data-binary '{"name":"customers","fields":[
  {"name":"name","type":"name","class":"internal","required":true},
  {"name":"phone","type":"phone","class":"sensitive","required":true},
  {"name":"id_no","type":"cn_id","class":"highly_sensitive"},
  {"name":"email","type":"email","class":"sensitive"},
  {"name":"address","type":"address","class":"sensitive"}]}' >/dev/null
python3 "$API/preload.py" "$BASE" "$DATA/tls/cert.pem" "$PRELOAD" 8 "$WORK/data.lua" >/dev/null
stop

rate() { # -> requests/s of a read run against the running server
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s -s "$API/read.lua" \
		"$BASE/v1/collections/customers/records" >"$WORK/wrk.out" 2>&1
	grep '^BENCH ' "$WORK/wrk.out" | tail -1 |
		sed 's/.*requests=\([0-9]*\) duration_us=\([0-9]*\).*/\1 \2/' |
		awk '{printf "%.1f", $1 / ($2 / 1e6)}'
}

echo "custos audit benchmark: record reads (decrypt + mask + audit), wrk -t$THREADS -c$CONNS -d$DURATION,"
echo "  serve --threads $SERVER_THREADS,"
echo "  $PRELOAD records, $(nproc) CPUs shared by wrk and the server, HTTPS"
on_sum=0 off_sum=0
for i in $(seq 1 "$ROUNDS"); do
	start
	on=$(rate)
	stop
	start --audit-noop
	off=$(rate)
	stop
	echo "  round $i: audit on $on req/s, audit no-op $off req/s"
	on_sum=$(awk -v a="$on_sum" -v b="$on" 'BEGIN {print a + b}')
	off_sum=$(awk -v a="$off_sum" -v b="$off" 'BEGIN {print a + b}')
done
records=$(cat "$DATA"/audit/seg-*.log | wc -l)
"$CUSTOS" audit verify --data "$DATA" >/dev/null || { echo "bench/audit: the log does not verify" >&2; exit 1; }
awk -v on="$on_sum" -v off="$off_sum" -v n="$ROUNDS" -v rec="$records" 'BEGIN {
	printf "mean: audit on %.1f req/s, no-op %.1f req/s; ratio on/no-op = %.2f (aim >= 0.70)\n",
		on / n, off / n, on / off
	printf "operation log: %d records, verified intact\n", rec }'
