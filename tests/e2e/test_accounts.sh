#!/usr/bin/env bash
# End to end: accounts.  First login and enrolment, password policy,
# replayed TOTP, recovery codes, lockout, disable kills live sessions,
# delete needs a second administrator, module permissions, login alerts,
# stale accounts, and no secret in any log.
. "$(dirname "$0")/lib.sh"

DATA="$WORK/data"
init_data "$DATA"
TOKEN=$(make_token "$DATA" admin-ops)
start_server "$DATA"
SECRETS=()

# A session helper: SESSION request with cookie jar and CSRF.
sapi() { # sapi JAR CSRF METHOD PATH [BODY]
	local jar=$1 csrf=$2; shift 2
	TOKEN="" api "$1" "$2" "${3:-}" -b "$jar" -c "$jar" -H "X-CSRF-Token: $csrf"
}

# ---- creating a user ----------------------------------------------------------
r=$(api POST /v1/users '{"username":"alice","display_name":"Alice","department":"sales","roles":["staff"]}')
check_eq "admin creates a user" "${r%% *}" "201"
ALICE_PW=$(jget "${r#* }" "['one_time_password']")
SECRETS+=("$ALICE_PW")
r=$(api POST /v1/users '{"username":"alice"}')
check_eq "duplicate user 409" "${r%% *}" "409"
r=$(api POST /v1/users '{"username":"Bad Name"}')
check_eq "bad user name 400" "${r%% *}" "400"
r=$(api POST /v1/users '{"username":"x1","roles":["no_such_role"]}')
check_contains "unknown role refused" "$r" '"field":"roles"'
r=$(api POST /v1/users '{"username":"x2","shoe_size":42}')
check_contains "unknown key refused" "$r" '"field":"shoe_size"'

# ---- first login and enrolment ---------------------------------------------------
A="$WORK/alice.jar"
check "first login with the one-time password, no code" login alice "$ALICE_PW" "" "$A"
check_contains "stage enrol" "$LOGIN_OUT" '"stage":"enrol"'
ACSRF=$CSRF
r=$(sapi "$A" "$ACSRF" GET /v1/collections)
check_eq "nothing but enrolment before it is done" "${r%% *}" "403"
r=$(sapi "$A" "$ACSRF" POST /v1/me/password "{\"current_password\":\"$ALICE_PW\",\"new_password\":\"short\"}")
check_contains "too short refused with its rule" "$r" '"rule":"min_length"'
r=$(sapi "$A" "$ACSRF" POST /v1/me/password "{\"current_password\":\"$ALICE_PW\",\"new_password\":\"woaini1314\"}")
check_contains "common password refused" "$r" '"rule":"common"'
r=$(sapi "$A" "$ACSRF" POST /v1/me/password "{\"current_password\":\"$ALICE_PW\",\"new_password\":\"aaaaaaaaaaaaaaaaaa\"}")
check_contains "guessable password refused" "$r" '"rule":"guessable"'
r=$(sapi "$A" "$ACSRF" POST /v1/me/password "{\"current_password\":\"wrong\",\"new_password\":\"violet harbour cinnamon 42\"}")
check_eq "wrong current password" "${r%% *}" "403"
ALICE_PW2="violet harbour cinnamon 42"
SECRETS+=("$ALICE_PW2")
r=$(sapi "$A" "$ACSRF" POST /v1/me/password "{\"current_password\":\"$ALICE_PW\",\"new_password\":\"$ALICE_PW2\"}")
check_contains "15+ character passphrase accepted" "$r" '"password_changed":true'
check_contains "still needs TOTP" "$r" '"enrolment_complete":false'
r=$(sapi "$A" "$ACSRF" POST /v1/me/totp)
check_eq "TOTP enrolment starts" "${r%% *}" "200"
ALICE_TOTP=$(jget "${r#* }" "['secret']")
SECRETS+=("$ALICE_TOTP")
check_contains "otpauth uri" "$r" "otpauth://totp/custos:alice?secret="
r=$(sapi "$A" "$ACSRF" POST /v1/me/totp/confirm '{"code":"000000"}')
check_eq "wrong enrolment code 400" "${r%% *}" "400"
OLD_SID=$(awk '$6=="__Host-custos_session"{print $7}' "$A")
totp_next "$ALICE_TOTP"
r=$(sapi "$A" "$ACSRF" POST /v1/me/totp/confirm "{\"code\":\"$TOTP_CODE\"}")
check_contains "TOTP enrolled" "$r" '"totp_enrolled":true'
check_contains "enrolment complete" "$r" '"enrolment_complete":true'
RECOVERY=$(jget "${r#* }" "['recovery_codes'][0]")
RECOVERY_N=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["recovery_codes"]))' "${r#* }")
check_eq "ten recovery codes" "$RECOVERY_N" "10"
ACSRF=$(jget "${r#* }" "['csrf_token']")
NEW_SID=$(awk '$6=="__Host-custos_session"{print $7}' "$A")
check "session id changes when enrolment completes" [ "$OLD_SID" != "$NEW_SID" ]
SECRETS+=("$OLD_SID" "$NEW_SID" "$RECOVERY")
r=$(sapi "$A" "$ACSRF" GET /v1/collections)
check_eq "full access after enrolment" "${r%% *}" "200"
r=$(TOKEN="" api GET /v1/me "" -b "__Host-custos_session=$OLD_SID")
check_eq "pre-enrolment session id is dead" "${r%% *}" "401"

