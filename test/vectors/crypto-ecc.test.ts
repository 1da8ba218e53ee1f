// ECC primitives: RFC 6979 / NIST known answers, and cross-checks against node:crypto (OpenSSL)
// and noble's own ECDSA on random inputs.
import * as nodeCrypto from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigintToBytes, bytesToBigint, bytesToHex, concatBytes, hexToBytes, utf8 } from '../../src/crypto/bytes.js';
import { createDrbg } from '../../src/crypto/drbg.js';
import {
  CURVE_NIST_P256,
  CURVE_NIST_P384,
  CURVE_NIST_P521,
  CURVE_SM2_P256,
  ECC_CURVES,
  type Curve,
  eccDerivePrivate,
  eccGenerateKey,
  eccPointIsValid,
  eccPublicFromPrivate,
  ecdh,
  ecdsaSign,
  ecdsaVerify,
  ecSchnorrSign,
  ecSchnorrVerify,
  getCurve,
  rfc6979Nonces,
} from '../../src/crypto/ecc.js';
import { SHA1, SHA256, SHA384, SHA512, SM3_256, type HashAlgorithm } from '../../src/crypto/hash.js';

const h = hexToBytes;
const big = (s: string) => BigInt('0x' + s);
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

const NODE_CURVE: Record<string, { jwk: string; ecdh: string }> = {
  NIST_P256: { jwk: 'P-256', ecdh: 'prime256v1' },
  NIST_P384: { jwk: 'P-384', ecdh: 'secp384r1' },
  NIST_P521: { jwk: 'P-521', ecdh: 'secp521r1' },
};
const NIST = [CURVE_NIST_P256, CURVE_NIST_P384, CURVE_NIST_P521];
const ALL = [...NIST, CURVE_SM2_P256];
const HASHES: [HashAlgorithm, string][] = [
  [SHA1, 'sha1'],
  [SHA256, 'sha256'],
  [SHA384, 'sha384'],
  [SHA512, 'sha512'],
];

function nodeKeys(curve: Curve, d: bigint, x: Uint8Array, y: Uint8Array) {
  const jwk = { kty: 'EC', crv: NODE_CURVE[curve.name].jwk, x: b64u(x), y: b64u(y) };
  return {
    priv: nodeCrypto.createPrivateKey({ key: { ...jwk, d: b64u(bigintToBytes(d, curve.byteLength)) }, format: 'jwk' }),
    pub: nodeCrypto.createPublicKey({ key: jwk, format: 'jwk' }),
  };
}

describe('curves', () => {
  it('are registered by TPM_ECC_CURVE id with the right sizes', () => {
    expect(getCurve(0x0003)).toBe(CURVE_NIST_P256);
    expect(getCurve(0x0004)).toBe(CURVE_NIST_P384);
    expect(getCurve(0x0005)).toBe(CURVE_NIST_P521);
    expect(getCurve(0x0020)).toBe(CURVE_SM2_P256);
    expect(getCurve(0x0010)).toBeUndefined();
    expect([...ECC_CURVES.values()].map((c) => [c.byteLength, c.nBits])).toEqual([
      [32, 256],
      [48, 384],
      [66, 521],
      [32, 256],
    ]);
    // sm2p256v1 constants (GM/T 0003.5-2012), spot check
    expect(CURVE_SM2_P256.n.toString(16)).toBe('fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123');
    expect(CURVE_SM2_P256.h).toBe(1n);
  });

  it('base point of every curve is valid; off-curve, (0,0) and out-of-range coordinates are not', () => {
    for (const c of ALL) {
      const gx = bigintToBytes(c.gx, c.byteLength);
      const gy = bigintToBytes(c.gy, c.byteLength);
      expect(eccPointIsValid(c, gx, gy)).toBe(true);
      expect(eccPointIsValid(c, gx, bigintToBytes(c.gy ^ 1n, c.byteLength))).toBe(false);
      expect(eccPointIsValid(c, new Uint8Array(c.byteLength), new Uint8Array(c.byteLength))).toBe(false);
      // x + p has the same residue but is not a field element
      expect(eccPointIsValid(c, bigintToBytes(c.gx + c.p, c.byteLength + 1), gy)).toBe(false);
      // leading zeros stripped (TPM2B sizes smaller than the key size) are fine
      expect(eccPointIsValid(c, gx.subarray(0), gy)).toBe(true);
    }
  });
});

