#!/usr/bin/env python3
"""Generate tests/vectors/dlp/validators.txt.

An implementation of the check-digit standards independent of the C code
(GB 11643, GB 32100 + GB 11714, Luhn / ISO 7812, ISO 13616, SSA rules):
the C validators are checked against what this script says.  Each line is
"<validator> <valid|invalid> <value>  # why".  Deterministic (fixed seed);
rerun with:  python3 tests/vectors/dlp/gen_vectors.py > tests/vectors/dlp/validators.txt
"""
import random

rnd = random.Random(6)
PROV = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
        44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91]
BADPROV = [0, 10, 16, 20, 24, 30, 38, 40, 47, 49, 55, 60, 66, 70, 72, 80, 84, 90, 92, 99]
out = []


def add(kind, ok, value, why):
    out.append(f"{kind} {'valid' if ok else 'invalid'} {value}  # {why}")


def id_check(d17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * x for c, x in zip(d17, w)) % 11]


def days(y, m):
    if m == 2:
        return 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28
    return 30 if m in (4, 6, 9, 11) else 31


def rand_id(prov=None, y=None, m=None, d=None):
    prov = prov if prov is not None else rnd.choice(PROV)
    y = y or rnd.randint(1920, 2020)
    m = m or rnd.randint(1, 12)
    d = d or rnd.randint(1, days(y, m))
    d17 = f"{prov:02d}{rnd.randint(0, 9999):04d}{y:04d}{m:02d}{d:02d}{rnd.randint(0, 999):03d}"
    return d17


# --- cn_id ----------------------------------------------------------------
add("cn_id", True, "11010519491231002X", "GB 11643 example")
add("cn_id", True, "11010519491231002x", "lower-case x")
add("cn_id", False, "110105194912310021", "example with a wrong check digit")
for _ in range(60):
    d17 = rand_id()
    c = id_check(d17)
    add("cn_id", True, d17 + c, "generated")
    wrong = rnd.choice([x for x in "0123456789X" if x != c])
    add("cn_id", False, d17 + wrong, "wrong check character")
for y, m, d, why in [(1990, 2, 30, "February 30"), (1990, 2, 29, "29 Feb, not a leap year"),
                     (1990, 4, 31, "April 31"), (1990, 13, 1, "month 13"), (1990, 0, 10, "month 0"),
                     (1990, 5, 0, "day 0"), (1850, 5, 5, "year 1850"), (2150, 5, 5, "year 2150")]:
    d17 = f"{rnd.choice(PROV):02d}0102{y:04d}{m:02d}{d:02d}123"
    add("cn_id", False, d17 + id_check(d17), why + ", right check digit")
d17 = "110105200002290012"[:17]
add("cn_id", True, d17 + id_check(d17), "29 Feb 2000, leap year")
for p in BADPROV:
    d17 = rand_id(prov=p)
    add("cn_id", False, d17 + id_check(d17), f"unknown province {p:02d}, right check digit")

# --- cn_id15 --------------------------------------------------------------
add("cn_id15", True, "110105491231002", "old format, 1949-12-31")
add("cn_id15", False, "110105490230002", "February 30")
add("cn_id15", False, "990105491231002", "unknown province")


# --- Luhn, bank and credit cards -------------------------------------------
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


def card(prefix, n):
    body = prefix + "".join(str(rnd.randint(0, 9)) for _ in range(n - len(prefix) - 1))
    return body + luhn_digit(body)


def bad_luhn(num):
    last = int(num[-1])
    return num[:-1] + str((last + rnd.randint(1, 9)) % 10)


for n in (16, 17, 18, 19):
    for _ in range(8):
        c = card("62" + str(rnd.randint(0, 9)), n)
        add("bank_card", True, c, f"UnionPay {n} digits")
        add("bank_card", False, bad_luhn(c), "Luhn failure")
add("bank_card", False, card("4", 16), "Visa is not UnionPay")
add("bank_card", False, card("62", 15), "15 digits")
for num, why in [("4111111111111111", "Visa test number"), ("4012888888881881", "Visa test number"),
                 ("5555555555554444", "Mastercard test number"), ("2223003122003222", "Mastercard 2-series"),
                 ("378282246310005", "Amex test number"), ("371449635398431", "Amex test number"),
                 ("6011111111111117", "Discover test number"), ("3530111333300000", "JCB test number"),
                 ("30569309025904", "Diners test number"), ("4222222222222", "Visa 13 digits")]:
    add("credit_card", True, num, why)
for pre, n in [("4", 16), ("51", 16), ("55", 16), ("34", 15), ("37", 15), ("3528", 16), ("6011", 16), ("65", 16), ("36", 14)]:
    for _ in range(3):
        c = card(pre, n)
        add("credit_card", True, c, f"prefix {pre}, {n} digits")
        add("credit_card", False, bad_luhn(c), "Luhn failure")
