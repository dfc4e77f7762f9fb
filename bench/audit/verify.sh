#!/bin/sh
# bench/audit/verify.sh - "custos audit verify" speed in records per second
# on a log of N records (default 10 million, about 4.5 GB).  Run by hand,
# not by the test suite:
#
#   sh bench/audit/verify.sh [BUILD_DIR] [N] [WORK_DIR]
#
# BUILD_DIR holds custos and libcustos_lib.a (default build/).  The log is
# generated once by bench/audit/genlog.c into WORK_DIR (default
# /tmp/custos-bench-audit) and reused by later runs with the same N.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$SRC/build}
N=${2:-10000000}
WORK=${3:-/tmp/custos-bench-audit}
BUILD=$(cd "$BUILD" && pwd)
mkdir -p "$WORK"
GEN=$WORK/genlog
cc -O2 -std=gnu11 -I"$SRC/src" -o "$GEN" "$SRC/bench/audit/genlog.c" \
	"$BUILD/libcustos_lib.a" $(pkg-config --libs libsodium jansson) -lpthread -lm
DATA=$WORK/log-$N
if [ ! -f "$DATA/.complete" ]; then
	rm -rf "$DATA"
	echo "generating $N records in $DATA ..."
	t0=$(date +%s.%N)
	"$GEN" "$DATA" "$N"
	t1=$(date +%s.%N)
	echo "generated in $(echo "$t1 - $t0" | bc) s ($(du -sh "$DATA/audit" | cut -f1))"
	touch "$DATA/.complete"
fi
for run in 1 2 3; do
	t0=$(date +%s.%N)
	"$BUILD/custos" audit verify --data "$DATA" >/dev/null
	t1=$(date +%s.%N)
	echo "run $run: $(echo "$t1 - $t0" | bc) s, $(echo "$N / ($t1 - $t0)" | bc) records/s"
done