describe('key generation', () => {
  it('derives d per FIPS 186-4 B.4.1 (c mod (n-1)) + 1 and [d]G matches noble', () => {
    const c = CURVE_NIST_P256;
    const cand = h('00'.repeat(40));
    expect(eccDerivePrivate(c, cand)).toBe(1n);
    const all = new Uint8Array(40).fill(0xff);
    expect(eccDerivePrivate(c, all)).toBe(((2n ** 320n - 1n) % (c.n - 1n)) + 1n);
    const d = eccDerivePrivate(c, all);
    const pub = eccPublicFromPrivate(c, d);
    expect(bytesToHex(concatBytes(Uint8Array.of(4), pub.x, pub.y))).toBe(
      bytesToHex(p256.getPublicKey(bigintToBytes(d, 32), false)),
    );
  });

  it('is deterministic for a seeded DRBG and stays in range', () => {
    for (const c of ALL) {
      const a = eccGenerateKey(c, createDrbg(utf8('seed ' + c.name)));
      const b = eccGenerateKey(c, createDrbg(utf8('seed ' + c.name)));
      expect(a.d).toBe(b.d);
      expect(a.x).toEqual(b.x);
      expect(a.d >= 1n && a.d <= c.n - 1n).toBe(true);
      expect(a.x.length).toBe(c.byteLength);
      expect(eccPointIsValid(c, a.x, a.y)).toBe(true);
    }
  });

  it('rejects d = n-1 on SM2_P256 only', () => {
    // candidate c = n-2 gives d = n-1
    const cand = bigintToBytes(CURVE_SM2_P256.n - 2n, 40);
    expect(() => eccDerivePrivate(CURVE_SM2_P256, cand)).toThrow();
    expect(eccDerivePrivate(CURVE_NIST_P256, bigintToBytes(CURVE_NIST_P256.n - 2n, 40))).toBe(CURVE_NIST_P256.n - 1n);
  });

  it('public keys match node:crypto for NIST curves', () => {
    const rng = createDrbg(utf8('pub vs node'));
    for (const c of NIST) {
      for (let i = 0; i < 3; i++) {
        const { d, x, y } = eccGenerateKey(c, rng);
        const e = nodeCrypto.createECDH(NODE_CURVE[c.name].ecdh);
        e.setPrivateKey(bigintToBytes(d, c.byteLength));
        expect(bytesToHex(e.getPublicKey())).toBe('04' + bytesToHex(x) + bytesToHex(y));
      }
    }
  });
});

describe('ECDH', () => {
  it('NIST CAVS KAS ECC CDH primitive, P-256 COUNT = 0 (ecccdhtestvectors.zip)', () => {
    const c = CURVE_NIST_P256;
    const dIUT = big('7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534');
    const qcavs = {
      x: h('700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287'),
      y: h('db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac'),
    };
    const pub = eccPublicFromPrivate(c, dIUT);
    expect(bytesToHex(pub.x)).toBe('ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230');
    expect(bytesToHex(pub.y)).toBe('28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141');
    const z = ecdh(c, dIUT, qcavs.x, qcavs.y);
    expect(bytesToHex(z.x)).toBe('46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b');
  });

  it('agrees with node createECDH on random keys', () => {
    const rng = createDrbg(utf8('ecdh vs node'));
    for (const c of NIST) {
      for (let i = 0; i < 4; i++) {
        const a = eccGenerateKey(c, rng);
        const b = eccGenerateKey(c, rng);
        const z = ecdh(c, a.d, b.x, b.y);
        const e = nodeCrypto.createECDH(NODE_CURVE[c.name].ecdh);
        e.setPrivateKey(bigintToBytes(b.d, c.byteLength));
        const zNode = e.computeSecret(Buffer.from(concatBytes(Uint8Array.of(4), a.x, a.y)));
        expect(bytesToHex(z.x)).toBe(zNode.toString('hex'));
        expect(z.x.length).toBe(c.byteLength);
      }
    }
  });

  it('is symmetric on SM2_P256 and rejects invalid points', () => {
    const rng = createDrbg(utf8('ecdh sm2'));
    const c = CURVE_SM2_P256;
    const a = eccGenerateKey(c, rng);
    const b = eccGenerateKey(c, rng);
    const z1 = ecdh(c, a.d, b.x, b.y);
    const z2 = ecdh(c, b.d, a.x, a.y);
    expect(z1).toEqual(z2);
    const badY = bigintToBytes(bytesToBigint(b.y) ^ 1n, 32);
    expect(() => ecdh(c, a.d, b.x, badY)).toThrow(/point/);
    expect(() => ecdh(c, 0n, b.x, b.y)).toThrow();
    expect(() => ecdh(c, c.n, b.x, b.y)).toThrow();
  });
});

