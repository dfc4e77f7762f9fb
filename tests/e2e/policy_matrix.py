#!/usr/bin/env python3
"""The authorisation matrix, end to end against a running custos.

A realistic example policy (administrator, HR administrator, customer
service, sales owner, analyst, auditor) is installed through the API;
then every role x endpoint x field x row scope is tried over HTTPS and
the answer compared with what the policy says: allowed, denied, absent,
withheld, masked or clear.  Also plants canary values and checks no role
gets a clear value it should not.  Prints "N passed, N failed".

usage: policy_matrix.py BASE ADMIN_TOKEN CUSTOS DATA
"""
import http.client
import json
import ssl
import sys
import urllib.parse

BASE, ADMIN, CUSTOS, DATA = sys.argv[1:5]
u = urllib.parse.urlparse(BASE)
CTX = ssl._create_unverified_context()
PASS = FAIL = 0
CONN = {}


def req(token, method, path, body=None, headers=None):
    c = CONN.get(token)
    if c is None:
        c = CONN[token] = http.client.HTTPSConnection(u.hostname, u.port, context=CTX)
    h = {"Authorization": "Bearer " + token}
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    h.update(headers or {})
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    try:
        return r.status, json.loads(data) if data else None
    except ValueError:
        return r.status, data


def check(desc, cond):
    global PASS, FAIL
    if cond:
        PASS += 1
    else:
        FAIL += 1
        print("FAIL:", desc, file=sys.stderr)


def must(status, want, what):
    if status != want:
        raise SystemExit("setup failed: %s: %s (want %s)" % (what, status, want))


# ---- the example policy -------------------------------------------------------
FIELDS = {  # name: (type, class)
    "name": ("name", "internal"),
    "level": ("string", "public"),
    "notes": ("text", "internal"),
    "phone": ("phone", "sensitive"),
    "email": ("email", "sensitive"),
    "id_no": ("cn_id", "highly_sensitive"),
    "card": ("bank_card", "highly_sensitive"),
}
SENSITIVE = {f for f, (_, c) in FIELDS.items() if c in ("sensitive", "highly_sensitive")}
ALL = ["read_masked", "read", "write", "delete", "export"]
ROLES = {
    "customer_service": {
        "scope": "all", "purposes": ["customer_service"],
        "collections": {"members": {"*": ["read_masked"], "phone": ["read_masked", "read"],
                                    "notes": ["read_masked", "write"]}}},
    "sales_owner": {
        "scope": "own", "purposes": ["customer_service", "marketing"],
        "collections": {"members": {"*": ["read_masked", "write"], "phone": ["read"],
                                    "email": ["read"]}}},
    "analyst": {
        "scope": "all", "purposes": ["analytics"],
        "collections": {"members": {"name": ["read_masked"], "level": ["read_masked"],
                                    "phone": ["read_masked"], "email": ["read_masked"]}}},
}
# Built-in roles: admin (everything), hr_admin (users module), auditor (audit module).
USERS = {  # user: (role, department)
    "root2": ("admin", "it"),
    "hr1": ("hr_admin", "hr"),
    "cs1": ("customer_service", "service"),
    "sales1": ("sales_owner", "sales"),
    "sales2": ("sales_owner", "sales"),
    "ana1": ("analyst", "bi"),
    "aud1": ("auditor", "audit"),
}


def grants(role):
    if role == "admin":
        return {"*": set(ALL)}
    d = ROLES.get(role, {}).get("collections", {}).get("members", {})
    return {k: set(v) for k, v in d.items()}


def perms(role, field):
    g = grants(role)
    return g.get(field, set()) | g.get("*", set())


def scope(role):
    return "all" if role == "admin" else ROLES.get(role, {}).get("scope", "none")


def purposes(role):
    return ["*"] if role == "admin" else ROLES.get(role, {}).get("purposes", [])


def any_grant(role):
    return bool(grants(role))


for name, spec in ROLES.items():
    s, _ = req(ADMIN, "PUT", "/v1/roles/" + name, spec)
    must(s, 200, "role " + name)
tokens = {}
for user, (role, dept) in USERS.items():
    s, body = req(ADMIN, "POST", "/v1/users", {"username": user, "department": dept,
                                                "roles": [role]})
    must(s, 201, "user " + user)
    s, body = req(ADMIN, "POST", "/v1/tokens", {"name": "m-" + user, "user": user})
    must(s, 201, "token " + user)
    tokens[user] = body["token"]
tokens["admin"] = ADMIN

