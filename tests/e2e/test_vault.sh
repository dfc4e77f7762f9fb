#!/usr/bin/env bash
# End to end: the README walkthrough, canary records never on disk in the
# clear, restart, wrong passphrase, tampered rows, bad requests.
. "$(dirname "$0")/lib.sh"

DATA="$WORK/data"

# ---- init ------------------------------------------------------------------
init_data "$DATA"
check_eq "data dir mode" "$(stat -c %a "$DATA")" "700"
check_eq "keyring mode" "$(stat -c %a "$DATA/keyring.json")" "600"
check_eq "tls key mode" "$(stat -c %a "$DATA/tls/key.pem")" "600"
check "otpauth uri printed" grep -q 'otpauth://totp/custos:admin?secret=' "$WORK/init.json"
"$CUSTOS" init --data "$DATA" --kdf interactive >/dev/null 2>"$WORK/err"
check_eq "init refuses an existing data dir" "$?" "1"
check "init says why" grep -q "not empty" "$WORK/err"
"$CUSTOS" init >/dev/null 2>&1
check_eq "init without --data is a usage error" "$?" "2"
"$CUSTOS" frobnicate >/dev/null 2>&1
check_eq "unknown command is a usage error" "$?" "2"
"$CUSTOS" help init | grep -q -- "--data DIR"
check_eq "help init" "$?" "0"
# Text output draws a QR code.
CUSTOS_PASSPHRASE=x-long-enough-passphrase "$CUSTOS" init --data "$WORK/qr" --kdf interactive >"$WORK/qr.txt"
check "text init prints a QR code" grep -q "▀" "$WORK/qr.txt"

# ---- wrong passphrase, plain HTTP off loopback --------------------------------
start=$(date +%s)
CUSTOS_PASSPHRASE="wrong passphrase" "$CUSTOS" serve --data "$DATA" --listen 127.0.0.1:0 2>"$WORK/err"
check_eq "wrong passphrase exits 1" "$?" "1"
check "wrong passphrase message" grep -q "wrong passphrase" "$WORK/err"
check "wrong passphrase fails at once" [ $(( $(date +%s) - start )) -lt 10 ]
"$CUSTOS" serve --data "$DATA" --listen 0.0.0.0:0 --plain-http 2>"$WORK/err"
check_eq "plain HTTP off loopback refused" "$?" "2"

# ---- login ---------------------------------------------------------------
TOKEN_CRM=$(make_token "$DATA" crm)
start_server "$DATA"
r=$(api GET /healthz)
check_eq "healthz" "$r" '200 {"status":"ok"}'
r=$(curl -sk -o /dev/null -w '%{http_code}' -I "$BASE/healthz")
check_eq "HEAD /healthz" "$r" "200"

check "login with oathtool" login admin "$ADMIN_PW" "$ADMIN_TOTP"
cookie=$(grep -i '^set-cookie:' "$WORK/login.headers")
check_contains "cookie prefix" "$cookie" "__Host-custos_session="
check_contains "cookie Secure" "$cookie" "Secure"
check_contains "cookie HttpOnly" "$cookie" "HttpOnly"
check_contains "cookie SameSite" "$cookie" "SameSite=Strict"
SESSION_ID=$(sed -n 's/.*__Host-custos_session=\([^;]*\);.*/\1/p' "$WORK/login.headers" | tr -d '\r')
r=$(api POST /v1/login "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\",\"totp\":\"$LOGIN_CODE\"}")
check_eq "replayed TOTP refused" "${r%% *}" "401"
r=$(api POST /v1/login "{\"username\":\"admin\",\"password\":\"wrong-password\",\"totp\":\"123456\"}")
r2=$(api POST /v1/login "{\"username\":\"nobody\",\"password\":\"wrong-password\",\"totp\":\"123456\"}")
check_eq "wrong password 401" "${r%% *}" "401"
check_eq "unknown user answers the same" "$r" "$r2"
r=$(api GET /v1/me "" -b "$WORK/cookies")
check_contains "session works" "$r" '"username":"admin"'
check_contains "one-time password: enrolment stage" "$r" '"stage":"enrol"'
r=$(api GET /v1/collections "" -b "$WORK/cookies")
check_eq "enrolment stage cannot read data" "${r%% *}" "403"
ADMIN_PW2="orchid lantern gravel $RANDOM tundra"
check "admin sets own password" change_password "$ADMIN_PW" "$ADMIN_PW2"
check_contains "enrolment complete" "$PW_CHANGE_OUT" '"enrolment_complete":true'
NEW_SESSION_ID=$(sed -n 's/.*__Host-custos_session\t\([^\t]*\)$/\1/p' "$WORK/cookies" | tail -1)
check "session id rotated after enrolment" [ -n "$NEW_SESSION_ID" ] && [ "$NEW_SESSION_ID" != "$SESSION_ID" ]
r=$(curl -sk -o /dev/null -w '%{http_code}' -b "__Host-custos_session=$SESSION_ID" "$BASE/v1/me")
check_eq "old session id is dead" "$r" "401"
r=$(api POST /v1/collections '{"name":"x","fields":[{"name":"a","type":"string"}]}' -b "$WORK/cookies")
check_eq "session POST without CSRF token refused" "${r%% *}" "403"

