#!/usr/bin/env bash
# bench/scan/run.sh - custos scan against ripgrep on the same corpus.
#
#   bash bench/scan/run.sh path/to/custos [SIZE]
#
# Generates a mixed Chinese/English corpus (default 256M) with planted
# personal information and decoys (gen.py), then times, in the same run and
# one thread each:
#   custos scan --format jsonl CORPUS
#   rg -j1 -P -o -b  -e <one pattern per type, patterns.tsv>  CORPUS
# and prints both rates in MB/s (10^6 bytes/s), the ratio, and precision
# and recall of each against the planted truth (score.py).  Each tool runs
# twice; the faster run counts.  Not part of the test suite.
set -euo pipefail

custos=${1:?usage: run.sh path/to/custos [SIZE]}
size=${2:-256M}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/custos-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

command -v rg >/dev/null || { echo "run.sh: ripgrep (rg) is needed" >&2; exit 1; }
python3 "$here/gen.py" --size "$size" --out "$work/corpus.txt" --truth "$work/truth.tsv"
bytes=$(stat -c %s "$work/corpus.txt")

rg_args=()
while IFS=$'\t' read -r _type rx; do
	rg_args+=(-e "$rx")
done < "$here/patterns.tsv"

now() { date +%s.%N; }

best=
time_it() { # time_it OUT CMD... -> sets $best (seconds, the faster of two)
	local out=$1; shift
	best=
	for _ in 1 2; do
		local t0 t1 dt
		t0=$(now)
		"$@" > "$out"
		t1=$(now)
		dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
		if [ -z "$best" ] || awk -v d="$dt" -v b="$best" 'BEGIN { exit !(d < b) }'; then
			best=$dt
		fi
	done
}

# Warm the page cache so both read from memory.
cat "$work/corpus.txt" > /dev/null

time_it "$work/custos.jsonl" "$custos" scan --format jsonl "$work/corpus.txt"
cu_s=$best
set +e
time_it "$work/rg.txt" rg -j1 -P -o -b --no-filename --no-line-number "${rg_args[@]}" "$work/corpus.txt"
set -e
rg_s=$best

read -r cu_p cu_r cu_n truth_n < <(python3 "$here/score.py" "$work/truth.tsv" custos "$work/custos.jsonl")
read -r rg_p rg_r rg_n _ < <(python3 "$here/score.py" "$work/truth.tsv" rg "$work/rg.txt" "$here/patterns.tsv")

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
mb=$(calc "$bytes / 1000000")
cu_rate=$(calc "$mb / $cu_s")
rg_rate=$(calc "$mb / $rg_s")
printf 'corpus: %.1f MB, %d planted values\n' "$mb" "$truth_n"
printf '%-28s %9.1f MB/s  precision %s  recall %s  (%d findings)\n' \
	"custos scan --format jsonl" "$cu_rate" "$cu_p" "$cu_r" "$cu_n"
printf '%-28s %9.1f MB/s  precision %s  recall %s  (%d matches)\n' \
	"rg -j1 -P -o -b" "$rg_rate" "$rg_p" "$rg_r" "$rg_n"
printf 'ratio custos/rg: %.2fx\n' "$(calc "$cu_rate / $rg_rate")"