schema = {"name": "members", "fields": [{"name": f, "type": t, "class": c}
                                        for f, (t, c) in FIELDS.items()]}
must(req(ADMIN, "POST", "/v1/collections", schema)[0], 201, "collection")


def cn_id(body17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body17 + "10X98765432"[sum(int(c) * k for c, k in zip(body17, w)) % 11]


def luhn(body):
    digits = [int(c) for c in body]
    s = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        s += d
    return body + str((10 - s % 10) % 10)


# Records: one owned by each sales owner, one by root2 with sales1 related.
RECORDS = {}
for i, (owner, related) in enumerate([("sales1", []), ("sales2", []), ("root2", ["sales1"])]):
    vals = {"name": "客户%d号" % i, "level": "gold%d" % i, "notes": "NOTECANARY%d" % i,
            "phone": "1390000%04d" % (1234 + i), "email": "canary%dz@example.org" % i,
            "id_no": cn_id("11010519800101%03d" % (100 + i)),
            "card": luhn("622202123456789%03d" % i)}
    s, b = req(ADMIN, "POST", "/v1/collections/members/records",
               {"fields": vals, "owner": owner, "related": related, "subject": "m-%d" % i})
    must(s, 201, "record")
    RECORDS[b["id"]] = (owner, related, vals)


def visible(user, rid):
    role = USERS.get(user, ("admin",))[0]
    owner, related, _ = RECORDS[rid]
    sc = scope(role)
    return sc == "all" or (sc == "own" and (owner == user or user in related))


ALL_USERS = list(USERS) + ["admin"]

# ---- reads: role x record x purpose x field -----------------------------------------
for user in ALL_USERS:
    role = USERS.get(user, ("admin",))[0]
    tok = tokens[user]
    for rid, (owner, related, vals) in RECORDS.items():
        for purpose in [None, "customer_service", "analytics", "marketing"]:
            q = "?purpose=" + purpose if purpose else ""
            s, b = req(tok, "GET", "/v1/collections/members/records/" + rid + q)
            tag = "%s read %s(owner %s) purpose=%s" % (user, rid[:8], owner, purpose)
            if not any_grant(role):
                check(tag + ": no grant -> 403", s == 403)
                continue
            if purpose and "*" not in purposes(role) and purpose not in purposes(role):
                check(tag + ": purpose not allowed -> 403", s == 403)
                continue
            if not visible(user, rid):
                check(tag + ": out of scope -> 404", s == 404)
                check(tag + ": 404 looks like a missing record",
                      b == {"error": {"code": "not_found", "message": "no such record"}})
                continue
            check(tag + ": 200", s == 200)
            if s != 200:
                continue
            got = b["fields"]
            for f, v in vals.items():
                p = perms(role, f)
                ftag = "%s field %s" % (tag, f)
                if not p & {"read_masked", "read"}:
                    check(ftag + " absent", f not in got)
                elif f not in SENSITIVE:
                    check(ftag + " clear (not sensitive)", got.get(f) == v)
                elif purpose is None:
                    check(ftag + " withheld without purpose",
                          f not in got and f in b.get("withheld", []))
                else:
                    check(ftag + " masked", f in got and got[f] != v and f in b["masked"])
                # Canary: no clear sensitive value without an explicit reveal.
                if f in SENSITIVE:
                    check(ftag + " canary", v not in json.dumps(b, ensure_ascii=False))

# ---- lookups (before any write changes the values) ----------------------------
for user in ALL_USERS:
    role = USERS.get(user, ("admin",))[0]
    tok = tokens[user]
    for f in ["level", "phone", "name"]:
        val = RECORDS[list(RECORDS)[0]][2][f]
        s, b = req(tok, "GET", "/v1/collections/members/records?%s=%s&purpose=customer_service"
                   % (f, urllib.parse.quote(val)))
        tag = "%s lookup by %s" % (user, f)
        if not any_grant(role):
            check(tag + " 403", s == 403)
        elif "customer_service" not in purposes(role) and "*" not in purposes(role):
            check(tag + " purpose 403", s == 403)
        elif not perms(role, f) & {"read_masked", "read"}:
            check(tag + " field not readable 403", s == 403)
        else:
            want = sorted(r for r, (o, rel, v) in RECORDS.items() if v[f] == val and visible(user, r))
            check(tag, s == 200 and sorted(x["id"] for x in b["records"]) == want)

# ---- reveal: role x field ------------------------------------------------------
for user in ALL_USERS:
    role = USERS.get(user, ("admin",))[0]
    tok = tokens[user]
    rid = next(r for r in RECORDS if visible(user, r)) if any(visible(user, r) for r in RECORDS) else None
    if rid is None or not any_grant(role):
        continue
    purpose = "customer_service" if "customer_service" in purposes(role) or "*" in purposes(role) else purposes(role)[0]
    for f in sorted(FIELDS):
        path = "/v1/collections/members/records/%s?purpose=%s&reveal=%s&reason=matrix%%20test" % (rid, purpose, f)
        s, b = req(tok, "GET", path)
        tag = "%s reveal %s" % (user, f)
        if "read" in perms(role, f):
            check(tag + " allowed", s == 200 and b["fields"].get(f) == RECORDS[rid][2][f])
        else:
            check(tag + " denied", s == 403)
        s, b = req(tok, "GET", path.replace("&reason=matrix%20test", ""))
        check(tag + " without reason refused", s in (400, 403))

# ---- writes: role x record x field --------------------------------------------------
NEWVAL = {"name": "新名字", "level": "silver", "notes": "updated", "phone": "13700000000",
          "email": "new@example.org", "id_no": cn_id("11010519900101123"),
          "card": luhn("622202000011112222")}
for user in ALL_USERS:
    role = USERS.get(user, ("admin",))[0]
    tok = tokens[user]
    for rid in RECORDS:
        for f in sorted(FIELDS):
            s, b = req(tok, "PATCH", "/v1/collections/members/records/" + rid,
                       {"fields": {f: NEWVAL[f]}})
            tag = "%s patch %s %s" % (user, rid[:8], f)
            if not any_grant(role):
                check(tag + " no grant 403", s == 403)
            elif "write" not in perms(role, f):
                check(tag + " denied 403", s == 403)
            elif not visible(user, rid):
                check(tag + " out of scope 404", s == 404)
            else:
                check(tag + " allowed", s == 200)
    # create
    for f in sorted(FIELDS):
        s, b = req(tok, "POST", "/v1/collections/members/records", {"fields": {f: NEWVAL[f]}})
        tag = "%s create with %s" % (user, f)
        if not any_grant(role):
            check(tag + " no grant 403", s == 403)
        else:
            check(tag, (s == 201) == ("write" in perms(role, f)))

# ---- lookups, deletes and other endpoints -------------------------------------------
for user in ALL_USERS:
    role = USERS.get(user, ("admin",))[0]
    tok = tokens[user]
    endpoints = [
        ("GET", "/v1/users", None, role in ("admin", "hr_admin")),
        ("GET", "/v1/audit?limit=1", None, role in ("admin", "auditor")),
        ("POST", "/v1/collections", {"name": "c_" + user, "fields": [{"name": "a", "type": "string"}]},
         role == "admin"),
        ("PUT", "/v1/roles/tmp_" + user, {"modules": []}, role == "admin"),
        ("GET", "/v1/roles", None, role in ("admin", "hr_admin")),
        ("GET", "/v1/collections/members", None, any_grant(role)),
        ("POST", "/v1/collections/members/exports", {"purpose": "customer_service", "reason": "matrix"},
         role == "admin"),
        ("GET", "/v1/policy/explain?user=cs1&collection=members&field=phone&action=read", None,
         role in ("admin", "hr_admin")),
        ("GET", "/v1/settings/security", None, role in ("admin", "hr_admin")),
    ]
    for method, path, body, allowed in endpoints:
        s, b = req(tok, method, path, body)
        check("%s %s %s -> %s" % (user, method, path, s), (s < 300) == allowed and s in (200, 201, 202, 403))
    # delete: only delete grants (admin); others 403
    rid = list(RECORDS)[0]
    if role != "admin":
        s, b = req(tok, "DELETE", "/v1/collections/members/records/" + rid)
        check("%s delete denied" % user, s == 403)

# ---- explain --------------------------------------------------------------------
s, b = req(ADMIN, "GET", "/v1/policy/explain?user=cs1&collection=members&field=phone&action=read")
check("explain allow", s == 200 and b["decision"] == "allow" and "customer_service" in b["rule"])
s, b = req(ADMIN, "GET", "/v1/policy/explain?user=ana1&collection=members&field=id_no&action=read_masked")
check("explain deny", s == 200 and b["decision"] == "deny" and "default deny" in b["rule"])
s, b = req(ADMIN, "GET", "/v1/policy/explain?user=cs1&collection=members&action=fly")
check("explain bad action 400", s == 400)

print("%d passed, %d failed" % (PASS, FAIL))
sys.exit(1 if FAIL else 0)