# ---- the walkthrough ----------------------------------------------------------
SCHEMA='{"name":"customers","fields":[
 {"name":"name","type":"name","class":"internal","required":true},
 {"name":"phone","type":"phone","class":"sensitive"},
 {"name":"id_no","type":"cn_id","class":"highly_sensitive"},
 {"name":"email","type":"email","class":"sensitive"},
 {"name":"card","type":"bank_card","class":"highly_sensitive"},
 {"name":"level","type":"string","class":"public"}]}'
r=$(api POST /v1/collections "$SCHEMA" -b "$WORK/cookies" -H "X-CSRF-Token: $CSRF")
check_eq "create collection with session + CSRF" "${r%% *}" "201"
r=$(api POST /v1/collections "$SCHEMA" -b "$WORK/cookies" -H "X-CSRF-Token: $CSRF")
check_eq "duplicate collection 409" "${r%% *}" "409"
TOKEN=$TOKEN_CRM
check_contains "token format" "$TOKEN" "cus_"
"$CUSTOS" token create --data "$DATA" --name while-running >/dev/null 2>"$WORK/err"
check_eq "CLI changes refused while the server holds the log" "$?" "1"
check "and says to use the API" grep -q "through the API" "$WORK/err"
r=$(api POST /v1/tokens '{"name":"via-api"}')
check_eq "tokens through the API" "${r%% *}" "201"
r=$(api POST /v1/collections/customers/records '{"fields":{"name":"张三","phone":"138 1234 5678","id_no":"11010519491231002X","email":"zhang@example.com","level":"gold"}}')
check_eq "store a customer" "${r%% *}" "201"
ID=$(jget "${r#* }" "['id']")
r=$(api GET "/v1/collections/customers/records/$ID")
check_contains "without a purpose sensitive fields are withheld" "$r" '"withheld":["email","id_no","phone"]'
check_not_contains "withheld means absent" "$r" '"phone":'
r=$(api GET "/v1/collections/customers/records/$ID?purpose=nonsense")
check_eq "undeclared purpose 400" "${r%% *}" "400"
r=$(api GET "/v1/collections/customers/records/$ID?purpose=customer_service")
check_eq "read 200" "${r%% *}" "200"
check_contains "phone masked" "$r" '"phone":"138****5678"'
check_contains "id masked" "$r" '"id_no":"110105********002X"'
check_contains "email masked" "$r" '"email":"z***@example.com"'
check_contains "internal field clear" "$r" '"name":"张三"'
check_not_contains "no clear phone" "$r" "13812345678"
r=$(api GET "/v1/collections/customers/records/$ID?purpose=customer_service&reveal=phone")
check_eq "reveal without reason refused" "${r%% *}" "400"
r=$(api GET "/v1/collections/customers/records/$ID?purpose=customer_service&reveal=phone&reason=customer%20callback")
check_contains "reveal phone" "$r" '"phone":"13812345678"'
check_contains "others stay masked" "$r" '"id_no":"110105********002X"'
r=$(api GET "/v1/collections/customers/records?phone=138-1234-5678")
check_contains "lookup by encrypted phone" "$r" "\"id\":\"$ID\""
r=$(api GET "/v1/collections/customers/records?id_no=11010519491231002x")
check_contains "lookup by id number (lower-case x)" "$r" "\"id\":\"$ID\""
r=$(api GET "/v1/collections/customers/records?phone=13812345679")
check_eq "lookup miss" "$r" '200 {"records":[]}'
r=$(api PATCH "/v1/collections/customers/records/$ID" '{"fields":{"phone":"13900001111"}}')
check_eq "update" "${r%% *}" "200"
r=$(api GET "/v1/collections/customers/records/$ID?purpose=customer_service&reveal=phone&reason=check")
check_contains "updated value" "$r" '"phone":"13900001111"'
check_contains "version bumped" "$r" '"version":2'

