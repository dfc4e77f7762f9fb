#!/usr/bin/env python3
"""Score findings against a truth file from gen.py.

    score.py TRUTH custos FINDINGS.jsonl      (custos scan --format jsonl)
    score.py TRUTH rg RG_OUTPUT PATTERNS.tsv  (rg -o -b: "offset:match")

A finding is a true positive when its (start, end, type) is in the truth.
For rg the type is the first pattern of PATTERNS.tsv ("type<TAB>regex")
that matches the whole reported text.  Prints "precision recall found
truth" and, with -v, the first misses of each kind on stderr.
"""
import json
import re
import sys


def load_truth(path):
    t = set()
    with open(path) as f:
        for line in f:
            s, e, typ = line.split("\t")
            t.add((int(s), int(e), typ.strip()))
    return t


def load_custos(path):
    got = set()
    with open(path) as f:
        for line in f:
            j = json.loads(line)
            got.add((j["start"], j["end"], j["type"]))
    return got


def load_rg(path, patterns):
    pats = []
    with open(patterns) as f:
        for line in f:
            typ, rx = line.rstrip("\n").split("\t", 1)
            pats.append((typ, re.compile(rx)))
    got = set()
    with open(path, "rb") as f:
        for raw in f:
            off, _, text = raw.rstrip(b"\n").partition(b":")
            s = int(off)
            txt = text.decode("utf-8", "replace")
            typ = next((t for t, p in pats if p.fullmatch(txt)), "?")
            got.add((s, s + len(text), typ))
    return got


def main():
    verbose = "-v" in sys.argv
    args = [a for a in sys.argv[1:] if a != "-v"]
    truth = load_truth(args[0])
    got = load_custos(args[2]) if args[1] == "custos" else load_rg(args[2], args[3])
    tp = len(truth & got)
    p = tp / len(got) if got else 1.0
    r = tp / len(truth) if truth else 1.0
    print(f"{p:.4f} {r:.4f} {len(got)} {len(truth)}")
    if verbose:
        for label, items in (("false positive", got - truth), ("missed", truth - got)):
            for it in sorted(items)[:10]:
                print(f"{label}: {it}", file=sys.stderr)


if __name__ == "__main__":
    main()
