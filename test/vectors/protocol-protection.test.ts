// Protected storage and duplication wrappers (TPM 2.0 Part 1 "Protected Storage", "Duplication"):
// round trips on AES-128/256-CFB and SM4-CFB, the blob layout re-derived with node:crypto
// (HMAC-based KDFa written out here, AES/SM4-CFB deciphers, HMAC, hashes), and the reference's
// check order and response codes.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, u16be, utf8 } from '../../src/crypto/bytes.js';
import { hmac } from '../../src/crypto/hmac.js';
import { SHA256 } from '../../src/crypto/hash.js';
import { TPM_ALG, TPM_ECC, TPM_RC } from '../../src/gen/constants.js';
import type { TPMT_SENSITIVE, TPMT_SYM_DEF_OBJECT } from '../../src/gen/types.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { publicName } from '../../src/protocol/keys.js';
import {
  duplicateToSensitive,
  marshalSensitive,
  privateToSensitive,
  protectionKeys,
  sensitiveToPrivate,
  tpm2b,
  unmarshalSensitive,
  unwrapDuplicate,
  unwrapInner,
  unwrapOuter,
  unwrapSensitive,
  wrapDuplicate,
  wrapInner,
  wrapOuter,
  wrapSensitive,
  type DuplicationWrap,
  type OuterWrap,
} from '../../src/protocol/protection.js';
import { decryptSecret, encryptSecret } from '../../src/protocol/secret.js';
import {
  AES128_CFB,
  AES256_CFB,
  eccObject,
  NODE_HASH,
  nodeCfbDecrypt,
  nodeKdfa,
  rsaKey,
  rsaObject,
  seeded,
  SIGN_ATTRS,
  SM4_CFB,
} from './protocol-fixtures.js';

const hex = bytesToHex;

function caught(fn: () => unknown): ProtocolError | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e;
    throw e;
  }
  return undefined;
}
const rcOf = (fn: () => unknown) => caught(fn)?.rc;

function flipAt(b: Uint8Array, i: number): Uint8Array {
  const c = Uint8Array.from(b);
  c[i] ^= 0x01;
  return c;
}

// A child object (its sensitive area and Name) and parents with each symmetric algorithm.
const child = eccObject(TPM_ECC.NIST_P256, 'child', { attributes: SIGN_ATTRS });
const childName = publicName(child.pub);
const sensitive: TPMT_SENSITIVE = { ...child.sensitive, authValue: utf8('child auth') };
const sensitiveBytes = marshalSensitive(sensitive);

const parents: [string, number, TPMT_SYM_DEF_OBJECT][] = [
  ['AES-128-CFB / SHA-256', TPM_ALG.SHA256, AES128_CFB],
  ['AES-256-CFB / SHA-384', TPM_ALG.SHA384, AES256_CFB],
  ['SM4-128-CFB / SM3', TPM_ALG.SM3_256, SM4_CFB],
];