# ---- bad requests -------------------------------------------------------------
r=$(api POST /v1/collections/customers/records '{"fields":{"name":"a"')
check_eq "malformed JSON 400" "${r%% *}" "400"
r=$(api POST /v1/collections/customers/records '{"fields":{"name":"李四","nickname":"x"}}')
check_eq "unknown field 400" "${r%% *}" "400"
check_contains "error names the field" "$r" '"field":"nickname"'
r=$(api POST /v1/collections/customers/records '{"fields":{"name":"李四","phone":13812345678}}')
check_contains "wrong type names the field" "$r" '"field":"phone"'
r=$(api POST /v1/collections/customers/records '{"fields":{"phone":"13812345678"}}')
check_contains "missing required field" "$r" '"field":"name"'
r=$(api POST /v1/collections/customers/records '{"fields":{"name":"李四","id_no":"110105194912310021"}}')
check_contains "bad ID check digit" "$r" '"field":"id_no"'
r=$(api POST /v1/collections/customers/records '{"fields":{"name":"李四"},"extra":1}')
check_eq "unknown top-level key 400" "${r%% *}" "400"
printf '{"fields":{"name":"\xff\xfe"}}' >"$WORK/bad-utf8.json"
r=$(api POST /v1/collections/customers/records "@$WORK/bad-utf8.json")
check_eq "invalid UTF-8 400" "${r%% *}" "400"
head -c 5000000 /dev/zero | tr '\0' a >"$WORK/big.json"
r=$(api POST /v1/collections/customers/records "@$WORK/big.json")
check_eq "oversized body 413" "${r%% *}" "413"
long=$(head -c 300 /dev/zero | tr '\0' a)
r=$(api POST /v1/collections/customers/records "{\"fields\":{\"name\":\"$long\"}}")
check_eq "oversized value 400" "${r%% *}" "400"
r=$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/plain' -d '{}' "$BASE/v1/collections/customers/records")
check_eq "wrong content type 415" "$r" "415"
r=$(api GET /v1/nothing)
check_eq "unknown endpoint 404" "${r%% *}" "404"
r=$(api PUT /v1/collections)
check_eq "wrong method 405" "${r%% *}" "405"
r=$(TOKEN="" api GET /v1/collections)
check_eq "no credentials 401" "${r%% *}" "401"
r=$(TOKEN="cus_forged_token" api GET /v1/collections)
check_eq "forged token 401" "${r%% *}" "401"
r=$(api GET /v1/collections/nope/records/r_x)
check_eq "unknown collection 404" "${r%% *}" "404"
r=$(api GET /v1/collections/customers/records/r_missing)
check_eq "unknown record 404" "${r%% *}" "404"
check_contains "error envelope" "$r" '{"error":{"code":"not_found"'

