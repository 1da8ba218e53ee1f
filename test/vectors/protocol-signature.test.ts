// Signatures (TPM 2.0 Part 1 "Signature Operations"): every scheme signDigest produces checks
// with an independent verifier (node:crypto for RSASSA, RSA-PSS, ECDSA and HMAC; sm-crypto for
// SM2; EC Schnorr recomputed from its Part 1 definition with noble's points and node's hashes),
// and verifySignature accepts their signatures and rejects tampered ones.
import { constants, createHash, createHmac, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { bigintToBytes, bytesToBigint, bytesToHex, concatBytes, hexToBytes, utf8 } from '../../src/crypto/bytes.js';
import { getCurve } from '../../src/crypto/ecc.js';
import { TPM_ALG, TPM_ECC, TPM_RC, TPMA_OBJECT } from '../../src/gen/constants.js';
import type {
  TPMS_ECC_POINT,
  TPMS_SIGNATURE_ECC,
  TPMS_SIGNATURE_RSA,
  TPMT_HA,
  TPMT_PUBLIC,
  TPMT_SENSITIVE,
  TPMT_SIG_SCHEME,
  TPMT_SIGNATURE,
} from '../../src/gen/types.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { protocolCodec } from '../../src/protocol/keys.js';
import { checkSignature, signDigest, verifySignature } from '../../src/protocol/signature.js';
import { eccObject, nodeEcPrivate, nodeEcPublic, nodeRsaPrivate, nodeRsaPublic, rsaKey, rsaObject, seeded, SIGN_ATTRS } from './protocol-fixtures.js';

interface SmCryptoSm2 {
  doSignature(msg: Uint8Array | string, privateKey: string, opts?: { hash?: boolean; der?: boolean }): string;
  doVerifySignature(msg: Uint8Array | string, sig: string, publicKey: string, opts?: { hash?: boolean; der?: boolean }): boolean;
}
const { sm2: smc } = createRequire(import.meta.url)('sm-crypto') as { sm2: SmCryptoSm2 };

const hex = bytesToHex;
const codec = protocolCodec();
const HASHES: Record<number, string> = {
  [TPM_ALG.SHA1]: 'sha1',
  [TPM_ALG.SHA256]: 'sha256',
  [TPM_ALG.SHA384]: 'sha384',
  [TPM_ALG.SHA512]: 'sha512',
  [TPM_ALG.SM3_256]: 'sm3',
};
const digestOf = (alg: number, msg: Uint8Array) => new Uint8Array(createHash(HASHES[alg]).update(msg).digest());
const schemeOf = (scheme: number, hashAlg: number): TPMT_SIG_SCHEME => ({ scheme, details: { hashAlg } });
const MSG = utf8('vtpm signs this message');

function rcOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e.rc;
    throw e;
  }
  return undefined;
}

/** The signature survives a codec round trip (its shape is the gen type's). */
function roundTrip(sig: TPMT_SIGNATURE): TPMT_SIGNATURE {
  const back = codec.decode<TPMT_SIGNATURE>('TPMT_SIGNATURE', codec.encode('TPMT_SIGNATURE', sig));
  expect(back).toEqual(sig);
  return back;
}

function flip(b: Uint8Array, i = b.length - 1): Uint8Array {
  const c = Uint8Array.from(b);
  c[i] ^= 1;
  return c;
}