describe('outer wrapper (TPM2B_PRIVATE)', () => {
  const rng = seeded('protection');
  for (const [label, nameAlg, symmetric] of parents) {
    const w: OuterWrap = { nameAlg, symmetric, seed: rng.bytes(32), name: childName };

    it(`${label}: round trip, and node:crypto re-derives keys, HMAC and plaintext`, () => {
      const priv = wrapSensitive(w, sensitiveBytes);
      expect(unwrapSensitive(w, priv)).toEqual(sensitiveBytes);
      expect(unmarshalSensitive(unwrapSensitive(w, priv))).toEqual(sensitive);

      const hLen = createHash(NODE_HASH[nameAlg]).digest().length;
      const keyBytes = (symmetric.keyBits as number) / 8;
      const symKey = nodeKdfa(nameAlg, w.seed, 'STORAGE', childName, new Uint8Array(0), keyBytes * 8);
      const hmacKey = nodeKdfa(nameAlg, w.seed, 'INTEGRITY', new Uint8Array(0), new Uint8Array(0), hLen * 8);
      expect(protectionKeys(w)).toEqual({ symKey, hmacKey });
      // layout: TPM2B(outerHMAC) ‖ encSensitive
      expect(hex(priv.subarray(0, 2))).toBe(hex(u16be(hLen)));
      const integrity = priv.subarray(2, 2 + hLen);
      const enc = priv.subarray(2 + hLen);
      expect(hex(integrity)).toBe(createHmac(NODE_HASH[nameAlg], hmacKey).update(enc).update(childName).digest('hex'));
      expect(nodeCfbDecrypt(symmetric, symKey, new Uint8Array(16), enc)).toEqual(tpm2b(sensitiveBytes));
    });

    it(`${label}: with a random IV (the reference's TPM2_Create blobs)`, () => {
      const iv = rng.bytes(16);
      const priv = sensitiveToPrivate(w, sensitive, iv);
      expect(privateToSensitive(w, priv, true)).toEqual(sensitive);
      const hLen = priv[1];
      expect(hex(priv.subarray(2 + hLen, 2 + hLen + 18))).toBe(hex(tpm2b(iv)));
      const { symKey, hmacKey } = protectionKeys(w);
      expect(hex(priv.subarray(2, 2 + hLen))).toBe(
        createHmac(NODE_HASH[nameAlg], hmacKey).update(priv.subarray(2 + hLen)).update(childName).digest('hex'),
      );
      expect(nodeCfbDecrypt(symmetric, symKey, iv, priv.subarray(2 + hLen + 18))).toEqual(tpm2b(sensitiveBytes));
      // without the IV flag the IV is taken for ciphertext: the plaintext size no longer matches
      expect(rcOf(() => unwrapSensitive(w, priv))).toBe(TPM_RC.SENSITIVE);
    });

    it(`${label}: any flipped bit, another Name or another seed is TPM_RC_INTEGRITY`, () => {
      const priv = wrapSensitive(w, sensitiveBytes);
      for (let i = 2; i < priv.length; i += 7) {
        expect(rcOf(() => unwrapSensitive(w, flipAt(priv, i)))).toBe(TPM_RC.INTEGRITY);
      }
      expect(rcOf(() => unwrapSensitive({ ...w, name: flipAt(childName, 5) }, priv))).toBe(TPM_RC.INTEGRITY);
      expect(rcOf(() => unwrapSensitive({ ...w, seed: flipAt(w.seed, 0) }, priv))).toBe(TPM_RC.INTEGRITY);
      expect(rcOf(() => unwrapSensitive(w, priv.subarray(0, priv.length - 1)))).toBe(TPM_RC.INTEGRITY);
    });
  }

  it('check order and codes of the reference UnwrapOuter / PrivateToSensitive', () => {
    const w: OuterWrap = { nameAlg: TPM_ALG.SHA256, symmetric: AES128_CFB, seed: new Uint8Array(32).fill(7), name: childName };
    const { hmacKey } = protectionKeys(w);
    /** A blob whose outer HMAC is right, around an arbitrary body. */
    const withHmac = (body: Uint8Array) => concatBytes(tpm2b(hmac(SHA256, hmacKey, body, childName)), body);

    expect(rcOf(() => unwrapOuter(w, Uint8Array.of(0)))).toBe(TPM_RC.INSUFFICIENT);
    expect(rcOf(() => unwrapOuter(w, concatBytes(u16be(33), new Uint8Array(10))))).toBe(TPM_RC.INSUFFICIENT);
    expect(rcOf(() => unwrapOuter(w, concatBytes(u16be(65), new Uint8Array(80))))).toBe(TPM_RC.SIZE);
    expect(rcOf(() => unwrapOuter(w, concatBytes(u16be(64), new Uint8Array(80))))).toBe(TPM_RC.INTEGRITY);
    // the IV is read only after the HMAC matched
    expect(rcOf(() => unwrapOuter(w, withHmac(Uint8Array.of(0)), true))).toBe(TPM_RC.INSUFFICIENT);
    expect(rcOf(() => unwrapOuter(w, withHmac(concatBytes(u16be(17), new Uint8Array(40))), true))).toBe(TPM_RC.SIZE);
    expect(rcOf(() => unwrapOuter(w, withHmac(concatBytes(u16be(8), new Uint8Array(40))), true))).toBe(TPM_RC.VALUE);
    expect(rcOf(() => unwrapOuter(w, withHmac(concatBytes(u16be(16), new Uint8Array(10))), true))).toBe(TPM_RC.INSUFFICIENT);
    expect(unwrapOuter(w, withHmac(concatBytes(u16be(16), new Uint8Array(16))), true)).toEqual(new Uint8Array(0));
    // inside: the TPM2B size must match, and the sensitive area must unmarshal (TPM_RC_SENSITIVE for Load)
    expect(rcOf(() => unwrapSensitive(w, wrapOuter(w, concatBytes(u16be(5), new Uint8Array(4)))))).toBe(TPM_RC.SENSITIVE);
    expect(rcOf(() => unwrapSensitive(w, wrapOuter(w, Uint8Array.of(0))))).toBe(TPM_RC.INSUFFICIENT);
    expect(rcOf(() => privateToSensitive(w, wrapSensitive(w, concatBytes(sensitiveBytes, Uint8Array.of(0)))))).toBe(TPM_RC.SENSITIVE);
    expect(rcOf(() => privateToSensitive(w, wrapSensitive(w, Uint8Array.of(0, 0x23, 0, 0))))).toBe(TPM_RC.SENSITIVE);
    expect(rcOf(() => wrapOuter(w, sensitiveBytes, new Uint8Array(8)))).toBe(TPM_RC.VALUE);
    expect(rcOf(() => wrapOuter({ ...w, symmetric: { algorithm: TPM_ALG.NULL, keyBits: null, mode: null } }, sensitiveBytes))).toBe(TPM_RC.SYMMETRIC);
  });
});