# ---- TOTP replay, recovery codes --------------------------------------------------
check "login with password and TOTP" login alice "$ALICE_PW2" "$ALICE_TOTP" "$WORK/alice2.jar"
r=$(TOKEN="" api POST /v1/login "{\"username\":\"alice\",\"password\":\"$ALICE_PW2\",\"totp\":\"$LOGIN_CODE\"}")
check_eq "replayed TOTP code refused" "${r%% *}" "401"
r=$(TOKEN="" api POST /v1/login "{\"username\":\"alice\",\"password\":\"$ALICE_PW2\",\"recovery_code\":\"$RECOVERY\"}")
check_eq "recovery code works once" "${r%% *}" "200"
r=$(TOKEN="" api POST /v1/login "{\"username\":\"alice\",\"password\":\"$ALICE_PW2\",\"recovery_code\":\"$RECOVERY\"}")
check_eq "recovery code refused the second time" "${r%% *}" "401"

# ---- login alerts -----------------------------------------------------------------
r=$(sapi "$A" "$ACSRF" GET /v1/me/notifications)
check_contains "notifications readable" "$r" '"notifications":['
# A login from a new device (user agent) alerts the owner.
totp_next "$ALICE_TOTP"
r=$(curl -sk -o /dev/null -w '%{http_code}' -A "NewPhone/2.0" -H 'Content-Type: application/json' \
	--data-binary "{\"username\":\"alice\",\"password\":\"$ALICE_PW2\",\"totp\":\"$TOTP_CODE\"}" "$BASE/v1/login")
check_eq "login from a new device" "$r" "200"
r=$(sapi "$A" "$ACSRF" GET /v1/me/notifications)
check_contains "new device alert" "$r" '"kind":"login.new_device"'
r=$(sapi "$A" "$ACSRF" GET /v1/me/sessions)
check_contains "own sessions listed" "$r" '"sessions":[{'
REF=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print([s["ref"] for s in d["sessions"] if s["ref"]!=d["current"]][0])' "${r#* }")
r=$(sapi "$A" "$ACSRF" DELETE "/v1/me/sessions/$REF")
check_eq "end one of my sessions" "${r%% *}" "200"

# ---- lockout --------------------------------------------------------------------
r=$(api PUT /v1/settings/security '{"lockout_threshold":3,"lockout_seconds":6}')
check_contains "settings changed" "$r" '"lockout_threshold":3'
r=$(api PUT /v1/settings/security '{"lockout_threshold":0}')
check_eq "bad setting refused" "${r%% *}" "400"
r=$(api PUT /v1/settings/security '{"nonsense":1}')
check_eq "unknown setting refused" "${r%% *}" "400"
# Take a fresh code first: waiting for one must not eat the lock time.
totp_next "$ALICE_TOTP"
code=$TOTP_CODE
for i in 1 2 3; do
	TOKEN="" api POST /v1/login '{"username":"alice","password":"wrong password","totp":"123456"}' >/dev/null