describe('RSA signatures', () => {
  const obj = rsaObject(rsaKey(2048, 'signature'), { attributes: SIGN_ATTRS, symmetric: { algorithm: TPM_ALG.NULL, keyBits: null, mode: null } });
  const pubKey = nodeRsaPublic(obj.key);
  const privKey = nodeRsaPrivate(obj.key);
  const rng = seeded('rsa signatures');

  for (const hashAlg of [TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512]) {
    const name = HASHES[hashAlg];
    it(`RSASSA-${name}: node verifies ours, we verify node's`, () => {
      const digest = digestOf(hashAlg, MSG);
      const sig = roundTrip(signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.RSASSA, hashAlg), digest, rng));
      expect(sig.sigAlg).toBe(TPM_ALG.RSASSA);
      const { hash, sig: s } = sig.signature as TPMS_SIGNATURE_RSA;
      expect(hash).toBe(hashAlg);
      expect(nodeVerify(name, MSG, pubKey, s)).toBe(true);
      expect(verifySignature(obj.pub, digest, sig)).toBe(true);
      const theirs = new Uint8Array(nodeSign(name, MSG, privKey));
      expect(theirs).toEqual(s); // PKCS#1 v1.5 is deterministic
      expect(verifySignature(obj.pub, flip(digest), sig)).toBe(false);
      expect(verifySignature(obj.pub, digest, { sigAlg: TPM_ALG.RSASSA, signature: { hash, sig: flip(s, 7) } })).toBe(false);
    });

    it(`RSAPSS-${name}: salt = digest size, node verifies with that salt length; any salt accepted`, () => {
      const digest = digestOf(hashAlg, MSG);
      const sig = roundTrip(signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.RSAPSS, hashAlg), digest, rng));
      const { hash, sig: s } = sig.signature as TPMS_SIGNATURE_RSA;
      const hLen = digest.length;
      expect(nodeVerify(name, MSG, { key: pubKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hLen }, s)).toBe(true);
      expect(nodeVerify(name, MSG, { key: pubKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hLen + 1 }, s)).toBe(false);
      expect(verifySignature(obj.pub, digest, sig)).toBe(true);
      for (const saltLength of [0, hLen, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
        const theirs = new Uint8Array(nodeSign(name, MSG, { key: privKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }));
        expect(verifySignature(obj.pub, digest, { sigAlg: TPM_ALG.RSAPSS, signature: { hash, sig: theirs } })).toBe(true);
        expect(verifySignature(obj.pub, digest, { sigAlg: TPM_ALG.RSAPSS, signature: { hash, sig: flip(theirs, 3) } })).toBe(false);
      }
      // a PKCS#1 v1.5 signature is not a PSS signature
      const v15 = signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.RSASSA, hashAlg), digest, rng);
      expect(verifySignature(obj.pub, digest, { ...v15, sigAlg: TPM_ALG.RSAPSS })).toBe(false);
    });
  }

  it('RSAPSS on RSA-1024 with SHA-512: the salt shrinks to emLen - hLen - 2 = 62 (reference CryptRsaPssSaltSize)', () => {
    const small = rsaObject(rsaKey(1024, 'signature'), { attributes: SIGN_ATTRS });
    const digest = digestOf(TPM_ALG.SHA512, MSG);
    const sig = signDigest(small.pub, small.sensitive, schemeOf(TPM_ALG.RSAPSS, TPM_ALG.SHA512), digest, rng);
    const s = (sig.signature as TPMS_SIGNATURE_RSA).sig;
    const key = nodeRsaPublic(small.key);
    expect(nodeVerify('sha512', MSG, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 62 }, s)).toBe(true);
    expect(nodeVerify('sha512', MSG, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }, s)).toBe(false);
  });

  it('scheme and size errors', () => {
    const digest = digestOf(TPM_ALG.SHA256, MSG);
    expect(rcOf(() => signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.ECDSA, TPM_ALG.SHA256), digest, rng))).toBe(TPM_RC.SCHEME);
    expect(rcOf(() => signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.RSASSA, TPM_ALG.SHA384), digest, rng))).toBe(TPM_RC.VALUE);
    expect(rcOf(() => signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.RSASSA, 0x7777), digest, rng))).toBe(TPM_RC.SCHEME);
    expect(signDigest(obj.pub, obj.sensitive, { scheme: TPM_ALG.NULL, details: null }, digest, rng)).toEqual({ sigAlg: TPM_ALG.NULL, signature: null });
    const sig = signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.RSASSA, TPM_ALG.SHA256), digest, rng);
    const ecdsaSig: TPMT_SIGNATURE = { sigAlg: TPM_ALG.ECDSA, signature: { hash: TPM_ALG.SHA256, signatureR: new Uint8Array(32), signatureS: new Uint8Array(32) } };
    expect(rcOf(() => verifySignature(obj.pub, digest, ecdsaSig))).toBe(TPM_RC.SCHEME);
    expect(verifySignature(obj.pub, digest, { sigAlg: TPM_ALG.NULL, signature: null })).toBe(false);
    const short = { sigAlg: TPM_ALG.RSASSA, signature: { hash: TPM_ALG.SHA256, sig: (sig.signature as TPMS_SIGNATURE_RSA).sig.subarray(1) } };
    expect(verifySignature(obj.pub, digest, short)).toBe(false);
    expect(rcOf(() => checkSignature(obj.pub, flip(digest), sig))).toBe(TPM_RC.SIGNATURE);
    expect(rcOf(() => checkSignature(obj.pub, digest, sig))).toBeUndefined();
  });
});

