#!/usr/bin/env bash
# End to end: the authorisation matrix (policy_matrix.py), approvals for
# bulk acts, consent, and no unmasked value in the logs.
. "$(dirname "$0")/lib.sh"

DATA="$WORK/data"
init_data "$DATA"
TOKEN=$(make_token "$DATA" matrix)
start_server "$DATA"

python3 "$(dirname "$0")/policy_matrix.py" "$BASE" "$TOKEN" "$CUSTOS" "$DATA" >"$WORK/matrix.out" 2>&1
rc=$?
tail -1 "$WORK/matrix.out"
grep FAIL "$WORK/matrix.out" | head -20 >&2
check_eq "authorisation matrix" "$rc" "0"
n=$(tail -1 "$WORK/matrix.out" | cut -d' ' -f1)
check "hundreds of matrix cases ($n)" [ "${n:-0}" -ge 300 ]

# ---- bad input on the policy endpoints ---------------------------------------------
for body in '{"scope":"galaxy"}' '{"collections":{"members":{"*":["peek"]}}}' '{"modules":["nukes"]}' \
	'{"purposes":"all"}' '{"colour":"red"}' '{"collections":[1]}' '{"reveal_step_up":"yes"}'; do
	r=$(api PUT /v1/roles/badrole "$body")
	check_eq "role $body refused" "${r%% *}" "400"
done
r=$(api PUT /v1/roles/badrole '{"name":"other"}')
check_eq "role name must match the URL" "${r%% *}" "400"
r=$(api PUT /v1/roles/admin '{"modules":[]}')
check_eq "the admin role is fixed" "${r%% *}" "403"
r=$(api POST /v1/purposes '{"name":"Bad Name"}')
check_eq "bad purpose name" "${r%% *}" "400"
r=$(api POST /v1/purposes '{"name":"research","description":"Studies (研究)"}')
check_eq "declare a purpose" "${r%% *}" "201"
r=$(api POST /v1/approvals/a_nothing/approve)
check_eq "unknown approval 404" "${r%% *}" "404"
r=$(api GET "/v1/policy/explain?user=nobody&collection=members&action=read")
check_eq "explain: unknown user 404" "${r%% *}" "404"
r=$(api GET "/v1/policy/explain?collection=members")
check_eq "explain: missing parameters 400" "${r%% *}" "400"
r=$(api POST /v1/collections/members/exports '{"purpose":"customer_service"}')
check_eq "export without a reason 400" "${r%% *}" "400"
r=$(api POST /v1/collections/members/exports '{"purpose":"customer_service","reason":"x y z","fields":["a"]}')
check_eq "export: unknown key 400" "${r%% *}" "400"
r=$(api POST /v1/collections/nope/records/bulk-delete '{"ids":["r_1"],"reason":"cleanup"}')
check_eq "bulk delete of an unknown collection 404" "${r%% *}" "404"
r=$(api POST /v1/collections/members/records/bulk-delete '{"ids":[],"reason":"cleanup"}')
check_eq "bulk delete of nothing 400" "${r%% *}" "400"
r=$(api DELETE "/v1/collections/members")
check_eq "collection delete without a reason 400" "${r%% *}" "400"

# ---- approvals for bulk acts ---------------------------------------------------
r=$(api POST /v1/users '{"username":"admin2","roles":["admin"]}')
ADMIN2=$(jget "$(api POST /v1/tokens '{"name":"a2","user":"admin2"}' | cut -d' ' -f2-)" "['token']")
r=$(api POST /v1/collections/members/exports '{"purpose":"customer_service","reason":"quarterly"}')
check_eq "bulk export waits for approval" "${r%% *}" "202"
EXP=$(jget "${r#* }" "['approval_id']")
r=$(api GET "/v1/exports/$EXP")
check_eq "no download before approval" "${r%% *}" "403"
r=$(api POST "/v1/approvals/$EXP/approve")
check_eq "requester cannot approve own export" "${r%% *}" "403"
r=$(TOKEN=$ADMIN2 api POST "/v1/approvals/$EXP/approve")
check_contains "second person approves" "$r" '"status":"approved"'
r=$(TOKEN=$ADMIN2 api GET "/v1/exports/$EXP")
check_eq "only the requester downloads" "${r%% *}" "404"
curl -sk -H "Authorization: Bearer $TOKEN" -o "$WORK/export.jsonl" -w '%{http_code}' "$BASE/v1/exports/$EXP" >"$WORK/code"
check_eq "download" "$(cat "$WORK/code")" "200"
check "export has the records" [ "$(wc -l <"$WORK/export.jsonl")" -ge 3 ]
r=$(api GET "/v1/exports/$EXP")
check_eq "an export downloads once" "${r%% *}" "403"

