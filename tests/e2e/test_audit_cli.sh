#!/usr/bin/env bash
# End-to-end test of "custos audit": a mixed concurrent workload written by
# the real writer (the unit-test program unit_audit_test_tamper in "gen"
# mode, built next to the custos binary), then verify, pubkey, tail,
# query, reports, JSON-lines / syslog export (stdout and UDP), checkpoint
# export, random tamper trials through the CLI, an independent verifier,
# and a full / read-only filesystem (tmpfs; skipped without mount rights).
set -u
: "${CUSTOS:?set CUSTOS to the custos binary}"
: "${CU_SOURCE_DIR:?set CU_SOURCE_DIR to the source tree}"
GEN="$(dirname "$CUSTOS")/unit_audit_test_tamper"
T=$(mktemp -d /tmp/cu-audit-e2e-XXXXXX)
MNT=""
cleanup() {
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
pass=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { pass=$((pass + 1)); }
[ -x "$GEN" ] || fail "generator $GEN not built"

D=$T/data
"$GEN" gen "$D" 2000 8 >"$T/acks" 2>"$T/gen.err" || fail "gen: $(cat "$T/gen.err")"
[ "$(wc -l <"$T/acks")" -eq 2000 ] || fail "gen acknowledged $(wc -l <"$T/acks") of 2000"; ok

# --- verify and pubkey --------------------------------------------------------
"$CUSTOS" audit verify --data "$D" >"$T/out" 2>"$T/err" || fail "verify of an intact log: $(cat "$T/err")"
grep -q "audit log intact: records 1..2000" "$T/out" || fail "verify output: $(cat "$T/out")"; ok
PK=$("$CUSTOS" audit pubkey --data "$D") || fail "pubkey"
[ "$PK" = "$(tr -d '\n' <"$D/audit/pubkey")" ] && [ ${#PK} -eq 64 ] || fail "pubkey $PK"; ok
"$CUSTOS" audit verify --data "$D" --pubkey "$PK" >/dev/null || fail "verify --pubkey HEX"; ok
echo "$PK" >"$T/pk"
"$CUSTOS" audit verify --data "$D" --pubkey "$T/pk" >/dev/null || fail "verify --pubkey FILE"; ok
"$CUSTOS" audit verify --data "$D" --format json | grep -q '"intact":true' || fail "verify json"; ok
OTHER=$(printf '%064d' 0 | sed 's/0/a/g')
"$CUSTOS" audit verify --data "$D" --pubkey "$OTHER" >/dev/null 2>"$T/err"
[ $? -eq 1 ] && grep -q "first bad sequence number: " "$T/err" || fail "verify under a foreign key passed"; ok
"$CUSTOS" audit verify --data "$T/nothing" 2>/dev/null; [ $? -eq 1 ] || fail "verify of no log"; ok
"$CUSTOS" audit verify 2>/dev/null; [ $? -eq 2 ] || fail "verify without --data is a usage error"; ok
"$CUSTOS" audit frobnicate --data "$D" 2>/dev/null; [ $? -eq 2 ] || fail "unknown subcommand"; ok
"$CUSTOS" help audit | grep -q "report subject REF" || fail "help audit"; ok
"$CUSTOS" help | grep -q "audit" || fail "audit not in the command list"; ok

# --- an independent verifier written from docs/audit.md ----------------------
if python3 -c "import cryptography" 2>/dev/null; then
	python3 "$CU_SOURCE_DIR/tests/vectors/audit/verify_audit.py" "$D" --pubkey "$PK" >/dev/null ||
		fail "the independent verifier rejects a custos log"; ok
else
	echo "SKIP: python3 cryptography not available for the independent verifier"
fi

# --- reading ------------------------------------------------------------------------
"$CUSTOS" audit tail --data "$D" -n 7 --format jsonl >"$T/tail" || fail "tail"
[ "$(wc -l <"$T/tail")" -eq 7 ] && head -1 "$T/tail" | grep -q '"seq":1994,' &&
	tail -1 "$T/tail" | grep -q '"seq":2000,' || fail "tail -n 7: $(cut -c1-40 "$T/tail")"; ok
"$CUSTOS" audit tail --data "$D" -n 3 >"$T/tail" || fail "tail text"
head -1 "$T/tail" | grep -q "操作描述.*操作人.*操作时间.*操作结果.*模块" || fail "text columns"; ok
[ "$(wc -l <"$T/tail")" -eq 4 ] || fail "tail text rows"; ok
"$CUSTOS" audit query --data "$D" --type record.reveal --format jsonl >"$T/q" || fail "query"
[ -s "$T/q" ] && ! grep -v '"event":"record.reveal"' "$T/q" >/dev/null || fail "query --type"; ok
"$CUSTOS" audit query --data "$D" --actor bob --result denied --format jsonl >"$T/q" || fail "query 2"
[ -s "$T/q" ] && ! grep -v '"name":"bob"' "$T/q" >/dev/null && ! grep -v '"result":"denied"' "$T/q" >/dev/null ||
	fail "query --actor --result"; ok
"$CUSTOS" audit query --data "$D" --after 100 --limit 10 --format jsonl >"$T/q"
[ "$(wc -l <"$T/q")" -eq 10 ] && head -1 "$T/q" | grep -q '"seq":101,' || fail "paging"; ok
"$CUSTOS" audit query --data "$D" --from 2000-01-01 --to 2000-01-02 --format jsonl >"$T/q"
[ ! -s "$T/q" ] || fail "time range"; ok
"$CUSTOS" audit query --data "$D" --type record.steal 2>/dev/null; [ $? -eq 2 ] || fail "unknown type"; ok
"$CUSTOS" audit query --data "$D" --module vault 2>/dev/null; [ $? -eq 2 ] || fail "unknown module"; ok
"$CUSTOS" audit query --data "$D" --subject subj-7 --format json >"$T/q" || fail "query json"
python3 -c "import json,sys; d=json.load(open('$T/q')); assert d and all(r['object']['subject']=='subj-7' for r in d)" 2>/dev/null ||
	grep -q '"subject": "subj-7"' "$T/q" || fail "query --subject json"; ok
"$CUSTOS" audit report subject subj-7 --data "$D" >"$T/r" || fail "report subject"
grep -q "who accessed the data of subject subj-7" "$T/r" && grep -q "by actor:" "$T/r" || fail "report subject text"; ok
"$CUSTOS" audit report actor alice --data "$D" --format json >"$T/r" || fail "report actor"
grep -q '"distinct_subjects"' "$T/r" && grep -q '"actor": "alice"' "$T/r" || fail "report actor json"; ok

# --- export -------------------------------------------------------------------------
"$CUSTOS" audit export --data "$D" --format jsonl >"$T/x" || fail "export jsonl"
[ "$(wc -l <"$T/x")" -eq 2000 ] && cmp -s "$T/x" <(cat "$D"/audit/seg-*.log) || fail "export jsonl is not the log"; ok
"$CUSTOS" audit export --data "$D" --format syslog --since 1990 >"$T/x" || fail "export syslog"
[ "$(wc -l <"$T/x")" -eq 11 ] || fail "export --since: $(wc -l <"$T/x")"; ok
grep -Evq '^<1(0[7-9]|10)>1 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z [!-~]+ custos - [a-z_.]+ \[custos@32473 seq="[0-9]+" module="[a-z]+" result="[a-z]+" hash="[0-9a-f]{64}"\] ' "$T/x" &&
	fail "not RFC 5424: $(head -c 300 "$T/x")"; ok
if command -v python3 >/dev/null; then
	PORT=$((20000 + RANDOM % 20000))
	python3 - "$PORT" "$T/ready" >"$T/udp" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").close()
s.settimeout(5)
n = 0
try:
    while True:
        m = s.recv(70000)
        assert m.startswith(b"<") and b" custos - " in m
        n += 1
        if n == 50:
            break
except socket.timeout:
    pass
print(n)
PY
	LPID=$!
	for _ in $(seq 1 100); do [ -e "$T/ready" ] && break; sleep 0.1; done
	"$CUSTOS" audit export --data "$D" --format syslog --after 1950 --to "udp://127.0.0.1:$PORT" 2>"$T/err" ||
		fail "export to udp: $(cat "$T/err")"
	wait "$LPID"
	[ "$(cat "$T/udp")" = 50 ] || fail "udp collector got $(cat "$T/udp") of 50"; ok
fi
"$CUSTOS" audit export --data "$D" --to "carrier-pigeon://x" 2>/dev/null; [ $? -eq 2 ] || fail "bad --to"; ok

# --- checkpoints kept elsewhere defeat a rollback of the local ones ------------
"$CUSTOS" audit checkpoint export --data "$D" "$T/cps" 2>/dev/null || fail "checkpoint export"
[ "$(wc -l <"$T/cps")" -ge 20 ] || fail "checkpoint export lines"; ok
"$CUSTOS" audit verify --data "$D" --checkpoints "$T/cps" >/dev/null || fail "verify --checkpoints"; ok
R=$T/rollback; cp -a "$D" "$R"
# The attacker removes records 1901..2000 and the checkpoints that covered them.
rm -f "$R"/audit/seg-0000000000001501.log
head -n 400 "$D/audit/seg-0000000000001501.log" >"$R/audit/seg-0000000000001501.log"
awk -F'[:,]' '$2 <= 1900' "$D/audit/checkpoints.log" >"$R/audit/checkpoints.log"
"$CUSTOS" audit verify --data "$R" >/dev/null 2>&1 || fail "expected the local-only rollback to look intact"
"$CUSTOS" audit verify --data "$R" --checkpoints "$T/cps" >/dev/null 2>"$T/err"
[ $? -eq 1 ] && grep -q "first bad sequence number: 1901" "$T/err" || fail "exported checkpoints missed a rollback: $(cat "$T/err")"; ok

# --- random tamper trials through the CLI ------------------------------------
seg_of() { printf '%s/audit/seg-%016d.log' "$1" $(( ($2 - 1) / 500 * 500 + 1 )); }
line_of() { echo $(( ($1 - 1) % 500 + 1 )); }
rnd() { echo $(( (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1) + $1 )); }
trials=0; caught=0
for t in $(seq 1 40); do
	C=$T/trial; rm -rf "$C"; cp -a "$D" "$C"
	kind=$(( t % 5 ))
	case $kind in
	0)	k=$(rnd 1 2000); f=$(seg_of "$C" "$k"); l=$(line_of "$k")
		off=$(head -n $((l - 1)) "$f" | wc -c); len=$(sed -n "${l}p" "$f" | wc -c)
		pos=$((off + $(rnd 0 $((len - 1)))))
		old=$(od -An -tu1 -j "$pos" -N1 "$f" | tr -d ' ')
		new=$(( old ^ $(rnd 1 255) ))
		printf "$(printf '\\%03o' "$new")" | dd of="$f" bs=1 seek="$pos" conv=notrunc status=none
		want=$k; what="flip byte $pos of record $k" ;;
	1)	k=$(rnd 2 1999); f=$(seg_of "$C" "$k"); sed -i "$(line_of "$k")d" "$f"
		want=$k; what="delete record $k" ;;
	2)	k=$(rnd 1 1999); [ "$(line_of "$k")" -eq 500 ] && k=$((k - 1))
		f=$(seg_of "$C" "$k"); l=$(line_of "$k")
		awk -v l="$l" 'NR==l {keep=$0; next} NR==l+1 {print; print keep; next} {print}' "$f" >"$f.new" && mv "$f.new" "$f"
		want=$k; what="swap records $k and $((k + 1))" ;;
	3)	keep=$(rnd 1 1999); f=$(seg_of "$C" $((keep + 1)))
		for s in "$C"/audit/seg-*.log; do
			first=$((10#$(basename "$s" .log | cut -c5-)))
			[ "$first" -gt $((keep + 1)) ] && rm -f "$s"
		done
		head -n $(( keep - ( (keep) / 500 * 500 ) )) "$f" >"$f.new"
		[ $(( (keep + 1 - 1) % 500 )) -eq 0 ] && : >"$f.new"
		mv "$f.new" "$f"
		want=$((keep + 1)); what="truncate after $keep" ;;
	4)	n=$(wc -l <"$C/audit/checkpoints.log"); i=$(rnd 1 "$n")
		want=$(sed -n "${i}p" "$C/audit/checkpoints.log" | sed 's/^{"seq":\([0-9]*\),.*/\1/')
		sig=$(od -An -tx1 -N64 /dev/urandom | tr -d ' \n')
		sed -i "${i}s/\"sig\":\"[0-9a-f]*\"/\"sig\":\"$sig\"/" "$C/audit/checkpoints.log"
		what="replace the signature of checkpoint $want" ;;
	esac
	trials=$((trials + 1))
	"$CUSTOS" audit verify --data "$C" >/dev/null 2>"$T/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "first bad sequence number: $want\$" "$T/err"; then
		caught=$((caught + 1))
	else
		fail "trial $t ($what): exit $rc, expected first bad $want: $(cat "$T/err")"
	fi
done
echo "CLI tamper trials: $trials run, $caught caught with the exact first bad sequence number"
ok

# --- a full and a read-only filesystem -----------------------------------------
MNT=$T/small; mkdir -p "$MNT"
if mount -t tmpfs -o size=320k tmpfs "$MNT" 2>/dev/null; then
	F=$MNT/data
	"$GEN" gen "$F" 20000 8 >"$T/facks" 2>"$T/ferr"
	rc=$?
	[ $rc -eq 3 ] || fail "a full disk should fail the log closed (exit 3), got $rc: $(tail -3 "$T/ferr")"
	grep -q "FAILED to write" "$T/ferr" || fail "no loud error on a full disk"; ok
	nacked=$(wc -l <"$T/facks")
	[ "$nacked" -gt 0 ] && [ "$nacked" -lt 20000 ] || fail "acknowledged $nacked"
	# Read-only: the log cannot even be opened for appending.
	mount -o remount,ro "$MNT" || fail "remount ro"
	"$GEN" gen "$F" 10 2 >/dev/null 2>"$T/rerr"; rc=$?
	[ $rc -eq 1 ] || fail "a read-only log should refuse to open, got $rc"; ok
	# The storage is fixed (here: copied to a disk with room); restart.
	cp -a "$F" "$T/fixed"
	"$GEN" gen "$T/fixed" 10 2 >/dev/null 2>"$T/rerr" || fail "restart after a full disk: $(cat "$T/rerr")"
	"$CUSTOS" audit verify --data "$T/fixed" >/dev/null 2>"$T/err" || fail "verify after restart: $(cat "$T/err")"; ok
	# No acknowledged record was lost: each ack'd seq holds its request.
	"$CUSTOS" audit export --data "$T/fixed" --format jsonl |
		sed 's/^{"v":1,"seq":\([0-9]*\),.*"request":"\([^"]*\)".*/ack \1 \2/' | sort >"$T/have"
	sort "$T/facks" >"$T/want"
	missing=$(comm -23 "$T/want" "$T/have" | wc -l)
	[ "$missing" -eq 0 ] || fail "$missing acknowledged records lost after a full disk"
	echo "full disk: $nacked records acknowledged before the log failed closed, 0 lost"
	ok
	umount "$MNT"; MNT=""
else
	echo "SKIP: cannot mount a small tmpfs (not root?): full-disk test skipped"
fi

echo "$pass passed, 0 failed"