describe('ECDSA', () => {
  const cases: [number, string, number[]][] = [
    [TPM_ECC.NIST_P256, 'P-256', [TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA1]],
    [TPM_ECC.NIST_P384, 'P-384', [TPM_ALG.SHA384, TPM_ALG.SHA256]],
    [TPM_ECC.NIST_P521, 'P-521', [TPM_ALG.SHA512, TPM_ALG.SHA256]],
  ];
  const rng = seeded('ecdsa');
  for (const [curveId, curveName, hashes] of cases) {
    it(`${curveName}: node verifies ours (ieee-p1363), we verify node's, tampering fails`, () => {
      const obj = eccObject(curveId, 'ecdsa', { attributes: SIGN_ATTRS });
      const { x, y } = obj.pub.unique as TPMS_ECC_POINT;
      const pubKey = nodeEcPublic(curveId, x, y);
      const privKey = nodeEcPrivate(curveId, obj.d, x, y);
      for (const hashAlg of hashes) {
        const name = HASHES[hashAlg];
        const digest = digestOf(hashAlg, MSG);
        const sig = roundTrip(signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.ECDSA, hashAlg), digest, rng));
        const { hash, signatureR: r, signatureS: s } = sig.signature as TPMS_SIGNATURE_ECC;
        expect(hash).toBe(hashAlg);
        expect(r.length).toBe(getCurve(curveId)!.byteLength);
        expect(nodeVerify(name, MSG, { key: pubKey, dsaEncoding: 'ieee-p1363' }, concatBytes(r, s))).toBe(true);
        expect(verifySignature(obj.pub, digest, sig)).toBe(true);
        expect(verifySignature(obj.pub, flip(digest, 0), sig)).toBe(false);
        const theirs = new Uint8Array(nodeSign(name, MSG, { key: privKey, dsaEncoding: 'ieee-p1363' }));
        const half = theirs.length / 2;
        const nodeSig: TPMT_SIGNATURE = { sigAlg: TPM_ALG.ECDSA, signature: { hash, signatureR: theirs.subarray(0, half), signatureS: theirs.subarray(half) } };
        expect(verifySignature(obj.pub, digest, nodeSig)).toBe(true);
        expect(verifySignature(obj.pub, digest, { ...nodeSig, signature: { hash, signatureR: theirs.subarray(0, half), signatureS: flip(theirs.subarray(half)) } })).toBe(false);
      }
    });
  }

  it('nonces: hedged with the rng by default, plain RFC 6979 when deterministic', () => {
    const obj = eccObject(TPM_ECC.NIST_P256, 'ecdsa', { attributes: SIGN_ATTRS });
    const digest = digestOf(TPM_ALG.SHA256, MSG);
    const sch = schemeOf(TPM_ALG.ECDSA, TPM_ALG.SHA256);
    const a = signDigest(obj.pub, obj.sensitive, sch, digest, seeded('same'));
    const b = signDigest(obj.pub, obj.sensitive, sch, digest, seeded('same'));
    const c = signDigest(obj.pub, obj.sensitive, sch, digest, seeded('other'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const d1 = signDigest(obj.pub, obj.sensitive, sch, digest, seeded('one'), { deterministic: true });
    const d2 = signDigest(obj.pub, obj.sensitive, sch, digest, seeded('two'), { deterministic: true });
    expect(d1).toEqual(d2);
    expect(verifySignature(obj.pub, digest, d1)).toBe(true);
  });

  it('ECDAA is not implemented; RSA schemes do not fit an ECC key', () => {
    const obj = eccObject(TPM_ECC.NIST_P256, 'ecdsa', { attributes: SIGN_ATTRS });
    const digest = digestOf(TPM_ALG.SHA256, MSG);
    const rng2 = seeded('ecdaa');
    expect(rcOf(() => signDigest(obj.pub, obj.sensitive, { scheme: TPM_ALG.ECDAA, details: { hashAlg: TPM_ALG.SHA256, count: 0 } }, digest, rng2))).toBe(TPM_RC.SCHEME);
    expect(rcOf(() => signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.RSAPSS, TPM_ALG.SHA256), digest, rng2))).toBe(TPM_RC.SCHEME);
    const sig = signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.ECDSA, TPM_ALG.SHA256), digest, rng2);
    expect(rcOf(() => verifySignature(obj.pub, digest, { ...sig, sigAlg: TPM_ALG.ECDAA }))).toBe(TPM_RC.SCHEME);
    expect(rcOf(() => verifySignature(obj.pub, digest, { sigAlg: TPM_ALG.RSASSA, signature: { hash: TPM_ALG.SHA256, sig: new Uint8Array(256) } }))).toBe(TPM_RC.SCHEME);
    // r = 0 / s >= n are not genuine
    const { hash, signatureR: r } = sig.signature as TPMS_SIGNATURE_ECC;
    expect(verifySignature(obj.pub, digest, { sigAlg: TPM_ALG.ECDSA, signature: { hash, signatureR: new Uint8Array(32), signatureS: r } })).toBe(false);
    expect(verifySignature(obj.pub, digest, { sigAlg: TPM_ALG.ECDSA, signature: { hash, signatureR: r, signatureS: bigintToBytes(getCurve(TPM_ECC.NIST_P256)!.n, 32) } })).toBe(false);
  });
});