done
r=$(TOKEN="" api POST /v1/login "{\"username\":\"alice\",\"password\":\"$ALICE_PW2\",\"totp\":\"$code\"}")
check_eq "locked: the right password does not open it" "${r%% *}" "401"
r2=$(TOKEN="" api POST /v1/login '{"username":"nobody-here","password":"wrong password","totp":"123456"}')
check_eq "locked and unknown answer alike" "${r#* }" "${r2#* }"
r=$(sapi "$A" "$ACSRF" GET /v1/me/notifications)
check_contains "lockout alert" "$r" '"kind":"account.locked"'
sleep 7
# The code tried while locked was never accepted; use a fresh one anyway
# in case the time step moved on.
code=$(oathtool --totp -b "$ALICE_TOTP")
r=$(TOKEN="" api POST /v1/login "{\"username\":\"alice\",\"password\":\"$ALICE_PW2\",\"totp\":\"$code\"}")
check_eq "unlocked after the configured time" "${r%% *}" "200"
LAST_STEP[$ALICE_TOTP]=$(( $(date +%s) / 30 ))

# ---- module permissions: an HR administrator ------------------------------------
r=$(api POST /v1/users '{"username":"hr1","department":"hr","roles":["hr_admin"]}')
HR_PW=$(jget "${r#* }" "['one_time_password']")
SECRETS+=("$HR_PW")
H="$WORK/hr.jar"
login hr1 "$HR_PW" "" "$H"
HCSRF=$CSRF
HR_PW2="marble kettle sunrise 1987"
sapi "$H" "$HCSRF" POST /v1/me/password "{\"current_password\":\"$HR_PW\",\"new_password\":\"$HR_PW2\"}" >/dev/null
r=$(sapi "$H" "$HCSRF" POST /v1/me/totp)
HR_TOTP=$(jget "${r#* }" "['secret']")
totp_next "$HR_TOTP"
r=$(sapi "$H" "$HCSRF" POST /v1/me/totp/confirm "{\"code\":\"$TOTP_CODE\"}")
HCSRF=$(jget "${r#* }" "['csrf_token']")
r=$(sapi "$H" "$HCSRF" POST /v1/users '{"username":"bob","roles":["staff"]}')
check_eq "HR administrator creates users" "${r%% *}" "201"
r=$(sapi "$H" "$HCSRF" GET /v1/users)
check_eq "HR administrator lists users" "${r%% *}" "200"
r=$(sapi "$H" "$HCSRF" POST /v1/collections '{"name":"c","fields":[{"name":"a","type":"string"}]}')
check_eq "HR administrator cannot create collections" "${r%% *}" "403"
r=$(sapi "$H" "$HCSRF" PUT /v1/roles/staff '{"modules":["audit"]}')
check_eq "HR administrator cannot edit roles" "${r%% *}" "403"
r=$(sapi "$H" "$HCSRF" GET /v1/audit)
check "HR administrator gets 403 (or no such endpoint) on the audit log" [ "${r%% *}" = 403 ]
r=$(sapi "$H" "$HCSRF" POST /v1/users '{"username":"mallory","roles":["admin"]}')
check_eq "HR administrator cannot create an admin" "${r%% *}" "403"
r=$(sapi "$H" "$HCSRF" POST /v1/users/admin/disable)
check_eq "HR administrator cannot disable the admin" "${r%% *}" "403"
r=$(sapi "$H" "$HCSRF" PUT /v1/users/bob/roles '{"roles":["hr_admin","auditor"]}')
check_eq "HR administrator cannot grant modules they lack" "${r%% *}" "403"
r=$(sapi "$H" "$HCSRF" POST /v1/tokens '{"name":"sneaky","user":"admin"}')
check_eq "HR administrator cannot mint a token for the admin" "${r%% *}" "403"
r=$(sapi "$H" "$HCSRF" POST /v1/tokens '{"name":"mine"}')
check_eq "but may make their own" "${r%% *}" "201"
HR_TOKEN=$(jget "${r#* }" "['token']")
r=$(TOKEN=$HR_TOKEN api POST /v1/me/totp)
check_eq "a token cannot replace its user's second factor" "${r%% *}" "403"
r=$(TOKEN=$HR_TOKEN api POST /v1/me/password '{"current_password":"x","new_password":"y"}')
check_eq "a token cannot change its user's password" "${r%% *}" "403"
ADMIN_TOKEN_ID=$(jget "$(api GET /v1/tokens | cut -d' ' -f2-)" "['tokens'][0]['id']")
r=$(sapi "$H" "$HCSRF" DELETE "/v1/tokens/$ADMIN_TOKEN_ID")
check_eq "HR administrator cannot revoke the admin's token" "${r%% *}" "403"

