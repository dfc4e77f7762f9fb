#!/usr/bin/env bash
# test_scan.sh - custos scan end to end: output contracts, options, stdin,
# errors, binary and big inputs, user rules, and precision/recall on a
# generated mixed Chinese/English corpus with planted values and decoys.
set -euo pipefail

: "${CUSTOS:?set CUSTOS to the custos binary}"
: "${CU_SOURCE_DIR:?set CU_SOURCE_DIR to the source tree}"
work=$(mktemp -d "${TMPDIR:-/tmp}/custos-e2e-scan.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then ok; else bad "$what"; fi
}
status() { # status EXPECTED COMMAND... (output discarded)
	local want=$1 got=0; shift
	"$@" >/dev/null 2>&1 || got=$?
	[ "$got" = "$want" ] || { echo "  exit $got, expected $want: $*" >&2; return 1; }
}

printf '客户张三，身份证11010519491231002X，手机13812345678。\n' > one.txt

# --- jsonl contract ------------------------------------------------------
out=$("$CUSTOS" scan --format jsonl one.txt)
want='{"file":"one.txt","type":"cn_id","start":24,"end":42,"confidence":0.99}
{"file":"one.txt","type":"cn_mobile","start":51,"end":62,"confidence":0.98}'
check "jsonl exact lines" [ "$out" = "$want" ]
check "jsonl offsets are bytes of the file" \
	[ "$(tail -c +25 one.txt | head -c 18)" = "11010519491231002X" ]
check "jsonl lines parse as JSON" \
	python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <<<"$out"

# --- text and masked -------------------------------------------------------
out=$("$CUSTOS" scan one.txt)
check "text shows type and masked value" grep -q 'one.txt:24-42: cn_id 110105\*\*\*\*\*\*\*\*002X' <<<"$out"
check "text never shows the raw value" bash -c '! grep -q 13812345678 <<<"$0"' "$out"
out=$("$CUSTOS" scan --format masked one.txt)
check "masked output" [ "$out" = '客户张三，身份证110105********002X，手机138****5678。' ]

# --- --types, --min-confidence -------------------------------------------
out=$("$CUSTOS" scan --format jsonl --types cn_mobile one.txt)
check "--types keeps only that type" [ "$(grep -c . <<<"$out")" = 1 ] && grep -q cn_mobile <<<"$out"
printf 'x E12345678 y\n' > pp.txt
check "passport without context is below the default floor" [ -z "$("$CUSTOS" scan --format jsonl pp.txt)" ]
check "--min-confidence 0.2 shows it" grep -q cn_passport <<<"$("$CUSTOS" scan --format jsonl --min-confidence 0.2 pp.txt)"

# --- stdin -----------------------------------------------------------------
out=$(printf '手机 13912345678\n' | "$CUSTOS" scan --format jsonl -)
check "stdin is file \"-\"" grep -q '^{"file":"-","type":"cn_mobile","start":7,"end":18,' <<<"$out"

# --- directories, unreadable files -------------------------------------------
mkdir -p tree/a/b
cp one.txt tree/a/b/deep.txt
printf 'mail li.si@example.com\n' > tree/z.txt
ln -s .. tree/a/loop
out=$("$CUSTOS" scan --format jsonl tree)
check "directory walked recursively" [ "$(grep -c . <<<"$out")" = 3 ]
check "paths as given" grep -q '"file":"tree/a/b/deep.txt"' <<<"$out"
set +e
out=$("$CUSTOS" scan --format jsonl missing.txt one.txt 2>err.txt)
rc=$?
set -e
check "unreadable file: exit 1" [ "$rc" = 1 ]
check "unreadable file reported on stderr" grep -q 'missing.txt' err.txt
check "scan continues after an unreadable file" grep -q '"file":"one.txt"' <<<"$out"
set +e
"$CUSTOS" scan - < tree > /dev/null 2>err.txt
rc=$?
set -e
check "read error mid-stream (stdin is a directory): exit 1" [ "$rc" = 1 ]
check "read error reported" grep -q 'error reading -' err.txt
if [ "$(id -u)" != 0 ]; then
	cp one.txt locked.txt && chmod 000 locked.txt
	check "permission denied: exit 1" status 1 "$CUSTOS" scan locked.txt
fi

# --- usage errors --------------------------------------------------------------
check "no path: exit 2" status 2 "$CUSTOS" scan
check "bad format: exit 2" status 2 "$CUSTOS" scan --format xml one.txt
check "bad confidence: exit 2" status 2 "$CUSTOS" scan --min-confidence 2 one.txt
check "unknown type: exit 2" status 2 "$CUSTOS" scan --types cn_foo one.txt
check "unknown option: exit 2" status 2 "$CUSTOS" scan --bogus one.txt
check "missing value: exit 2" status 2 "$CUSTOS" scan one.txt --types
check "help: exit 0" status 0 "$CUSTOS" help scan
check "no findings: exit 0" status 0 "$CUSTOS" scan /dev/null