describe('EC Schnorr (Part 1 "EC Schnorr")', () => {
  /** Independent check: E = [s]G - [r]Q; r == leftmost bytes(n) of H(x(E) ‖ digest). */
  function schnorrCheck(curveId: number, pub: TPMT_PUBLIC, hashAlg: number, digest: Uint8Array, sig: TPMS_SIGNATURE_ECC): boolean {
    const curve = getCurve(curveId)!;
    const { x, y } = pub.unique as TPMS_ECC_POINT;
    const Q = curve.Point.fromAffine({ x: bytesToBigint(x), y: bytesToBigint(y) });
    const r = bytesToBigint(sig.signatureR);
    const s = bytesToBigint(sig.signatureS);
    const E = curve.Point.BASE.multiply(s).add(Q.multiply(r).negate()).toAffine();
    const nBytes = Math.ceil(curve.nBits / 8);
    const e = createHash(HASHES[hashAlg]).update(bigintToBytes(E.x, curve.byteLength)).update(digest).digest();
    return bytesToBigint(new Uint8Array(e.subarray(0, nBytes))) === r;
  }

  const rng = seeded('schnorr');
  for (const [curveId, hashAlg] of [
    [TPM_ECC.NIST_P256, TPM_ALG.SHA256],
    [TPM_ECC.NIST_P256, TPM_ALG.SHA512],
    [TPM_ECC.NIST_P384, TPM_ALG.SHA384],
    [TPM_ECC.NIST_P521, TPM_ALG.SHA256],
    [TPM_ECC.SM2_P256, TPM_ALG.SM3_256],
  ]) {
    it(`curve 0x${curveId.toString(16)} with ${HASHES[hashAlg]}`, () => {
      const obj = eccObject(curveId, 'schnorr', { attributes: SIGN_ATTRS });
      for (let i = 0; i < 3; i++) {
        const digest = digestOf(hashAlg, concatBytes(MSG, Uint8Array.of(i)));
        const sig = roundTrip(signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.ECSCHNORR, hashAlg), digest, rng));
        expect(sig.sigAlg).toBe(TPM_ALG.ECSCHNORR);
        expect(schnorrCheck(curveId, obj.pub, hashAlg, digest, sig.signature as TPMS_SIGNATURE_ECC)).toBe(true);
        expect(verifySignature(obj.pub, digest, sig)).toBe(true);
        expect(verifySignature(obj.pub, flip(digest), sig)).toBe(false);
        // the challenge hash is part of the signature: another hash does not verify
        const other = hashAlg === TPM_ALG.SHA256 ? TPM_ALG.SHA384 : TPM_ALG.SHA256;
        expect(verifySignature(obj.pub, digest, { ...sig, signature: { ...(sig.signature as TPMS_SIGNATURE_ECC), hash: other } })).toBe(false);
      }
    });
  }
});

