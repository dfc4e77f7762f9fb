#!/usr/bin/env python3
"""An independent verifier of custos audit logs, written from docs/audit.md
only (Python's hashlib for BLAKE2b, the 'cryptography' package for Ed25519),
to show that the documentation is enough for a third party.

  verify_audit.py DATA_DIR [--pubkey HEX]   verify DATA_DIR/audit
  verify_audit.py --chain FILE              a record file starting at seq 1
  verify_audit.py --checkpoint FILE HEX     checkpoint lines under key HEX

Exit 0 when intact; 1 printing "first bad sequence number: N" otherwise.
"""
import hashlib, json, os, re, struct, sys

HASH_DOMAIN = b"custos.audit.v1"
SUFFIX = re.compile(rb',"hash":"([0-9a-f]{64})"\}$')
PREV = re.compile(rb',"prev":"([0-9a-f]{64})"$')
FRAME = re.compile(rb'^\{"v":1,"seq":([1-9][0-9]*),"ts":"')


class Bad(Exception):
    def __init__(self, seq, why):
        super().__init__(why)
        self.seq = seq


def record(line, want_seq, prev):
    """Check one record line (bytes, no newline); return (seq, hash)."""
    m = SUFFIX.search(line)
    if not m:
        raise Bad(want_seq, "no hash member")
    body = line[: m.start()]
    p = PREV.search(body)
    if not p:
        raise Bad(want_seq, "no prev member")
    f = FRAME.match(line)
    if not f:
        raise Bad(want_seq, "bad frame")
    seq = int(f.group(1))
    if seq != want_seq:
        raise Bad(want_seq, "found seq %d" % seq)
    stored_prev = bytes.fromhex(p.group(1).decode())
    if stored_prev != prev:
        raise Bad(want_seq, "does not chain")
    h = hashlib.blake2b(bytes([len(HASH_DOMAIN)]) + HASH_DOMAIN + stored_prev + body + b"}",
                        digest_size=32).digest()
    if h.hex().encode() != m.group(1):
        raise Bad(want_seq, "hash mismatch")
    doc = json.loads(line)          # the record is also plain JSON
    assert doc["seq"] == seq and doc["hash"] == h.hex()
    return seq, h


def sigmsg(domain, seq, h, ts):
    return domain + b"\0" + struct.pack(">Q", seq) + h + struct.pack(">Q", ts)


def checkpoints(path, pk, domain):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.exceptions import InvalidSignature
    key = Ed25519PublicKey.from_public_bytes(pk)
    out = []
    if not os.path.exists(path):
        return out
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break
            cp = json.loads(raw)
            h = bytes.fromhex(cp["hash"])
            try:
                key.verify(bytes.fromhex(cp["sig"]), sigmsg(domain, cp["seq"], h, cp["ts"]))
            except InvalidSignature:
                raise Bad(cp["seq"], "bad signature")
            out.append((cp["seq"], h))
    return out


def verify_dir(data, pkhex):
    adir = os.path.join(data, "audit")
    if pkhex is None:
        pkhex = open(os.path.join(adir, "pubkey")).read().strip()
    pk = bytes.fromhex(pkhex)
    cps = dict(checkpoints(os.path.join(adir, "checkpoints.log"), pk,
                           b"custos.audit.checkpoint.v1"))
    anchors = dict(checkpoints(os.path.join(adir, "anchors.log"), pk,
                               b"custos.audit.anchor.v1"))
    segs = sorted(n for n in os.listdir(adir) if re.fullmatch(r"seg-\d{16}\.log", n))
    want = int(segs[0][4:20])
    prev = bytes(32)
    if want != 1:
        if want - 1 not in anchors:
            raise Bad(1, "log starts at %d without a purge anchor" % want)
        prev = anchors[want - 1]
    n = 0
    for name in segs:
        if int(name[4:20]) != want:
            raise Bad(want, "segment %s out of place" % name)
        with open(os.path.join(adir, name), "rb") as fh:
            data_ = fh.read()
        if data_ and not data_.endswith(b"\n"):
            raise Bad(want + data_.count(b"\n"), "incomplete last record")
        for line in data_.split(b"\n")[:-1]:
            seq, h = record(line, want, prev)
            for table in (cps, anchors):
                if seq in table and table[seq] != h:
                    raise Bad(seq, "differs from a signed checkpoint")
            prev, want, n = h, want + 1, n + 1
    if cps and max(cps) >= want:
        raise Bad(want, "truncated behind a checkpoint")
    return n, len(cps)


def main(argv):
    try:
        if argv[1:2] == ["--chain"]:
            prev, want = bytes(32), 1
            for line in open(argv[2], "rb").read().split(b"\n")[:-1]:
                _, prev = record(line, want, prev)
                want += 1
            print("chain intact: %d records" % (want - 1))
        elif argv[1:2] == ["--checkpoint"]:
            n = len(checkpoints(argv[2], bytes.fromhex(argv[3]), b"custos.audit.checkpoint.v1"))
            print("checkpoints valid: %d" % n)
        else:
            pk = argv[argv.index("--pubkey") + 1] if "--pubkey" in argv else None
            n, c = verify_dir(argv[1], pk)
            print("intact: %d records, %d checkpoints" % (n, c))
    except Bad as e:
        print("first bad sequence number: %d (%s)" % (e.seq, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
