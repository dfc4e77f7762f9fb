#!/usr/bin/env bash
# End to end: the server records every request in the operation log,
# the log verifies offline after a mixed workload, holds no values or
# secrets, answers filters and reports, and fails closed (503) when it
# cannot be written, losing no acknowledged record.  Also POST /v1/scan.
. "$(dirname "$0")/lib.sh"

DATA="$WORK/data"
init_data "$DATA"
TOKEN=$(make_token "$DATA" ops)
start_server "$DATA"

# ---- a mixed workload ------------------------------------------------------------
api POST /v1/collections '{"name":"members","fields":[
 {"name":"name","type":"name","class":"internal"},
 {"name":"phone","type":"phone","class":"sensitive"},
 {"name":"id_no","type":"cn_id","class":"highly_sensitive"}]}' >/dev/null
ids=()
for i in 1 2 3 4 5; do
	r=$(api POST /v1/collections/members/records "{\"subject\":\"member-$i\",\"fields\":{\"name\":\"会员$i\",\"phone\":\"1391234000$i\",\"id_no\":\"11010519491231002X\"}}")
	ids+=("$(jget "${r#* }" "['id']")")
done
api GET "/v1/collections/members/records/${ids[0]}?purpose=customer_service" >/dev/null
api GET "/v1/collections/members/records/${ids[1]}?purpose=customer_service&reveal=phone&reason=callback%20request" >/dev/null
api GET "/v1/collections/members/records?phone=13912340003" >/dev/null
api PATCH "/v1/collections/members/records/${ids[2]}" '{"fields":{"phone":"13700000000"}}' >/dev/null
api DELETE "/v1/collections/members/records/${ids[3]}" >/dev/null
api GET /v1/collections/members/records/r_nope >/dev/null
TOKEN="" api POST /v1/login '{"username":"admin","password":"not the password","totp":"000000"}' >/dev/null
TOKEN="cus_forged" api GET /v1/collections >/dev/null
r=$(api POST /v1/scan '{"text":"身份证11010519491231002X 手机13812345678"}')
check_contains "scan finds the ID number" "$r" '"type":"cn_id"'
check_contains "scan masks" "$r" '110105********002X'
check_not_contains "confidences are short" "$r" '99999999'

r=$(api POST /v1/scan '{"text":"x","types":["nonsense"]}')
check_eq "scan: unknown type 400" "${r%% *}" "400"
r=$(api POST /v1/scan '{"text":5}')
check_eq "scan: wrong type 400" "${r%% *}" "400"
r=$(api POST /v1/scan '{"text":"x","min_confidence":2}')
check_eq "scan: bad confidence 400" "${r%% *}" "400"

# ---- reading the log --------------------------------------------------------------
r=$(api GET "/v1/audit?event=record.reveal")
check_contains "reveal recorded" "$r" '"event":"record.reveal"'
check_contains "reason recorded" "$r" '"reason":"callback request"'
check_contains "field names recorded" "$r" '"phone"'
r=$(api GET "/v1/audit?event=record.read")
check_contains "purpose recorded" "$r" '"purpose":"customer_service"'
r=$(api GET "/v1/audit?event=auth.login.failure")
check_contains "failed login recorded" "$r" '"result":"denied"'
r=$(api GET "/v1/audit?result=denied")
check_contains "forged token recorded as denied" "$r" '"event":"collection.read"'
r=$(api GET "/v1/audit?module=records&limit=2")
check_contains "paging" "$r" '"next":'
r=$(api GET "/v1/audit?view=console&limit=1")
check_contains "console view columns" "$r" '"description":"新建用户: users/admin"'
check_contains "init recorded as a CLI action" "$r" '"actor":"cli:'
r=$(api GET "/v1/audit?bogus=1")
check_eq "unknown filter 400" "${r%% *}" "400"
r=$(api GET "/v1/audit?event=no.such.event")
check_eq "unknown event 400" "${r%% *}" "400"
r=$(api GET "/v1/audit?from=yesterday")
check_eq "bad time 400" "${r%% *}" "400"
r=$(api GET "/v1/audit/reports/subject/member-2")
check_contains "who accessed this customer" "$r" '"event":"record.reveal"'
check_not_contains "only that customer" "$r" "${ids[0]}"
check_contains "the creation is in the customer's report" "$r" '"event":"record.create"'
r=$(api GET "/v1/audit/reports/subject/member-3")
check_contains "a single-result lookup is in the customer's report" "$r" '"event":"record.lookup"' 
r=$(api GET "/v1/audit/reports/actor/admin")
check_contains "what did this employee access" "$r" '"event":"record.delete"'
r=$(api GET /v1/audit/verify)
check_contains "online verify" "$r" '"intact":true'

stop_server
"$CUSTOS" audit verify --data "$DATA" >"$WORK/verify.out" 2>&1
check_eq "offline verify after the workload" "$?" "0"
for v in 13912340001 13912340002 13700000000 11010519491231002X "会员1" "$ADMIN_PW" "$ADMIN_TOTP" "$TOKEN"; do
	if grep -r -a -F -q -- "$v" "$DATA/audit"; then fail "a value or secret is in the operation log"; else ok; fi
done
n=$(cat "$DATA"/audit/seg-*.log | wc -l)
check "every request recorded (>= 25 records)" [ "$n" -ge 25 ]

# Tamper with a copy: verify names the record.
cp -a "$DATA" "$WORK/tampered"
seg=$(ls "$WORK"/tampered/audit/seg-*.log | head -1)
sed -i '5s/"result":"success"/"result":"failure"/' "$seg"
"$CUSTOS" audit verify --data "$WORK/tampered" >/dev/null 2>"$WORK/verify.err"
check_eq "tampered log fails verify" "$?" "1"
check "first bad sequence number named" grep -q "first bad sequence number: 5" "$WORK/verify.err"

# ---- fail closed on a full disk ----------------------------------------------------
mkdir -p "$DATA/audit.full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=512k tmpfs "$DATA/audit.full" 2>/dev/null; then
	cp -a "$DATA/audit/." "$DATA/audit.full/"
	mv "$DATA/audit" "$DATA/audit.disk"
	ln -s "$DATA/audit.full" "$DATA/audit"
	start_server "$DATA"
	# Fill the small disk with log records until the server refuses.
	codes=""
	acked=0
	for i in $(seq 1 3000); do
		c=$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/v1/collections/members")
		if [ "$c" = 200 ]; then acked=$((acked + 1)); else codes=$c; break; fi
	done
	check_eq "full log: 503" "$codes" "503"
	r=$(api GET /v1/collections/members)
	check_eq "and every later request too" "${r%% *}" "503"
	r=$(api GET "/v1/collections/members/records/${ids[0]}")
	check_eq "no data served without a log" "${r%% *}" "503"
	check "the failure is loud" grep -q "ALERT: the operation log" "$WORK/serve.log"
	stop_server
	# Nothing acknowledged was lost: every 200 has its record.
	got=$(cat "$DATA"/audit/seg-*.log | grep -c '"event":"collection.read","module":"collections","actor":{"id"' || true)
	check "no acknowledged record lost ($acked acknowledged, $got recorded)" [ "$got" -ge "$acked" ]
	rm "$DATA/audit"
	umount "$DATA/audit.full"
	mv "$DATA/audit.disk" "$DATA/audit"
else
	echo "SKIP: cannot mount a tmpfs for the full-disk test (needs root)"
fi

finish