add("credit_card", False, card("4", 15), "Visa with 15 digits")
add("credit_card", False, card("4", 19), "19-digit Visa: not accepted")
add("credit_card", False, card("34", 16), "Amex with 16 digits")
add("credit_card", False, card("62", 16), "UnionPay is a bank_card")
add("credit_card", False, card("9", 16), "no such issuer")
add("luhn", True, "79927398713", "Luhn's own example")
add("luhn", False, "79927398710", "Luhn example, wrong digit")

# --- cn_uscc / org code ---------------------------------------------------
USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def org_check(s8):
    w = [3, 7, 9, 10, 5, 8, 4, 2]
    v = lambda c: int(c) if c.isdigit() else ord(c) - 55
    c = 11 - sum(v(a) * b for a, b in zip(s8, w)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check(s17):
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    return USCC[(31 - sum(USCC.index(a) * b for a, b in zip(s17, w)) % 31) % 31]


add("cn_uscc", True, "91350100M000100Y43", "GB 32100 example")
add("cn_uscc", False, "91350100M000100Y44", "example, wrong check character")
add("org_code", True, "M000100Y4", "organisation code inside the GB 32100 example")
add("org_code", True, "D2143569X", "GB 11714 check X")
add("org_code", False, "M000100Y5", "wrong check digit")
ORGC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
for _ in range(40):
    while True:
        s8 = "".join(rnd.choice(ORGC) for _ in range(8))
        oc = org_check(s8)
        if oc != "X" or True:
            break
    head = rnd.choice(["91", "92", "93", "11", "12", "51", "52", "Y1"])
    region = f"{rnd.choice(PROV):02d}{rnd.randint(0, 9999):04d}"
    if oc == "X":  # X is not in the USCC alphabet
        continue
    s17 = head + region + s8 + oc
    c = uscc_check(s17)
    add("cn_uscc", True, s17 + c, "generated")
    add("cn_uscc", False, s17 + rnd.choice([x for x in USCC if x != c]), "wrong mod-31 check")
    bad_oc = str((int(oc) + 1) % 10)
    s17b = head + region + s8 + bad_oc
    add("cn_uscc", False, s17b + uscc_check(s17b), "right mod-31 check, wrong organisation check")
    add("org_code", True, s8 + oc, "generated")

# --- IBAN -------------------------------------------------------------------
for v in ["GB82WEST12345698765432", "DE89370400440532013000", "FR1420041010050500013M02606",
          "NL91ABNA0417164300", "BE68539007547034", "CH9300762011623852957", "NO9386011117947"]:
    add("iban", True, v, "ISO 13616 / registry example")
add("iban", False, "GB82WEST12345698765433", "mod 97 failure")
add("iban", False, "GB82WEST1234569876543", "wrong length for GB")
add("iban", False, "ZZ82WEST12345698765432", "no such country")

# --- mobile -----------------------------------------------------------------
for seg in ["130", "139", "145", "149", "150", "153", "155", "159", "162", "165", "166", "167",
            "170", "178", "180", "189", "190", "193", "195", "199"]:
    add("cn_mobile", True, seg + f"{rnd.randint(0, 99999999):08d}", f"segment {seg}")
for seg in ["120", "100", "144", "154", "160", "161", "163", "179", "194", "238"]:
    add("cn_mobile", False, seg + f"{rnd.randint(0, 99999999):08d}", f"no segment {seg}")

# --- SSN, passport, permit, plate -------------------------------------------
for v in ["536221234", "001010001", "899999999"]:
    add("us_ssn", True, v, "valid area, group, serial")
for v, why in [("000121234", "area 000"), ("666121234", "area 666"), ("900121234", "area 9xx"),
               ("536001234", "group 00"), ("536220000", "serial 0000"), ("078051120", "Woolworth")]:
    add("us_ssn", False, v, why)
for v in ["E12345678", "EA1234567", "G12345678", "DE1234567", "SE1234567", "PE1234567"]:
    add("cn_passport", True, v, "format")
for v in ["E1234567", "EI1234567", "K12345678", "E123456789"]:
    add("cn_passport", False, v, "format")
for v in ["H12345678", "M12345678", "H1234567890", "C12345678", "CA1234567"]:
    add("cn_hk_macau_permit", True, v, "format")
for v in ["H1234567", "CI1234567", "A12345678", "M123456789"]:
    add("cn_hk_macau_permit", False, v, "format")
for v in ["A12345", "B1234C", "AD12345", "A12345D", "AF12345"]:
    add("plate_tail", True, v, "ordinary or new-energy")
for v in ["I12345", "A1234", "AABCD1", "AZ12345", "A123456"]:
    add("plate_tail", False, v, "format")

print("# generated by gen_vectors.py - do not edit")
print("\n".join(out))