# ---- disable kills live sessions --------------------------------------------------
B="$WORK/bob.jar"
BOB_PW=$(jget "$(api POST /v1/users/bob/reset-password | cut -d' ' -f2-)" "['one_time_password']")
SECRETS+=("$BOB_PW")
check "bob logs in" login bob "$BOB_PW" "" "$B"
BCSRF=$CSRF
BOB_TOKEN=$(jget "$(api POST /v1/tokens '{"name":"bobs","user":"bob"}' | cut -d' ' -f2-)" "['token']")
r=$(TOKEN="$BOB_TOKEN" api GET /v1/me)
check_eq "bob's token works" "${r%% *}" "200"
r=$(sapi "$B" "$BCSRF" GET /v1/me)
check_eq "bob's session works" "${r%% *}" "200"
r=$(sapi "$H" "$HCSRF" POST /v1/users/bob/disable)
check_eq "HR administrator disables bob" "${r%% *}" "200"
r=$(sapi "$B" "$BCSRF" GET /v1/me)
check_eq "disabled user's live session: 401 on the very next request" "${r%% *}" "401"
r=$(TOKEN="$BOB_TOKEN" api GET /v1/me)
check_eq "disabled user's token: 401" "${r%% *}" "401"
r=$(TOKEN="" api POST /v1/login "{\"username\":\"bob\",\"password\":\"$BOB_PW\"}")
check_eq "disabled user cannot log in" "${r%% *}" "401"
r=$(api POST /v1/users/bob/enable)
check_eq "enable again" "${r%% *}" "200"

# ---- delete needs a second administrator ------------------------------------------
api POST /v1/collections '{"name":"leads","fields":[{"name":"phone","type":"phone","class":"sensitive"}]}' >/dev/null
LEAD=$(jget "$(api POST /v1/collections/leads/records '{"fields":{"phone":"13800138000"},"owner":"bob"}' | cut -d' ' -f2-)" "['id']")
r=$(api POST /v1/users/bob/delete '{"confirm":"bobby","reassign_to":"alice"}')
check_eq "delete asks for confirmation" "${r%% *}" "400"
r=$(api POST /v1/users/bob/delete '{"confirm":"bob","reassign_to":"alice","reason":"left the company"}')
check_eq "delete waits for approval" "${r%% *}" "202"
APPROVAL=$(jget "${r#* }" "['approval_id']")
r=$(api POST "/v1/approvals/$APPROVAL/approve")
check_eq "requester cannot approve their own request" "${r%% *}" "403"
r=$(api GET /v1/users/bob)
check_contains "not deleted before approval" "$r" '"status":"active"'
r=$(sapi "$H" "$HCSRF" POST "/v1/approvals/$APPROVAL/approve")
check_eq "a second administrator approves" "${r%% *}" "200"
check_contains "carried out" "$r" '"status":"executed"'
check_contains "records reassigned" "$r" '"records_reassigned":1'
r=$(api GET /v1/users/bob)
check_contains "bob deleted" "$r" '"status":"deleted"'
r=$(api GET "/v1/collections/leads/records/$LEAD")
check_contains "record now owned by alice" "$r" '"owner":"alice"'
r=$(sapi "$H" "$HCSRF" POST "/v1/approvals/$APPROVAL/approve")
check_eq "cannot approve twice" "${r%% *}" "409"
r=$(api POST /v1/users/alice/delete '{"confirm":"alice","reassign_to":"hr1"}')
A2=$(jget "${r#* }" "['approval_id']")
r=$(sapi "$H" "$HCSRF" POST "/v1/approvals/$A2/deny")
check_contains "denied" "$r" '"status":"denied"'
r=$(api GET /v1/users/alice)
check_contains "denied request changes nothing" "$r" '"status":"active"'

