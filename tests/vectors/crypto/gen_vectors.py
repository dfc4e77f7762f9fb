#!/usr/bin/env python3
"""Generate the crypto known-answer vectors under tests/vectors/crypto/.

Uses only the Python standard library, so the expected values come from an
implementation independent of libsodium:

  hash.txt   cu_hash / cu_hash_keyed: BLAKE2b-256 (hashlib) of
             len(domain) (one byte) | domain | data, keyed or not.
  seal.txt   cu_open: sealed values in custos's layout
             version(1) | key version (4, big endian) | nonce (24) | ct | tag(16)
             made with a small pure-Python XChaCha20-Poly1305 (below) whose
             associated data is header(5) | caller's ad.  Before writing
             anything the implementation is checked against published
             vectors: RFC 8439 2.4.2 (ChaCha20), 2.5.2 (Poly1305), the
             XChaCha draft's HChaCha20 vector (2.2.1) and its
             AEAD_XChaCha20_Poly1305 vector (A.3.1).
  ed25519.txt cu_sign_keypair_from_seed / cu_sign: a pure-Python Ed25519
             following RFC 8032 5.1, checked against RFC 8032 7.1 TEST 1
             before use; TEST 2 and TEST 3 seeds and messages are included.

Run from the repository root:  python3 tests/vectors/crypto/gen_vectors.py
The output is deterministic; rerunning it must not change the files.
"""
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- BLAKE2b with custos's domain separation ---------------------------

def cu_hash(domain: bytes, data: bytes, key: bytes = b"") -> bytes:
    assert len(domain) <= 255
    h = hashlib.blake2b(digest_size=32, key=key)
    h.update(bytes([len(domain)]) + domain + data)
    return h.digest()

# ---- XChaCha20-Poly1305 (RFC 8439 + draft-irtf-cfrg-xchacha) ------------

def _rotl(v, c):
    return ((v << c) & 0xffffffff) | (v >> (32 - c))

def _qr(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = _rotl(s[b] ^ s[c], 7)

def _rounds(s):
    for _ in range(10):
        _qr(s, 0, 4, 8, 12); _qr(s, 1, 5, 9, 13); _qr(s, 2, 6, 10, 14); _qr(s, 3, 7, 11, 15)
        _qr(s, 0, 5, 10, 15); _qr(s, 1, 6, 11, 12); _qr(s, 2, 7, 8, 13); _qr(s, 3, 4, 9, 14)

_CONST = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]

def chacha20_block(key, counter, nonce12):
    st = _CONST + list(struct.unpack("<8I", key)) + [counter] + list(struct.unpack("<3I", nonce12))
    w = st[:]
    _rounds(w)
    return struct.pack("<16I", *[(w[i] + st[i]) & 0xffffffff for i in range(16)])