describe('SM2 (digest signed as is, no Z_A)', () => {
  const obj = eccObject(TPM_ECC.SM2_P256, 'sm2', { attributes: SIGN_ATTRS });
  const { x, y } = obj.pub.unique as TPMS_ECC_POINT;
  const pubHex = '04' + hex(x) + hex(y);
  const rng = seeded('sm2 signatures');

  it('sm-crypto verifies ours on the raw digest (hash:false); we verify sm-crypto\'s', () => {
    for (let i = 0; i < 4; i++) {
      const digest = digestOf(TPM_ALG.SM3_256, concatBytes(MSG, Uint8Array.of(i)));
      const sig = roundTrip(signDigest(obj.pub, obj.sensitive, schemeOf(TPM_ALG.SM2, TPM_ALG.SM3_256), digest, rng));
      const { signatureR: r, signatureS: s } = sig.signature as TPMS_SIGNATURE_ECC;
      expect(smc.doVerifySignature(digest, hex(concatBytes(r, s)), pubHex, { hash: false })).toBe(true);
      expect(verifySignature(obj.pub, digest, sig)).toBe(true);
      const theirs = hexToBytes(smc.doSignature(digest, hex(bigintToBytes(obj.d, 32)), { hash: false }));
      const smSig: TPMT_SIGNATURE = { sigAlg: TPM_ALG.SM2, signature: { hash: TPM_ALG.SM3_256, signatureR: theirs.subarray(0, 32), signatureS: theirs.subarray(32) } };
      expect(verifySignature(obj.pub, digest, smSig)).toBe(true);
      expect(verifySignature(obj.pub, flip(digest), smSig)).toBe(false);
    }
  });
});

describe('HMAC (keyedHash signing key)', () => {
  const key = seeded('hmac key').bytes(32);
  const keyedHash = (scheme: TPMT_SIG_SCHEME | { scheme: number; details: null }): { pub: TPMT_PUBLIC; sensitive: TPMT_SENSITIVE } => ({
    pub: {
      type: TPM_ALG.KEYEDHASH,
      nameAlg: TPM_ALG.SHA256,
      objectAttributes: SIGN_ATTRS,
      authPolicy: new Uint8Array(0),
      parameters: { scheme },
      unique: new Uint8Array(32),
    },
    sensitive: { sensitiveType: TPM_ALG.KEYEDHASH, authValue: new Uint8Array(0), seedValue: new Uint8Array(32), sensitive: key },
  });
  const rng = seeded('hmac');

  it('signature = HMAC(key, digest) per node:crypto; verification needs the sensitive area', () => {
    const { pub, sensitive } = keyedHash({ scheme: TPM_ALG.NULL, details: null });
    for (const hashAlg of [TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512, TPM_ALG.SM3_256]) {
      const digest = digestOf(hashAlg, MSG);
      const sig = roundTrip(signDigest(pub, sensitive, schemeOf(TPM_ALG.HMAC, hashAlg), digest, rng));
      const ha = sig.signature as TPMT_HA;
      expect(ha.hashAlg).toBe(hashAlg);
      expect(hex(ha.digest!)).toBe(createHmac(HASHES[hashAlg], key).update(digest).digest('hex'));
      expect(verifySignature(pub, digest, sig, sensitive)).toBe(true);
      expect(verifySignature(pub, flip(digest), sig, sensitive)).toBe(false);
      expect(rcOf(() => verifySignature(pub, digest, sig))).toBe(TPM_RC.HANDLE);
    }
  });

  it('a key with an HMAC scheme accepts only its own hash; other schemes are TPM_RC_SCHEME', () => {
    const { pub, sensitive } = keyedHash(schemeOf(TPM_ALG.HMAC, TPM_ALG.SHA256));
    const digest = digestOf(TPM_ALG.SHA384, MSG);
    const sig384 = signDigest(pub, sensitive, schemeOf(TPM_ALG.HMAC, TPM_ALG.SHA384), digest, rng);
    expect(verifySignature(pub, digest, sig384, sensitive)).toBe(false);
    expect(rcOf(() => signDigest(pub, sensitive, schemeOf(TPM_ALG.RSASSA, TPM_ALG.SHA256), digest, rng))).toBe(TPM_RC.SCHEME);
    expect(rcOf(() => verifySignature(pub, digest, { sigAlg: TPM_ALG.ECDSA, signature: { hash: TPM_ALG.SHA256, signatureR: new Uint8Array(1), signatureS: new Uint8Array(1) } }, sensitive))).toBe(TPM_RC.SCHEME);
    const sym = { ...pub, type: TPM_ALG.SYMCIPHER, objectAttributes: TPMA_OBJECT.decrypt };
    expect(rcOf(() => signDigest(sym, sensitive, schemeOf(TPM_ALG.HMAC, TPM_ALG.SHA256), digest, rng))).toBe(TPM_RC.KEY);
  });
});
