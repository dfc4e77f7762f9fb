#!/usr/bin/env python3
"""preload.py - fill the customers collection for bench/api/run.sh.

usage: preload.py BASE_URL CAFILE|- COUNT CONCURRENCY OUT.lua

Creates COUNT realistic customer records through the real API (POST
/v1/collections/customers/records, Bearer token from $BENCH_TOKEN) over
CONCURRENCY keep-alive connections, verifying the server's certificate
with CAFILE (or plain HTTP when CAFILE is "-"), and writes the ids and
phone numbers it made as a Lua table for the wrk scripts:

    return { ids = { "r_...", ... }, phones = { "139...", ... } }
"""
import http.client
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse

SURNAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "欧阳", "诸葛"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "秀英", "志强"]
DISTRICTS = ["北京市朝阳区", "上海市浦东新区", "广州市天河区", "深圳市南山区", "杭州市西湖区",
             "成都市武侯区", "南京市鼓楼区", "武汉市洪山区"]
STREETS = ["建国路", "人民路", "中山路", "解放路", "和平街", "长江路"]
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id(base17):
    return base17 + "10X98765432"[sum(int(c) * w for c, w in zip(base17, W)) % 11]


def record(i):
    phone = "139%08d" % i
    base = "%06d%04d%02d%02d%03d" % (110101 + i % 17, 1950 + i % 55, 1 + i % 12, 1 + i % 28, i % 1000)
    return phone, {
        "fields": {
            "name": SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)],
            "phone": phone,
            "id_no": cn_id(base),
            "email": "customer%d@example.com" % i,
            "address": "%s%s%d号" % (DISTRICTS[i % len(DISTRICTS)], STREETS[i % len(STREETS)], 1 + i % 400),
        },
        "subject": "crm:customer:%d" % i,
    }


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    base, cafile, count, conc, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    token = os.environ["BENCH_TOKEN"]
    u = urllib.parse.urlsplit(base)
    ids = [None] * count
    phones = [None] * count
    failures = []
    lock = threading.Lock()
    next_i = [0]

    def connect():
        if u.scheme == "https":
            ctx = ssl.create_default_context(cafile=cafile)
            return http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=30)
        return http.client.HTTPConnection(u.hostname, u.port, timeout=30)

    def worker():
        conn = connect()
        headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        while True:
            with lock:
                i = next_i[0]
                if i >= count or failures:
                    break
                next_i[0] += 1
            phone, body = record(i)
            conn.request("POST", "/v1/collections/customers/records",
                         body=json.dumps(body, ensure_ascii=False).encode(), headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 201:
                with lock:
                    failures.append("record %d: HTTP %d %s" % (i, resp.status, data[:200]))
                break
            ids[i] = json.loads(data)["id"]
            phones[i] = phone
        conn.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.monotonic() - t0
    if failures:
        sys.exit("preload failed: " + failures[0])
    with open(out, "w", encoding="utf-8") as f:
        f.write("return {\nids = {\n")
        f.write(",\n".join('"%s"' % x for x in ids))
        f.write("\n},\nphones = {\n")
        f.write(",\n".join('"%s"' % x for x in phones))
        f.write("\n}\n}\n")
    print("preloaded %d records in %.1f s (%.0f records/s, %d Python client connections)"
          % (count, dt, count / dt, conc))


if __name__ == "__main__":
    main()