def chacha20_xor(key, counter, nonce12, data):
    out = bytearray()
    for i in range(0, len(data), 64):
        ks = chacha20_block(key, counter + i // 64, nonce12)
        out += bytes(a ^ b for a, b in zip(data[i:i + 64], ks))
    return bytes(out)

def hchacha20(key, nonce16):
    st = _CONST + list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    _rounds(st)
    return struct.pack("<8I", *(st[0:4] + st[12:16]))

def poly1305(key, msg):
    r = int.from_bytes(key[:16], "little") & 0x0ffffffc0ffffffc0ffffffc0fffffff
    s = int.from_bytes(key[16:], "little")
    p = (1 << 130) - 5
    acc = 0
    for i in range(0, len(msg), 16):
        n = int.from_bytes(msg[i:i + 16] + b"\x01", "little")
        acc = (acc + n) * r % p
    return ((acc + s) & ((1 << 128) - 1)).to_bytes(16, "little")

def _pad16(b):
    return b"\x00" * (-len(b) % 16)

def xchacha20poly1305_encrypt(key, nonce24, ad, pt):
    sub = hchacha20(key, nonce24[:16])
    n12 = b"\x00" * 4 + nonce24[16:]
    otk = chacha20_block(sub, 0, n12)[:32]
    ct = chacha20_xor(sub, 1, n12, pt)
    mac = ad + _pad16(ad) + ct + _pad16(ct) + struct.pack("<QQ", len(ad), len(ct))
    return ct, poly1305(otk, mac)

def self_check():
    h = bytes.fromhex
    # RFC 8439 2.4.2
    key = bytes(range(32))
    sunscreen = (b"Ladies and Gentlemen of the class of '99: If I could offer you "
                 b"only one tip for the future, sunscreen would be it.")
    ct = chacha20_xor(key, 1, h("000000000000004a00000000"), sunscreen)
    assert ct[:16] == h("6e2e359a2568f98041ba0728dd0d6981"), "chacha20"
    assert ct[-2:] == h("874d"), "chacha20 tail"
    # RFC 8439 2.5.2
    tag = poly1305(h("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"),
                   b"Cryptographic Forum Research Group")
    assert tag == h("a8061dc1305136c6c22b8baf0c0127a9"), "poly1305"
    # draft-irtf-cfrg-xchacha 2.2.1
    sub = hchacha20(key, h("000000090000004a0000000031415927"))
    assert sub == h("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"), "hchacha20"
    # draft-irtf-cfrg-xchacha A.3.1
    ct, tag = xchacha20poly1305_encrypt(bytes(range(0x80, 0xa0)),
                                        h("404142434445464748494a4b4c4d4e4f5051525354555657"),
                                        h("50515253c0c1c2c3c4c5c6c7"), sunscreen)
    assert ct[:16] == h("bd6d179d3e83d43b9576579493c0e939"), "xchacha ct"
    assert tag == h("c0875924c1c7987947deafd8780acf49"), "xchacha tag"
    # RFC 8032 7.1 TEST 1
    pk, sig = ed25519_sign(h("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"), b"")
    assert pk == h("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"), "ed25519 pk"
    assert sig == h("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
                    "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"), "ed25519 sig"

# ---- Ed25519 (RFC 8032 section 5.1, straight from its description) -----

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_I = pow(2, (_P - 1) // 4, _P)

def _xrecover(y):
    xx = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    x = pow(xx, (_P + 3) // 8, _P)
    if (x * x - xx) % _P != 0:
        x = x * _I % _P
    if x % 2 != 0:
        x = _P - x
    return x

_BY = 4 * pow(5, _P - 2, _P) % _P
_B = (_xrecover(_BY), _BY, 1, _xrecover(_BY) * _BY % _P)

def _add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)

def _mul(s, p):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q

def _enc(p):
    zi = pow(p[2], _P - 2, _P)
    x, y = p[0] * zi % _P, p[1] * zi % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")

def ed25519_sign(seed, msg):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    pk = _enc(_mul(a, _B))
    r = int.from_bytes(hashlib.sha512(h[32:] + msg).digest(), "little") % _L
    R = _enc(_mul(r, _B))
    k = int.from_bytes(hashlib.sha512(R + pk + msg).digest(), "little") % _L
    S = (r + k * a) % _L
    return pk, R + S.to_bytes(32, "little")

# ---- custos layouts -----------------------------------------------------

def cu_seal(key, keyver, nonce, ad, pt):
    header = bytes([1]) + struct.pack(">I", keyver)
    ct, tag = xchacha20poly1305_encrypt(key, nonce, header + ad, pt)
    return header + nonce + ct + tag

def hx(b):
    return b.hex() if b else "-"

def main():
    self_check()
    key32 = bytes(range(32))
    hash_cases = [
        (b"", b"", None),
        (b"custos.test", b"", None),
        (b"custos.test", b"abc", None),
        (b"custos.test2", b"abc", None),
        (b"custos.streq", b"correct horse battery staple", None),
        (b"a", b"bc", None),
        (b"ab", b"c", None),
        (b"custos.bidx", "张三".encode(), None),
        (b"d" * 255, bytes(range(256)), None),
        (b"custos.test", b"", key32),
        (b"custos.test", b"abc", key32),
        (b"custos.subject", b"customer-42", bytes([0xff] * 32)),
        (b"custos.bidx", b'"13812345678"', key32),
    ]
    with open(os.path.join(HERE, "hash.txt"), "w") as f:
        f.write("# cu_hash / cu_hash_keyed known answers; generated by gen_vectors.py\n")
        f.write("# domain_hex data_hex key_hex(- = unkeyed) expected_hex ('-' = empty)\n")
        for dom, data, key in hash_cases:
            exp = cu_hash(dom, data, key or b"")
            f.write("%s %s %s %s\n" % (hx(dom), hx(data), hx(key), exp.hex()))

    seal_cases = [
        (key32, 1, bytes(range(0x40, 0x58)), b"", b""),
        (key32, 1, bytes(range(0x40, 0x58)), b"custos.test", b"hello"),
        (bytes(range(0x80, 0xa0)), 0x01020304, bytes(range(24)),
         b"\x00\x00\x00\x02ab\x00\x00\x00\x01c", "身份证 110101199003071234".encode()),
        (bytes([0x42] * 32), 7, bytes([0xee] * 24), b"custos.dek/s_abc", bytes(range(32))),
        (key32, 0xffffffff, bytes(range(24, 48)), b"x" * 100, bytes(range(256)) * 2),
    ]
    with open(os.path.join(HERE, "seal.txt"), "w") as f:
        f.write("# cu_open known answers (XChaCha20-Poly1305, custos layout); "
                "generated by gen_vectors.py\n")
        f.write("# key_hex keyver ad_hex plaintext_hex sealed_hex ('-' = empty)\n")
        for key, kv, nonce, ad, pt in seal_cases:
            sealed = cu_seal(key, kv, nonce, ad, pt)
            f.write("%s %u %s %s %s\n" % (key.hex(), kv, hx(ad), hx(pt), sealed.hex()))

    sign_cases = [
        # RFC 8032 7.1 TEST 1 (also asserted in self_check), TEST 2, TEST 3
        (bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"), b""),
        (bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"), b"\x72"),
        (bytes.fromhex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"), b"\xaf\x82"),
        (bytes(range(32)), b"custos audit checkpoint seq=1"),
    ]
    with open(os.path.join(HERE, "ed25519.txt"), "w") as f:
        f.write("# cu_sign_keypair_from_seed / cu_sign known answers; generated by gen_vectors.py\n")
        f.write("# seed_hex public_key_hex message_hex signature_hex ('-' = empty)\n")
        for seed, msg in sign_cases:
            pk, sig = ed25519_sign(seed, msg)
            f.write("%s %s %s %s\n" % (seed.hex(), pk.hex(), hx(msg), sig.hex()))

if __name__ == "__main__":
    main()