// RFC 6979 A.2.5 (ECDSA, 256 bits (prime field)): private key and the "sample"/"test" signatures.
const RFC6979_P256 = {
  x: big('C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721'),
  Ux: '60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6',
  Uy: '7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299',
  cases: [
    {
      hash: SHA1,
      msg: 'sample',
      k: '882905F1227FD620FBF2ABF21244F0BA83D0DC3A9103DBBEE43A1FB858109DB4',
      r: '61340C88C3AAEBEB4F6D667F672CA9759A6CCAA9FA8811313039EE4A35471D32',
      s: '6D7F147DAC089441BB2E2FE8F7A3FA264B9C475098FDCF6E00D7C996E1B8B7EB',
    },
    {
      hash: SHA256,
      msg: 'sample',
      k: 'A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60',
      r: 'EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716',
      s: 'F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8',
    },
    {
      hash: SHA256,
      msg: 'test',
      k: 'D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0',
      r: 'F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367',
      s: '019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083',
    },
  ],
};

describe('ECDSA', () => {
  it('RFC 6979 A.2.5 P-256: public key, nonces and signatures (fixed k and derived k)', () => {
    const c = CURVE_NIST_P256;
    const pub = eccPublicFromPrivate(c, RFC6979_P256.x);
    expect(bytesToHex(pub.x)).toBe(RFC6979_P256.Ux.toLowerCase());
    expect(bytesToHex(pub.y)).toBe(RFC6979_P256.Uy.toLowerCase());
    for (const v of RFC6979_P256.cases) {
      const digest = v.hash.digest(utf8(v.msg));
      const k = rfc6979Nonces(c, RFC6979_P256.x, digest, v.hash).next().value;
      expect(k.toString(16).padStart(64, '0')).toBe(v.k.toLowerCase());
      const fixed = ecdsaSign(c, RFC6979_P256.x, digest, big(v.k));
      expect(bytesToHex(fixed.r)).toBe(v.r.toLowerCase());
      expect(bytesToHex(fixed.s)).toBe(v.s.toLowerCase());
      // derived nonce: default HMAC hash is chosen by digest length (SHA-1 for 20 bytes)
      expect(ecdsaSign(c, RFC6979_P256.x, digest)).toEqual(fixed);
      expect(ecdsaVerify(c, pub.x, pub.y, digest, fixed.r, fixed.s)).toBe(true);
    }
  });

  it('derived signatures equal noble ECDSA (RFC 6979, prehash off, lowS off)', () => {
    const rng = createDrbg(utf8('vs noble'));
    const pairs: [Curve, typeof p256, HashAlgorithm][] = [
      [CURVE_NIST_P256, p256, SHA256],
      [CURVE_NIST_P384, p384, SHA384],
      [CURVE_NIST_P521, p521, SHA512],
    ];
    for (const [c, nb, hash] of pairs) {
      for (let i = 0; i < 4; i++) {
        const { d } = eccGenerateKey(c, rng);
        const digest = hash.digest(rng.bytes(20));
        const ours = ecdsaSign(c, d, digest, { nonceHash: hash });
        const theirs = nb.sign(digest, bigintToBytes(d, c.byteLength), { prehash: false, lowS: false });
        expect(bytesToHex(concatBytes(ours.r, ours.s))).toBe(bytesToHex(theirs));
      }
    }
  });

  it('interoperates with node:crypto both ways, including truncated and short digests', () => {
    const rng = createDrbg(utf8('ecdsa vs node'));
    for (const c of NIST) {
      const { d, x, y } = eccGenerateKey(c, rng);
      const { priv, pub } = nodeKeys(c, d, x, y);
      for (const [hash, nodeName] of HASHES) {
        const msg = rng.bytes(1 + (rng.bytes(1)[0] % 100));
        const digest = hash.digest(msg);
        const sig = ecdsaSign(c, d, digest);
        expect(sig.r.length).toBe(c.byteLength);
        const ok = nodeCrypto.verify(nodeName, msg, { key: pub, dsaEncoding: 'ieee-p1363' }, concatBytes(sig.r, sig.s));
        expect(ok).toBe(true);
        const nsig = nodeCrypto.sign(nodeName, msg, { key: priv, dsaEncoding: 'ieee-p1363' });
        const r = nsig.subarray(0, c.byteLength);
        const s = nsig.subarray(c.byteLength);
        expect(ecdsaVerify(c, x, y, digest, r, s)).toBe(true);
        expect(ecdsaVerify(c, x, y, hash.digest(concatBytes(msg, Uint8Array.of(0))), r, s)).toBe(false);
      }
    }
  });

  it('is deterministic; extraEntropy and explicit k change the signature', () => {
    const c = CURVE_NIST_P256;
    const { d, x, y } = eccGenerateKey(c, createDrbg(utf8('det')));
    const digest = SHA256.digest(utf8('abc'));
    const a = ecdsaSign(c, d, digest);
    expect(ecdsaSign(c, d, digest)).toEqual(a);
    const b = ecdsaSign(c, d, digest, { extraEntropy: utf8('more') });
    expect(b.r).not.toEqual(a.r);
    expect(ecdsaVerify(c, x, y, digest, b.r, b.s)).toBe(true);
    const k = ecdsaSign(c, d, digest, 12345n);
    expect(ecdsaVerify(c, x, y, digest, k.r, k.s)).toBe(true);
    expect(() => ecdsaSign(c, d, digest, 0n)).toThrow();
    expect(() => ecdsaSign(c, d, digest, c.n)).toThrow();
  });

  it('rejects out-of-range r/s, wrong keys and bad points', () => {
    const c = CURVE_NIST_P256;
    const rng = createDrbg(utf8('reject'));
    const { d, x, y } = eccGenerateKey(c, rng);
    const other = eccGenerateKey(c, rng);
    const digest = SHA256.digest(utf8('m'));
    const { r, s } = ecdsaSign(c, d, digest);
    const nBytes = bigintToBytes(c.n, 32);
    expect(ecdsaVerify(c, x, y, digest, new Uint8Array(32), s)).toBe(false);
    expect(ecdsaVerify(c, x, y, digest, r, nBytes)).toBe(false);
    expect(ecdsaVerify(c, x, y, digest, r, bigintToBytes((bytesToBigint(s) + 1n) % c.n, 32))).toBe(false);
    // (r, n - s) is the other valid signature: ECDSA is malleable and the TPM does not normalise s
    expect(ecdsaVerify(c, x, y, digest, r, bigintToBytes(c.n - bytesToBigint(s), 32))).toBe(true);
    expect(ecdsaVerify(c, other.x, other.y, digest, r, s)).toBe(false);
    expect(ecdsaVerify(c, x, bigintToBytes(bytesToBigint(y) ^ 1n, 32), digest, r, s)).toBe(false);
    expect(() => ecdsaSign(c, 0n, digest)).toThrow();
  });

  it('works on SM2_P256 (ECDSA over the SM2 curve, as the TPM reference allows)', () => {
    const rng = createDrbg(utf8('ecdsa sm2 curve'));
    const c = CURVE_SM2_P256;
    for (let i = 0; i < 5; i++) {
      const { d, x, y } = eccGenerateKey(c, rng);
      const digest = SM3_256.digest(rng.bytes(17));
      const sig = ecdsaSign(c, d, digest);
      expect(ecdsaVerify(c, x, y, digest, sig.r, sig.s)).toBe(true);
      // node signs ECDSA over SM2 for EC-typed SM2 keys: check our verify against it
      const { privateKey, publicKey } = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'SM2' });
      const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })); // ends in 04 ‖ x ‖ y
      const px = spki.slice(-64, -32);
      const py = spki.slice(-32);
      const msg = rng.bytes(33);
      const nsig = nodeCrypto.sign('sha256', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      expect(ecdsaVerify(c, px, py, SHA256.digest(msg), nsig.subarray(0, 32), nsig.subarray(32))).toBe(true);
    }
  });
});

