# lib.sh - shared helpers for the end-to-end tests (sourced, not run).
#
# Each test drives the real binary ($CUSTOS) with real clients (curl,
# oathtool, sqlite3) against a server on a loopback port, counts checks,
# and ends with "N passed, N failed".

set -u
: "${CUSTOS:?set CUSTOS to the custos binary}"
export CUSTOS_PASSPHRASE="${CUSTOS_PASSPHRASE:-e2e passphrase $$ $RANDOM}"

PASS=0
FAIL=0
WORK=$(mktemp -d /tmp/custos-e2e.XXXXXX)
SERVER_PID=""
PORT=""
BASE=""

cleanup() {
	stop_server
	rm -rf "$WORK"
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); }
fail() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
check() { # check DESC COMMAND...
	local desc=$1; shift
	if "$@"; then ok; else fail "$desc"; fi
}
check_eq() { # check_eq DESC GOT WANT
	if [ "$2" = "$3" ]; then ok; else fail "$1: got '$2', want '$3'"; fi
}
check_contains() { # check_contains DESC HAYSTACK NEEDLE
	case "$2" in *"$3"*) ok ;; *) fail "$1: '$3' not in '$2'" ;; esac
}
check_not_contains() {
	case "$2" in *"$3"*) fail "$1: '$3' found in '$2'" ;; *) ok ;; esac
}
finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}

# jget JSON EXPR: a value from JSON with python3 (e.g. "['id']").
jget() { python3 -c "import json,sys; v=json.loads(sys.argv[1])$2; print(v if not isinstance(v,(dict,list,bool)) else json.dumps(v,ensure_ascii=False))" "$1"; }

# init_data DIR: custos init with JSON output into $WORK/init.json.
init_data() {
	"$CUSTOS" init --data "$1" --kdf interactive --format json >"$WORK/init.json"
	ADMIN_PW=$(jget "$(cat "$WORK/init.json")" "['password']")
	ADMIN_TOTP=$(jget "$(cat "$WORK/init.json")" "['totp_secret']")
}

# start_server DIR [extra serve options]: start on a free port, wait.
start_server() {
	local dir=$1; shift
	: >"$WORK/serve.log"
	"$CUSTOS" serve --data "$dir" --listen 127.0.0.1:0 "$@" 2>>"$WORK/serve.log" &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's/.*listening on https\{0,1\}:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/serve.log" | tail -1)
		[ -n "$PORT" ] && break
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$PORT" ]; then
		echo "server did not start:" >&2
		cat "$WORK/serve.log" >&2
		return 1
	fi
	if grep -q "listening on https" "$WORK/serve.log"; then
		BASE="https://127.0.0.1:$PORT"
	else
		BASE="http://127.0.0.1:$PORT"
	fi
}

stop_server() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null
		SERVER_STATUS=$?
	fi
	SERVER_PID=""
}

# api METHOD PATH [BODY] [curl options...]: prints "STATUS BODY".
api() {
	local method=$1 path=$2 body=${3:-}; shift 3 2>/dev/null || shift $#
	local args=(-sk -o "$WORK/resp" -w '%{http_code}' -X "$method")
	[ -n "${TOKEN:-}" ] && args+=(-H "Authorization: Bearer $TOKEN")
	[ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	local code
	code=$(curl "${args[@]}" "$@" "$BASE$path")
	echo "$code $(cat "$WORK/resp")"
}

# totp_next SECRET: set TOTP_CODE to a code for the current step, waiting
# for a fresh step when this secret's current one was already used (a code
# is accepted once).  Call it directly, not in $(...), so the step is
# remembered.
declare -A LAST_STEP
totp_next() {
	local step
	step=$(( $(date +%s) / 30 ))
	while [ "$step" = "${LAST_STEP[$1]:-}" ]; do
		sleep 1
		step=$(( $(date +%s) / 30 ))
	done
	LAST_STEP[$1]=$step
	TOTP_CODE=$(oathtool --totp -b "$1")
}

# login USER PASSWORD SECRET [JAR]: session cookie in JAR (default
# $WORK/cookies), CSRF token in $CSRF, the answer in $LOGIN_OUT.  An empty
# SECRET logs in without a code (users who have not enrolled yet).
login() {
	local code="" out jar=${4:-$WORK/cookies}
	if [ -n "$3" ]; then totp_next "$3"; code=$TOTP_CODE; fi
	out=$(curl -sk -c "$jar" -D "$WORK/login.headers" -H 'Content-Type: application/json' \
		--data-binary "{\"username\":\"$1\",\"password\":\"$2\",\"totp\":\"$code\"}" "$BASE/v1/login")
	LOGIN_OUT=$out
	CSRF=$(jget "$out" "['csrf_token']" 2>/dev/null || true)
	LOGIN_CODE=$code
	[ -n "$CSRF" ]
}

# change_password OLD NEW: through the session in $WORK/cookies; takes the
# rotated session cookie and the new CSRF token when enrolment completes.
change_password() {
	local out
	out=$(curl -sk -b "$WORK/cookies" -c "$WORK/cookies" -H "X-CSRF-Token: $CSRF" \
		-H 'Content-Type: application/json' \
		--data-binary "{\"current_password\":\"$1\",\"new_password\":\"$2\"}" \
		"$BASE/v1/me/password")
	PW_CHANGE_OUT=$out
	case "$out" in *'"password_changed":true'*) ;; *) return 1 ;; esac
	local c
	c=$(jget "$out" "['csrf_token']" 2>/dev/null || true)
	[ -n "$c" ] && CSRF=$c
	return 0
}

# make_token NAME: a bearer token for admin from the CLI.
make_token() {
	"$CUSTOS" token create --data "$1" --name "$2" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