r=$(api DELETE "/v1/collections/members?reason=cleanup")
check_eq "deleting a collection waits for approval" "${r%% *}" "202"
DEL=$(jget "${r#* }" "['approval_id']")
r=$(TOKEN=$ADMIN2 api POST "/v1/approvals/$DEL/deny")
check_contains "denied" "$r" '"status":"denied"'
r=$(api GET /v1/collections/members)
check_eq "denied: nothing changed" "${r%% *}" "200"
r=$(TOKEN=$ADMIN2 api POST "/v1/approvals/$DEL/approve")
check_eq "a denied request cannot be approved later" "${r%% *}" "409"
IDS=$(api GET "/v1/collections/members/records?limit=2" | cut -d' ' -f2- | python3 -c 'import json,sys; print(json.dumps([r["id"] for r in json.load(sys.stdin)["records"]]))')
r=$(api POST /v1/collections/members/records/bulk-delete "{\"ids\":$IDS,\"reason\":\"dedupe\"}")
check_eq "bulk delete waits" "${r%% *}" "202"
BD=$(jget "${r#* }" "['approval_id']")
sqlite3 "$DATA/custos.db" "UPDATE approvals SET expires_at = 1 WHERE id = '$BD'"
r=$(TOKEN=$ADMIN2 api POST "/v1/approvals/$BD/approve")
check_eq "an expired request cannot be approved" "${r%% *}" "409"
r=$(api GET "/v1/collections/members/records?limit=1000")
check_contains "expired: nothing deleted" "$r" "$(jget "$IDS" "[0]")"

# ---- consent ---------------------------------------------------------------------
api POST /v1/collections '{"name":"leads","require_consent":true,"fields":[{"name":"phone","type":"phone","class":"sensitive"}]}' >/dev/null
L=$(jget "$(api POST /v1/collections/leads/records '{"subject":"lead-7","fields":{"phone":"13600001111"}}' | cut -d' ' -f2-)" "['id']")
r=$(api GET "/v1/collections/leads/records/$L?purpose=marketing")
check_contains "no consent: withheld" "$r" '"withheld":["phone"]'
r=$(api POST /v1/subjects/lead-7/consents '{"purpose":"marketing","granted":true,"source":"web form"}')
check_eq "consent recorded" "${r%% *}" "200"
r=$(api GET "/v1/collections/leads/records/$L?purpose=marketing")
check_contains "with consent: masked value" "$r" '"phone":"136****1111"'
r=$(api GET "/v1/collections/leads/records/$L?purpose=analytics")
check_contains "consent is per purpose" "$r" '"withheld":["phone"]'
api POST /v1/subjects/lead-7/consents '{"purpose":"marketing","granted":false}' >/dev/null
r=$(api GET "/v1/collections/leads/records/$L?purpose=marketing")
check_contains "withdrawn consent: withheld again" "$r" '"withheld":["phone"]'
r=$(api POST /v1/subjects/lead-7/consents '{"purpose":"nonsense","granted":true}')
check_eq "undeclared purpose 400" "${r%% *}" "400"

