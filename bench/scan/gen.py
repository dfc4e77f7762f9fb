#!/usr/bin/env python3
"""Generate a mixed Chinese/English business corpus with planted personal
information and decoys, plus the truth file.

    python3 bench/scan/gen.py --size 256M --out corpus.txt --truth truth.tsv

The truth file has one planted value a line: "start<TAB>end<TAB>type", byte
offsets of [start, end) in the corpus.  Decoys (order numbers, tracking
numbers, IDs with wrong check digits or impossible dates, bad-Luhn
card-like numbers, digit runs containing valid numbers, unknown phone
segments, versions, times...) are not in the truth: reporting one is a
false positive.  Large sizes repeat a unique block of up to 16 MiB (with
the truth shifted), so generation stays quick; python3 stdlib only.
"""
import argparse
import random

PROV = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
        44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65]
SEG = ["130", "131", "132", "135", "136", "137", "138", "139", "147", "150", "151",
       "152", "155", "157", "158", "159", "166", "173", "177", "180", "181", "186",
       "187", "188", "189", "191", "198", "199"]
AREA = ["010", "021", "022", "023", "020", "025", "027", "028", "029", "0571",
        "0755", "0512", "0531", "0591", "0731", "0871", "0351"]
PLATE_P = "京津沪渝冀豫云辽黑湘皖鲁苏浙赣鄂桂甘晋蒙陕吉闽贵粤青川宁琼"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FW = str.maketrans("0123456789", "０１２３４５６７８９")
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴婷",
         "Alice Chen", "Bob Li", "Carol Wang", "David Zhou"]
DOMAINS = ["example.com", "example.cn", "mail.example.org", "corp.example.net", "163.com", "qq.com"]

FILLER = [
    "本季度销售额同比增长百分之十二，华东区表现最好。",
    "会议纪要：请各部门在周五前提交预算草案。",
    "客户反馈物流较慢，已安排客服跟进处理。",
    "The quarterly report is attached; please review the revenue figures by Friday.",
    "根据《个人信息保护法》，敏感个人信息的处理需取得单独同意。",
    "Please do not forward this message outside the company.",
    "新产品发布会定于下月初在上海举行，预计邀请三百位嘉宾。",
    "库存盘点完成，共计 1250 件商品，差异 3 件。",
    "合同金额为人民币 58000 元，分两期支付。",
    "Meeting moved to 3 pm, room 402. Bring the Q3 numbers.",
    "系统将于 2024-06-17 22:00 至 23:30 进行维护升级。",
    "客户满意度调查回收问卷 860 份，满意率 92%。",
    "请注意保管好办公室钥匙，离开时关闭门窗。",
    "Thanks for your order! Your parcel will arrive in 3-5 business days.",
    "员工培训将于每周三下午两点开始，地点在三楼会议室。",
    "版本 v2.3.1 修复了登录页面的若干问题。",
    "The new CRM rollout covers 12 branches and 340 users.",
    "财务部提醒：报销单据请于每月 25 日前提交。",
]


def luhn_digit(body):
    s = 0
    for i, c in enumerate(reversed(body)):
        v = int(c)
        if i % 2 == 0:
            v *= 2
            if v > 9:
                v -= 9
        s += v
    return str((10 - s % 10) % 10)


def id_check(d17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(a) * b for a, b in zip(d17, w)) % 11]