# ---- 1,000 canary records --------------------------------------------------------
python3 - "$WORK" "$TOKEN" "$BASE" <<'PY'
import json, sys
work, token, base = sys.argv[1:4]
def cn_id(i):
    body = "110105" + "1990%02d%02d" % (1 + i % 12, 1 + i % 28) + "%03d" % (i % 1000)
    w = [7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
    return body + "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11]
canaries, publics = [], []
with open(work + "/curl.cfg", "w") as cfg:
    for i in range(1000):
        phone = "1380%07d" % (1000000 + i)
        idno = cn_id(i)
        email = "canary%04dq@example.org" % i
        level = "PUBLICMARK%04d" % i
        canaries += [phone, idno, email]
        publics.append(level)
        body = json.dumps({"fields": {"name": "客户%d" % i, "phone": phone, "id_no": idno,
                                      "email": email, "level": level}})
        if i:
            cfg.write("next\n")
        cfg.write('url = "%s/v1/collections/customers/records"\n' % base)
        cfg.write('header = "Authorization: Bearer %s"\n' % token)
        cfg.write('header = "Content-Type: application/json"\n')
        cfg.write("data-binary = %s\n" % json.dumps(body))
        cfg.write('insecure\nsilent\nwrite-out = "%{http_code}\\n"\noutput = /dev/null\n')
open(work + "/canaries.txt", "w").write("\n".join(canaries) + "\n")
open(work + "/publics.txt", "w").write("\n".join(publics) + "\n")
PY
codes=$(curl -K "$WORK/curl.cfg" | sort | uniq -c | tr -s ' ')
check_eq "1000 records stored" "$codes" " 1000 201"
r=$(api GET "/v1/collections/customers/records?phone=13801000500&purpose=customer_service&reveal=phone&reason=e2e")
check_contains "canary record readable" "$r" '"phone":"13801000500"'

stop_server
check_eq "SIGTERM exits 0" "$SERVER_STATUS" "0"
# Positive control: public values are on disk, so the search does work.
found_public=$(grep -r -a -F -c -f "$WORK/publics.txt" "$DATA" | awk -F: '{s+=$2} END {print s+0}')
check "public values are found on disk (search works)" [ "$found_public" -gt 0 ]
if grep -r -a -F -l -f "$WORK/canaries.txt" "$DATA" "$WORK/serve.log" >"$WORK/hits"; then
	fail "sensitive canary values found in: $(cat "$WORK/hits")"
else
	ok
fi
for secret in "$ADMIN_PW" "$ADMIN_PW2" "$ADMIN_TOTP" "$SESSION_ID" "$NEW_SESSION_ID" "$TOKEN" "$CUSTOS_PASSPHRASE"; do
	if grep -r -a -F -q -- "$secret" "$WORK/serve.log" "$DATA"; then
		fail "a secret was found in the log or data directory"
	else
		ok
	fi
done

# ---- restart and read back ------------------------------------------------------
start_server "$DATA"
r=$(api GET "/v1/collections/customers/records/$ID?purpose=customer_service&reveal=phone,id_no&reason=after%20restart")
check_contains "read back after restart" "$r" '"id_no":"11010519491231002X"'
check_contains "read back phone" "$r" '"phone":"13900001111"'
stop_server

# ---- tampering --------------------------------------------------------------
ID2=$(sqlite3 "$DATA/custos.db" "SELECT id FROM records WHERE id != '$ID' ORDER BY id LIMIT 1")
sqlite3 "$DATA/custos.db" "
 CREATE TEMP TABLE t AS SELECT record_id, value FROM record_fields WHERE field='phone' AND record_id IN ('$ID','$ID2');
 UPDATE record_fields SET value = (SELECT value FROM t WHERE t.record_id != record_fields.record_id)
  WHERE field='phone' AND record_id IN ('$ID','$ID2');"
start_server "$DATA"
r=$(api GET "/v1/collections/customers/records/$ID")
check_eq "swapped ciphertexts give an integrity error" "${r%% *}" "500"
check_contains "integrity error code" "$r" '"code":"integrity_error"'
check_not_contains "no wrong data" "$r" "138"
stop_server
ID3=$(sqlite3 "$DATA/custos.db" "SELECT id FROM records WHERE id NOT IN ('$ID','$ID2') ORDER BY id LIMIT 1")
sqlite3 "$DATA/custos.db" "UPDATE record_fields SET value = substr(value,1,40) || X'5A' || substr(value,42) WHERE field='email' AND record_id='$ID3'"
sqlite3 "$DATA/custos.db" "UPDATE record_fields SET value = (SELECT value FROM record_fields WHERE field='phone' AND record_id='$ID3') WHERE field='id_no' AND record_id='$ID3'"
ID4=$(sqlite3 "$DATA/custos.db" "SELECT id FROM records WHERE id NOT IN ('$ID','$ID2','$ID3') ORDER BY id LIMIT 1")
sqlite3 "$DATA/custos.db" "UPDATE record_fields SET sealed = 0, value = CAST('\"13800000000\"' AS BLOB) WHERE field='phone' AND record_id='$ID4'"
start_server "$DATA"
r=$(api GET "/v1/collections/customers/records/$ID3")
check_eq "flipped byte / moved field gives an integrity error" "${r%% *}" "500"
r=$(api GET "/v1/collections/customers/records/$ID4")
check_eq "plaintext planted in a sealed field is refused" "${r%% *}" "500"
ID5=$(sqlite3 "$DATA/custos.db" "SELECT id FROM records WHERE id NOT IN ('$ID','$ID2','$ID3','$ID4') ORDER BY id LIMIT 1")
r=$(api GET "/v1/collections/customers/records/$ID5")
check_eq "untouched records still read" "${r%% *}" "200"
stop_server

finish