# ---- password policy presets ---------------------------------------------------------
r=$(api PUT /v1/settings/security '{"password_policy":{"preset":"mlps"}}')
check_contains "mlps preset" "$r" '"expiry_days":90'
PW3="Indigo-Falcon-77"
r=$(sapi "$A" "$ACSRF" POST /v1/me/password "{\"current_password\":\"$ALICE_PW2\",\"new_password\":\"lowercaseonly123\"}")
check_contains "mlps: character classes" "$r" '"rule":"classes"'
r=$(sapi "$A" "$ACSRF" POST /v1/me/password "{\"current_password\":\"$ALICE_PW2\",\"new_password\":\"$PW3\"}")
check_contains "mlps: good password" "$r" '"password_changed":true'
r=$(sapi "$A" "$ACSRF" POST /v1/me/password "{\"current_password\":\"$PW3\",\"new_password\":\"$ALICE_PW2\"}")
check_contains "mlps: no reuse of recent passwords" "$r" '"rule":"history"'
SECRETS+=("$PW3")

# ---- TOTP reset (lost phone) and stale accounts ----------------------------------------
r=$(api POST /v1/users/alice/reset-totp)
check_eq "reset TOTP" "${r%% *}" "200"
r=$(sapi "$A" "$ACSRF" GET /v1/me)
check_eq "reset ends the sessions" "${r%% *}" "401"
login alice "$PW3" "" "$WORK/alice4.jar"
check_contains "re-enrolment required" "$LOGIN_OUT" '"stage":"enrol"'
stop_server
"$CUSTOS" user add --data "$DATA" carol --role staff >/dev/null
check_eq "custos user add" "$?" "0"
# carol's account was made (and never used) 100 days ago.
sqlite3 "$DATA/custos.db" "UPDATE users SET created_at = created_at - 100*86400 WHERE username = 'carol'"
out=$("$CUSTOS" user list --data "$DATA" --stale 90d --format json)
check_contains "stale list has a never-used account" "$out" '"username":"carol"'
check_not_contains "stale list skips recent logins" "$out" '"username":"alice"'
"$CUSTOS" user list --data "$DATA" --stale soon >/dev/null 2>&1
check_eq "bad --stale is a usage error" "$?" "2"
"$CUSTOS" user disable --data "$DATA" carol >/dev/null
check_contains "custos user disable" "$("$CUSTOS" user list --data "$DATA" --format json)" '"status":"disabled"'
"$CUSTOS" user delete --data "$DATA" carol --reassign-to admin >/dev/null 2>&1
check_eq "CLI delete needs --confirm" "$?" "2"
out=$("$CUSTOS" user delete --data "$DATA" carol --confirm carol --reassign-to admin)
check_contains "CLI delete files an approval" "$out" "approval a_"
out=$("$CUSTOS" audit query --data "$DATA" --format jsonl)
check_contains "CLI actions are in the operation log" "$out" '"auth":"cli"'
check_contains "CLI disable recorded" "$out" '"event":"user.disable"' 

# ---- no secret in any log ---------------------------------------------------------------
for s in "${SECRETS[@]}"; do
	[ -z "$s" ] && continue
	if grep -a -F -q -- "$s" "$WORK/serve.log"; then fail "a secret reached the server log"; else ok; fi
done

finish