# ---- step-up for highly sensitive reveals -------------------------------------------
api PUT /v1/settings/security '{"reveal_step_up":true}' >/dev/null
ID=$(api GET "/v1/collections/members/records?limit=1" | cut -d' ' -f2- | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"][0]["id"])')
r=$(api GET "/v1/collections/members/records/$ID?purpose=compliance&reveal=id_no&reason=audit")
check_eq "step-up needed for highly sensitive" "${r%% *}" "403"
r=$(api GET "/v1/collections/members/records/$ID?purpose=compliance&reveal=id_no&reason=audit" "" -H "X-Step-Up-Code: 000000")
check_eq "wrong step-up code" "${r%% *}" "403"
totp_next "$ADMIN_TOTP"
r=$(api GET "/v1/collections/members/records/$ID?purpose=compliance&reveal=id_no&reason=audit" "" -H "X-Step-Up-Code: $TOTP_CODE")
check_eq "fresh code reveals" "${r%% *}" "200"
r=$(api GET "/v1/collections/members/records/$ID?purpose=compliance&reveal=phone&reason=audit")
check_eq "sensitive (not highly) needs no step-up" "${r%% *}" "200"
# Guessing step-up codes locks the account like guessing login codes.
for i in 1 2 3 4 5; do
	api GET "/v1/collections/members/records/$ID?purpose=compliance&reveal=id_no&reason=audit" "" -H "X-Step-Up-Code: 00000$i" >/dev/null
done
totp_next "$ADMIN_TOTP"
r=$(api GET "/v1/collections/members/records/$ID?purpose=compliance&reveal=id_no&reason=audit" "" -H "X-Step-Up-Code: $TOTP_CODE")
check_eq "step-up guesses lock the account" "${r%% *}" "403"

# ---- changing a role's modules takes a second person ----------------------------------
r=$(api PUT /v1/roles/staff '{"modules":["audit"],"scope":"own","purposes":["customer_service"],"collections":{"*":{"*":["read_masked","write"]}}}')
check_eq "adding a module to a role waits for approval" "${r%% *}" "202"
RD=$(jget "${r#* }" "['approval_id']")
check_not_contains "not applied yet" "$(api GET /v1/roles/staff)" '"audit"'
r=$(TOKEN=$ADMIN2 api POST "/v1/approvals/$RD/approve")
check_contains "approved and applied" "$r" '"status":"executed"'
check_contains "role now carries the module" "$(api GET /v1/roles/staff)" '"audit"' 

stop_server

# ---- custos role (the policy from the command line) ---------------------------------
echo '{"scope":"department","purposes":["customer_service"],"collections":{"members":{"*":["read_masked"]}}}' >"$WORK/role.json"
out=$("$CUSTOS" role set --data "$DATA" branch_staff --file "$WORK/role.json")
check_contains "role set" "$out" "version 1"
out=$("$CUSTOS" role set --data "$DATA" branch_staff --file "$WORK/role.json")
check_contains "versioned" "$out" "version 2"
check_contains "role show" "$("$CUSTOS" role show --data "$DATA" branch_staff)" '"scope": "department"'
check_contains "role list" "$("$CUSTOS" role list --data "$DATA")" "branch_staff"
echo '{"collections":{"members":{"*":["peek"]}}}' >"$WORK/bad.json"
"$CUSTOS" role set --data "$DATA" branch_staff --file "$WORK/bad.json" 2>/dev/null
check_eq "unknown permission refused" "$?" "2"
echo '{"scope":' >"$WORK/broken.json"
"$CUSTOS" role set --data "$DATA" branch_staff --file "$WORK/broken.json" 2>/dev/null
check_eq "malformed role file refused" "$?" "2"
"$CUSTOS" role set --data "$DATA" admin --file "$WORK/role.json" 2>/dev/null
check_eq "admin role is fixed" "$?" "2"
check_contains "role changes in the operation log" \
	"$("$CUSTOS" audit query --data "$DATA" --type role.change --format jsonl)" '"record":"branch_staff"'
"$CUSTOS" role delete --data "$DATA" branch_staff >/dev/null
check_eq "role delete" "$?" "0"

# No sensitive canary in the server log or the operation log.
for v in 13900001234 13900001235 canary0z@example.org 13600001111; do
	if grep -r -a -F -q -- "$v" "$WORK/serve.log" "$DATA/audit"; then fail "value $v leaked into a log"; else ok; fi
done
finish