# --- binary input ----------------------------------------------------------------
head -c 200000 /dev/urandom > bin.dat
printf '\x00\xff 手机13812345678 \xfe\x00' >> bin.dat
head -c 100000 /dev/urandom >> bin.dat
out=$("$CUSTOS" scan --format jsonl --types cn_mobile bin.dat)
check "binary file scanned, planted value found" grep -q '"start":200009,"end":200020' <<<"$out"
check "masked binary keeps its size class" status 0 "$CUSTOS" scan --format masked bin.dat

# --- big file, bounded memory --------------------------------------------------
python3 - <<'PY'
import random
r = random.Random(3)
line = "客户资料 {} 手机{} 备注：无。\n"
with open("big.txt", "w") as f:
    n = 0
    for i in range(400000):
        f.write(line.format(i, "13812345678" if i % 1000 == 0 else "%d" % r.randint(10**9, 10**10)))
PY
size=$(stat -c %s big.txt)
out=$("$CUSTOS" scan --format jsonl --types cn_mobile big.txt | grep -c cn_mobile || true)
check "big file ($size bytes): every planted value" [ "$out" = 400 ]
rss=$(python3 -c '
import resource, subprocess, sys
subprocess.run([sys.argv[1], "scan", "--format", "jsonl", "big.txt"], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$CUSTOS")
small=$(python3 -c '
import resource, subprocess, sys
subprocess.run([sys.argv[1], "scan", "--format", "jsonl", "one.txt"], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$CUSTOS")
check "memory does not grow with the file ($small KB vs $rss KB)" [ $((rss - small)) -lt 16384 ]
out=$(cat big.txt | "$CUSTOS" scan --format masked - | grep -c '138\*\*\*\*5678' || true)
check "masked stdin stream" [ "$out" = 400 ]

# --- rules file -------------------------------------------------------------------
cat > rules.json <<'JSON'
{"keywords": {"confidential": ["机密", "内部资料", "Project Falcon"]},
 "custom": {"order_no": "ORD-[0-9]{8}",
            "ticket": {"pattern": "tck-[0-9]{4}", "caseless": true, "confidence": 0.7}}}
JSON
printf '这是机密文件，project falcon 见 ORD-12345678 与 TCK-0042；ORD-123 不算。\n' > r.txt
out=$("$CUSTOS" scan --format jsonl --rules rules.json r.txt)
check "keyword found" grep -q '"type":"keyword:confidential","start":6,"end":12' <<<"$out"
check "caseless keyword" grep -q '"type":"keyword:confidential","start":21,"end":35' <<<"$out"
check "custom rule" grep -q '"type":"custom:order_no","start":40,"end":52' <<<"$out"
check "custom rule confidence" grep -q '"type":"custom:ticket".*"confidence":0.70' <<<"$out"
check "custom rule exact" [ "$(grep -c custom:order_no <<<"$out")" = 1 ]
out=$("$CUSTOS" scan --format jsonl --rules rules.json --types keyword r.txt)
check "--types keyword" [ "$(grep -c . <<<"$out")" = 2 ]
check "--types custom:ticket" [ "$("$CUSTOS" scan --format jsonl --rules rules.json --types custom:ticket r.txt | grep -c .)" = 1 ]
printf '{"custom":{"bad":"ORD-[0-9"}}' > badrules.json
check "invalid regex: exit 2" status 2 "$CUSTOS" scan --rules badrules.json r.txt
printf '{"keyword":{}}' > badrules.json
check "unknown rules key: exit 2" status 2 "$CUSTOS" scan --rules badrules.json r.txt
check "missing rules file: exit 1" status 1 "$CUSTOS" scan --rules nope.json r.txt

# --- precision and recall on a mixed corpus -----------------------------------------
python3 "$CU_SOURCE_DIR/bench/scan/gen.py" --seed 42 --size 3M --out corpus.txt --truth truth.tsv >/dev/null
"$CUSTOS" scan --format jsonl corpus.txt > corpus.jsonl
read -r p r n t < <(python3 "$CU_SOURCE_DIR/bench/scan/score.py" -v truth.tsv custos corpus.jsonl)
check "corpus precision 1.0 ($p, $n findings)" [ "$p" = 1.0000 ]
check "corpus recall 1.0 ($r, $t planted)" [ "$r" = 1.0000 ]
out=$(cat corpus.txt | "$CUSTOS" scan --format jsonl - | sed 's/"file":"-"/"file":"corpus.txt"/')
check "stdin stream finds the same as the file" [ "$out" = "$(cat corpus.jsonl)" ]

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