describe('duplication blobs (inner and outer wrappers)', () => {
  const rng = seeded('duplication');
  const base = { name: childName, nameAlg: child.pub.nameAlg };

  it('inner wrapper: CFB(TPM2B(H(TPM2B(sensitive) ‖ Name)) ‖ TPM2B(sensitive)) with IV 0, checked with node:crypto', () => {
    for (const symmetric of [AES128_CFB, AES256_CFB, SM4_CFB]) {
      const inner = { symmetric, key: rng.bytes((symmetric.keyBits as number) / 8) };
      const blob = wrapInner(base.nameAlg, childName, inner, tpm2b(sensitiveBytes));
      const plain = nodeCfbDecrypt(symmetric, inner.key, new Uint8Array(16), blob);
      const integrity = createHash('sha256').update(tpm2b(sensitiveBytes)).update(childName).digest();
      expect(hex(plain)).toBe(hex(concatBytes(tpm2b(integrity), tpm2b(sensitiveBytes))));
      expect(unwrapInner(base.nameAlg, childName, inner, blob)).toEqual(tpm2b(sensitiveBytes));
      expect(rcOf(() => unwrapInner(base.nameAlg, childName, inner, flipAt(blob, 40)))).toBe(TPM_RC.INTEGRITY);
      expect(rcOf(() => unwrapInner(base.nameAlg, flipAt(childName, 3), inner, blob))).toBe(TPM_RC.INTEGRITY);
    }
  });

  it('every combination of wrappers round trips; damage is reported on duplicate / encryptionKey', () => {
    const outer = { nameAlg: TPM_ALG.SHA256, symmetric: AES128_CFB, seed: rng.bytes(32) };
    const inner = { symmetric: AES256_CFB, key: rng.bytes(32) };
    const combos: DuplicationWrap[] = [{ ...base }, { ...base, inner }, { ...base, outer }, { ...base, inner, outer }];
    for (const d of combos) {
      const dup = wrapDuplicate(d, sensitiveBytes);
      expect(unwrapDuplicate(d, dup)).toEqual(sensitiveBytes);
      expect(duplicateToSensitive(d, dup)).toEqual(sensitive);
      if (d.inner || d.outer) {
        const e = caught(() => unwrapDuplicate(d, flipAt(dup, dup.length - 3)));
        expect(e?.rc).toBe(TPM_RC.INTEGRITY);
        expect(e?.field).toBe('duplicate');
      }
    }
    expect(wrapDuplicate({ ...base }, sensitiveBytes)).toEqual(tpm2b(sensitiveBytes));
    // outer wrapper as in the Part 1 formula, no IV
    const d = { ...base, outer };
    expect(wrapDuplicate(d, sensitiveBytes)).toEqual(wrapOuter({ ...outer, name: childName }, tpm2b(sensitiveBytes)));
    // sizes: a wrong key length, a TPM2B that does not fill the data, trailing octets after TPMT_SENSITIVE
    const e = caught(() => unwrapDuplicate({ ...base, inner: { symmetric: AES256_CFB, key: new Uint8Array(16) } }, new Uint8Array(64)));
    expect([e?.rc, e?.field]).toEqual([TPM_RC.SIZE, 'encryptionKey']);
    expect(rcOf(() => unwrapDuplicate({ ...base }, concatBytes(u16be(3), new Uint8Array(2))))).toBe(TPM_RC.SIZE);
    expect(rcOf(() => duplicateToSensitive({ ...base }, tpm2b(concatBytes(sensitiveBytes, Uint8Array.of(9)))))).toBe(TPM_RC.SIZE);
  });

  it('host builds a blob for a parent with secret sharing ("DUPLICATE"); the parent side recovers it', () => {
    for (const parent of [rsaObject(rsaKey(2048, 'protection parent')), eccObject(TPM_ECC.NIST_P256, 'parent'), eccObject(TPM_ECC.SM2_P256, 'parent', { symmetric: SM4_CFB })]) {
      const { seed, encryptedSecret } = encryptSecret(parent.pub, 'DUPLICATE', rng);
      const symmetric = (parent.pub.parameters as { symmetric: TPMT_SYM_DEF_OBJECT }).symmetric;
      const inner = { symmetric: AES128_CFB, key: rng.bytes(16) };
      const hostSide: DuplicationWrap = { ...base, inner, outer: { nameAlg: parent.pub.nameAlg, symmetric, seed } };
      const dup = wrapDuplicate(hostSide, sensitiveBytes);
      const tpmSeed = decryptSecret(parent.pub, parent.sensitive, 'DUPLICATE', encryptedSecret);
      const tpmSide: DuplicationWrap = { ...base, inner, outer: { nameAlg: parent.pub.nameAlg, symmetric, seed: tpmSeed } };
      expect(duplicateToSensitive(tpmSide, dup)).toEqual(sensitive);
    }
  });
});