def org_check(s8):
    w = [3, 7, 9, 10, 5, 8, 4, 2]
    v = lambda c: int(c) if c.isdigit() else ord(c) - 55
    c = 11 - sum(v(a) * b for a, b in zip(s8, w)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check(s17):
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    return USCC[(31 - sum(USCC.index(a) * b for a, b in zip(s17, w)) % 31) % 31]


def iban_check(cc, bban):
    s = bban + cc + "00"
    n = int("".join(str(int(c, 36)) for c in s))
    return "%02d" % (98 - n % 97)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def digits(self, n):
        return "".join(self.r.choice("0123456789") for _ in range(n))

    def id17(self):
        r = self.r
        y = r.randint(1950, 2005)
        m = r.randint(1, 12)
        d = r.randint(1, 28)
        return f"{r.choice(PROV):02d}{r.randint(100, 9999):04d}{y:04d}{m:02d}{d:02d}{r.randint(0, 999):03d}"

    def cn_id(self):
        d = self.id17()
        return d + id_check(d)

    def mobile(self):
        return self.r.choice(SEG) + self.digits(8)

    def card(self, prefix, n):
        b = prefix + self.digits(n - len(prefix) - 1)
        return b + luhn_digit(b)

    def uscc(self):
        r = self.r
        while True:
            s8 = "".join(r.choice(USCC[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
            oc = org_check(s8)
            if oc != "X":
                break
        s17 = r.choice(["91", "92", "93", "12", "52"]) + f"{r.choice(PROV):02d}{r.randint(0, 9999):04d}" + s8 + oc
        return s17 + uscc_check(s17)

    def iban(self):
        r = self.r
        if r.random() < 0.5:
            bban = "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + self.digits(14)
            return "GB" + iban_check("GB", bban) + bban
        bban = self.digits(18)
        return "DE" + iban_check("DE", bban) + bban


def planted(g):
    """(prefix, value, suffix, type) with a value that must be found."""
    r = g.r
    k = r.randrange(20)
    name = r.choice(NAMES)
    if k == 0:
        return f"客户{name}的身份证号码为", g.cn_id(), "，已核验。", "cn_id"
    if k == 1:
        return "ID card no. ", g.cn_id(), " verified.", "cn_id"
    if k == 2:
        m = g.mobile()
        f = r.randrange(5)
        v = [m, f"{m[:3]} {m[3:7]} {m[7:]}", f"{m[:3]}-{m[3:7]}-{m[7:]}", m.translate(FW), m][f]
        return f"{name}，手机", v, "，周一联系。", "cn_mobile"
    if k == 3:
        return "Call me at ", g.mobile(), " after 6pm.", "cn_mobile"
    if k == 4:
        return "收件人电话：", g.mobile(), "；地址见附件。", "cn_mobile"
    if k == 5:
        a = r.choice(AREA)
        local = str(r.randint(2, 9)) + g.digits(7 if len(a) == 4 else 7)
        v = r.choice([f"{a}-{local}", f"({a}){local}", f"（{a}）{local}"])
        return "办公电话 ", v, "，工作日接听。", "cn_landline"
    if k == 6:
        c = g.card("62" + r.choice("12258"), r.choice([16, 19]))
        v = r.choice([c, " ".join(c[i:i + 4] for i in range(0, len(c), 4)),
                      "-".join(c[i:i + 4] for i in range(0, len(c), 4))])
        return "退款请转入银行卡", v, "（工商银行）。", "bank_card"
    if k == 7:
        c = r.choice([g.card("4", 16), g.card("5" + r.choice("12345"), 16), g.card("37", 15)])
        return "Paid with card ", c, ", thanks.", "credit_card"
    if k == 8:
        return "统一社会信用代码：", g.uscc(), "。", "cn_uscc"
    if k == 9:
        u = "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(3, 9)))
        v = r.choice([u, u + "." + r.choice(["li", "wang", "chen"]), u + str(r.randint(1, 99))])
        return "邮箱 ", f"{v}@{r.choice(DOMAINS)}", " 请抄送。", "email"
    if k == 10:
        v = f"{r.choice([10, 172, 192, 58, 223])}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        return "登录IP ", v, " 异常。", "ipv4"
    if k == 11:
        v = "2001:db8:" + ":".join("%x" % r.randint(0, 65535) for _ in range(r.choice([2, 6])))
        if v.count(":") < 7:
            v = v.replace("2001:db8:", "2001:db8::", 1)
        return "server ", v, " is down.", "ipv6"
    if k == 12:
        i = g.iban()
        v = r.choice([i, " ".join(i[j:j + 4] for j in range(0, len(i), 4))])
        return "IBAN: ", v, " (EUR).", "iban"
    if k == 13:
        v = r.choice(PLATE_P) + r.choice(LETTERS) + "".join(r.choice("0123456789") for _ in range(5))
        return "车牌号", v, "的车辆已登记。", "cn_plate"
    if k == 14:
        v = r.choice(["E", "G"]) + g.digits(8)
        return "护照号码：", v, "，有效期十年。", "cn_passport"
    if k == 15:
        v = r.choice(["C", "H", "M"]) + g.digits(8)
        return "港澳通行证 ", v, " 已办理。", "cn_hk_macau_permit"
    if k == 16:
        v = f"{r.randint(100, 665)}-{r.randint(10, 99)}-{r.randint(1000, 9999)}"
        return "SSN ", v, " on file.", "us_ssn"
    if k == 17:
        d = g.id17()
        return "旧身份证号 ", d[:6] + d[8:14] + d[14:17], " 已换发。", "cn_id15"
    if k == 18:
        return "紧急联系人 ", g.mobile(), " / ", "cn_mobile"
    return "mobile: ", g.mobile(), "\n", "cn_mobile"


def decoy(g):
    """Text that looks like personal information but is not."""
    r = g.r
    k = r.randrange(16)
    if k == 0:
        return f"订单号 {g.digits(20)}，请核对。"
    if k == 1:  # ID with a wrong check character
        d = g.id17()
        c = id_check(d)
        return f"编号 {d}{r.choice([x for x in '0123456789' if x != c])} 作废。"
    if k == 2:  # ID with an impossible date, right check character
        d = f"{r.choice(PROV):02d}0102199{r.randint(0, 9)}0230{g.digits(3)}"
        return f"档案 {d}{id_check(d)} 待查。"
    if k == 3:  # bad Luhn card-like number
        c = g.card("62" + r.choice("1258"), r.choice([16, 19]))
        return f"流水 {c[:-1]}{(int(c[-1]) + r.randint(1, 9)) % 10} 已入账。"
    if k == 4:
        return f"快递单号 SF{g.digits(12)}，运单 YT{g.digits(13)}。"
    if k == 5:  # a valid mobile inside a longer digit run
        return f"批次 {g.digits(4)}{g.mobile()}{g.digits(3)} 出库。"
    if k == 6:
        return f"工单 {r.choice(['120', '100', '110', '119'])}{g.digits(8)} 已关闭。"
    if k == 7:
        return f"Invoice INV-{g.digits(10)} due {r.randint(1, 28)}/06/2024."
    if k == 8:  # valid ID inside a longer alphanumeric run
        return f"reference X{g.cn_id()}Z pending."
    if k == 9:
        return f"release {r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 9)}, {r.randint(10, 23)}:{r.randint(10, 59)}:{r.randint(10, 59)}."
    if k == 10:
        return f"金额 {r.randint(1000, 999999)}.{r.randint(10, 99)} 元。"
    if k == 11:  # 18 digits with a valid check digit but an unknown region
        d = f"{r.choice([99, 10, 20, 70, 90])}0102{1950 + r.randint(0, 50)}0{r.randint(1, 9)}1{r.randint(0, 9)}{g.digits(3)}"
        return f"单据 {d}{id_check(d)}。"
    if k == 12:
        return f"tracking {g.digits(15)} shipped."
    if k == 13:
        return f"SKU E{g.digits(8)}-{r.choice(LETTERS)} 缺货。"
    if k == 14:  # digit run containing a valid card
        return f"序列 {g.digits(3)}{g.card('622', 16)} 结束。"
    return f"产品型号 A{g.digits(5)}B，价格 {r.randint(10, 999)} 元。"


def block(seed, size):
    g = Gen(seed)
    r = g.r
    parts, truth, pos = [], [], 0
    nd = 0
    while pos < size:
        x = r.random()
        if x < 0.35:
            s = r.choice(FILLER)
        elif x < 0.6:
            s = decoy(g)
            nd += 1
        else:
            pre, val, suf, typ = planted(g)
            a = len(pre.encode())
            b = len(val.encode())
            truth.append((pos + a, pos + a + b, typ))
            s = pre + val + suf
        s += "\n" if r.random() < 0.3 else " "
        e = s.encode()
        parts.append(e)
        pos += len(e)
    return b"".join(parts), truth, nd


def parse_size(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if s[-1].upper() in mult:
        return int(float(s[:-1]) * mult[s[-1].upper()])
    return int(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="256M")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--truth", required=True)
    a = ap.parse_args()
    size = parse_size(a.size)
    unit = min(size, 16 << 20)
    data, truth, nd = block(a.seed, unit)
    reps = max(1, (size + len(data) - 1) // len(data)) if size > unit else 1
    with open(a.out, "wb") as f, open(a.truth, "w") as t:
        for i in range(reps):
            f.write(data)
            off = i * len(data)
            for s, e, typ in truth:
                t.write(f"{s + off}\t{e + off}\t{typ}\n")
    print(f"corpus {a.out}: {reps * len(data)} bytes, {reps * len(truth)} planted values, "
          f"{reps * nd} decoys")


if __name__ == "__main__":
    main()