describe('EC Schnorr (TPM 2.0 Part 1 variant)', () => {
  it('matches an independent computation with node for [k]G: r = H(xR || digest) truncated, s = k + r*d', () => {
    const rng = createDrbg(utf8('schnorr kat'));
    for (const c of NIST) {
      const { d } = eccGenerateKey(c, rng);
      for (const [hash] of HASHES) {
        const digest = hash.digest(rng.bytes(10));
        const k = eccDerivePrivate(c, rng.bytes(c.byteLength + 8));
        const e = nodeCrypto.createECDH(NODE_CURVE[c.name].ecdh);
        e.setPrivateKey(bigintToBytes(k, c.byteLength));
        const xR = new Uint8Array(e.getPublicKey().subarray(1, 1 + c.byteLength));
        let hv = hash.digest(xR, digest);
        if (hv.length > c.byteLength) hv = hv.subarray(0, c.byteLength);
        const r = bytesToBigint(hv);
        if (r >= c.n) continue; // the signer would pick another nonce
        const s = (k + r * d) % c.n;
        const sig = ecSchnorrSign(c, d, hash, digest, k);
        expect(bytesToBigint(sig.r)).toBe(r);
        expect(bytesToBigint(sig.s)).toBe(s);
        expect(sig.r.length).toBe(c.byteLength);
      }
    }
  });

  it('round-trips on all curves and hashes and rejects tampering', () => {
    const rng = createDrbg(utf8('schnorr rt'));
    for (const c of ALL) {
      const { d, x, y } = eccGenerateKey(c, rng);
      const other = eccGenerateKey(c, rng);
      for (const hash of [SHA1, SHA256, SHA384, SHA512, SM3_256]) {
        const digest = hash.digest(rng.bytes(5));
        const sig = ecSchnorrSign(c, d, hash, digest);
        expect(ecSchnorrSign(c, d, hash, digest)).toEqual(sig);
        expect(ecSchnorrVerify(c, x, y, hash, digest, sig.r, sig.s)).toBe(true);
        expect(ecSchnorrVerify(c, other.x, other.y, hash, digest, sig.r, sig.s)).toBe(false);
        const bad = Uint8Array.from(digest);
        bad[0] ^= 1;
        expect(ecSchnorrVerify(c, x, y, hash, bad, sig.r, sig.s)).toBe(false);
        expect(ecSchnorrVerify(c, x, y, hash, digest, sig.s, sig.r)).toBe(false);
      }
    }
  });
});

describe('properties (fast-check)', () => {
  it('ECDSA and EC Schnorr signatures verify for any digest length; a flipped leading bit fails', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        fc.uint8Array({ minLength: 1, maxLength: 80 }),
        fc.constantFrom(...ALL),
        (seed, digest, c) => {
          const { d, x, y } = eccGenerateKey(c, createDrbg(seed));
          const sig = ecdsaSign(c, d, digest);
          expect(ecdsaVerify(c, x, y, digest, sig.r, sig.s)).toBe(true);
          const bad = Uint8Array.from(digest);
          bad[0] ^= 0x80;
          expect(ecdsaVerify(c, x, y, bad, sig.r, sig.s)).toBe(false);
          const ss = ecSchnorrSign(c, d, SHA256, digest);
          expect(ecSchnorrVerify(c, x, y, SHA256, digest, ss.r, ss.s)).toBe(true);
          expect(ecSchnorrVerify(c, x, y, SHA256, bad, ss.r, ss.s)).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });
});
