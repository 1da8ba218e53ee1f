// Host-side duplication blobs (src/protocol/import.ts createImportBlob; Part 1 "Duplication"):
// the parent's private key recovers the seed (label "DUPLICATE"), and the blob is opened here with
// node:crypto (KDFa written out, HMAC, AES/SM4-CFB, hashes) to check its layout: outer
// TPM2B(HMAC(enc ‖ Name)) ‖ enc, enc = CFB(inner), inner = CFB(TPM2B(H(TPM2B(sensitive) ‖ Name)) ‖
// TPM2B(sensitive)) or TPM2B(sensitive) alone. TPM2_Import of these blobs is in
// test/commands/duplication.test.ts.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, u16be } from '../../src/crypto/bytes.js';
import { TPM_ALG, TPM_ECC, TPM_RC, TPMA_OBJECT } from '../../src/gen/constants.js';
import type { TPMS_ECC_PARMS, TPMS_RSA_PARMS, TPMT_PUBLIC, TPMT_SENSITIVE, TPMT_SYM_DEF_OBJECT } from '../../src/gen/types.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { createImportBlob } from '../../src/protocol/import.js';
import { publicName } from '../../src/protocol/keys.js';
import { duplicateToSensitive, marshalSensitive } from '../../src/protocol/protection.js';
import { decryptSecret } from '../../src/protocol/secret.js';
import { AES128_CFB, eccObject, NODE_HASH, nodeCfbDecrypt, nodeKdfa, rsaKey, rsaObject, seeded, SIGN_ATTRS, SM4_CFB, SYM_NULL } from './protocol-fixtures.js';

const hex = bytesToHex;
const DUPLICABLE = SIGN_ATTRS & ~(TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent);

function caught(fn: () => unknown): ProtocolError | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e;
    throw e;
  }
  return undefined;
}

interface Parent {
  name: string;
  pub: TPMT_PUBLIC;
  sensitive: TPMT_SENSITIVE;
  child: { pub: TPMT_PUBLIC; sensitive: TPMT_SENSITIVE };
  inner: TPMT_SYM_DEF_OBJECT;
}

function child(curve: number, scheme: number, nameAlg: number) {
  const o = eccObject(curve, 'import child', { attributes: DUPLICABLE, symmetric: SYM_NULL, scheme: { scheme, details: { hashAlg: nameAlg } }, seedValue: new Uint8Array(0) });
  return { pub: o.pub, sensitive: { ...o.sensitive, authValue: Uint8Array.of(1, 2, 3) } };
}

const PARENTS: Parent[] = [
  { name: 'ECC P-256, AES-128', ...pick(eccObject(TPM_ECC.NIST_P256, 'import parent')), child: child(TPM_ECC.NIST_P256, TPM_ALG.ECDSA, TPM_ALG.SHA256), inner: AES128_CFB },
  {
    name: 'SM2 P-256, SM4-128',
    ...pick(eccObject(TPM_ECC.SM2_P256, 'import parent', { symmetric: SM4_CFB })),
    child: child(TPM_ECC.SM2_P256, TPM_ALG.SM2, TPM_ALG.SM3_256),
    inner: SM4_CFB,
  },
  { name: 'RSA 2048, AES-128', ...pick(rsaObject(rsaKey(2048, 'import parent'))), child: child(TPM_ECC.NIST_P256, TPM_ALG.ECDSA, TPM_ALG.SHA256), inner: AES128_CFB },
];

function pick(o: { pub: TPMT_PUBLIC; sensitive: TPMT_SENSITIVE }) {
  return { pub: o.pub, sensitive: o.sensitive };
}

const nodeHash = (alg: number, ...parts: Uint8Array[]) => {
  const h = createHash(NODE_HASH[alg]);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

describe.each(PARENTS)('createImportBlob, parent $name', (p) => {
  const symmetric = (p.pub.parameters as TPMS_RSA_PARMS | TPMS_ECC_PARMS).symmetric;

  for (const withInner of [false, true]) {
    it(`${withInner ? 'outer and inner wrappers' : 'outer wrapper only'}: the parent recovers the seed and the layout checks out with node:crypto`, () => {
      const key = withInner ? Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i) : undefined;
      const blob = createImportBlob(p.pub, p.child.pub, p.child.sensitive, seeded('import blob ' + p.name), withInner ? { innerSymmetric: p.inner, encryptionKey: key } : {});
      const name = publicName(p.child.pub);
      expect(hex(blob.name)).toBe(hex(name));
      expect(blob.symmetricAlg).toEqual(withInner ? p.inner : SYM_NULL);
      expect(blob.encryptionKey).toEqual(key ?? new Uint8Array(0));

      const seed = decryptSecret(p.pub, p.sensitive, 'DUPLICATE', blob.inSymSeed);
      const outerHash = p.pub.nameAlg;
      const hmacKey = nodeKdfa(outerHash, seed, 'INTEGRITY', new Uint8Array(0), new Uint8Array(0), nodeHash(outerHash).length * 8);
      const symKey = nodeKdfa(outerHash, seed, 'STORAGE', name, new Uint8Array(0), 128);
      const n = (blob.duplicate[0] << 8) | blob.duplicate[1];
      const integrity = blob.duplicate.subarray(2, 2 + n);
      const enc = blob.duplicate.subarray(2 + n);
      expect(hex(integrity)).toBe(createHmac(NODE_HASH[outerHash], hmacKey).update(enc).update(name).digest('hex'));
      let plain = nodeCfbDecrypt(symmetric, symKey, new Uint8Array(16), enc);
      const sensitive2b = concatBytes(u16be(marshalSensitive(p.child.sensitive).length), marshalSensitive(p.child.sensitive));
      if (withInner) {
        plain = nodeCfbDecrypt(p.inner, key!, new Uint8Array(16), plain);
        const innerIntegrity = nodeHash(p.child.pub.nameAlg, sensitive2b, name);
        expect(hex(plain)).toBe(hex(concatBytes(u16be(innerIntegrity.length), innerIntegrity, sensitive2b)));
      } else {
        expect(hex(plain)).toBe(hex(sensitive2b));
      }

      // And the emulator's unwrapping gets the sensitive area back.
      const outer = { nameAlg: outerHash, symmetric, seed };
      const inner = withInner ? { symmetric: p.inner, key: key! } : undefined;
      expect(duplicateToSensitive({ name, nameAlg: p.child.pub.nameAlg, outer, inner }, blob.duplicate)).toEqual(p.child.sensitive);
    });
  }

  it('draws the inner key when none is given', () => {
    const blob = createImportBlob(p.pub, p.child.pub, p.child.sensitive, seeded('drawn ' + p.name), { innerSymmetric: p.inner });
    expect(blob.encryptionKey.length).toBe(16);
    const seed = decryptSecret(p.pub, p.sensitive, 'DUPLICATE', blob.inSymSeed);
    const d = { name: blob.name, nameAlg: p.child.pub.nameAlg, outer: { nameAlg: p.pub.nameAlg, symmetric, seed }, inner: { symmetric: p.inner, key: blob.encryptionKey } };
    expect(duplicateToSensitive(d, blob.duplicate)).toEqual(p.child.sensitive);
  });
});

describe('createImportBlob refuses what TPM2_Import would', () => {
  const [p] = PARENTS;
  const rng = seeded('import refusals');
  const rc = (fn: () => unknown) => {
    const e = caught(fn);
    return e && { rc: e.rc, field: e.field };
  };

  it('a parent that is not an RSA/ECC storage key', () => {
    const signer = { ...p.pub, objectAttributes: SIGN_ATTRS };
    expect(rc(() => createImportBlob(signer, p.child.pub, p.child.sensitive, rng))).toEqual({ rc: TPM_RC.TYPE, field: 'parentPublic' });
    const keyedHash: TPMT_PUBLIC = { ...p.child.pub, type: TPM_ALG.KEYEDHASH, objectAttributes: p.pub.objectAttributes };
    expect(rc(() => createImportBlob(keyedHash, p.child.pub, p.child.sensitive, rng))).toEqual({ rc: TPM_RC.TYPE, field: 'parentPublic' });
  });

  it('fixedTPM or fixedParent objects, a sensitive area of another type, encryptedDuplication without an inner wrapper', () => {
    for (const bit of [TPMA_OBJECT.fixedTPM, TPMA_OBJECT.fixedParent]) {
      const pub = { ...p.child.pub, objectAttributes: p.child.pub.objectAttributes | bit };
      expect(rc(() => createImportBlob(p.pub, pub, p.child.sensitive, rng))).toEqual({ rc: TPM_RC.ATTRIBUTES, field: 'objectPublic' });
    }
    expect(rc(() => createImportBlob(p.pub, p.child.pub, { ...p.child.sensitive, sensitiveType: TPM_ALG.RSA }, rng))).toEqual({ rc: TPM_RC.TYPE, field: 'objectSensitive' });
    const encDup = { ...p.child.pub, objectAttributes: p.child.pub.objectAttributes | TPMA_OBJECT.encryptedDuplication };
    expect(rc(() => createImportBlob(p.pub, encDup, p.child.sensitive, rng))).toEqual({ rc: TPM_RC.SYMMETRIC, field: 'innerSymmetric' });
    expect(createImportBlob(p.pub, encDup, p.child.sensitive, rng, { innerSymmetric: AES128_CFB }).encryptionKey.length).toBe(16);
    expect(rc(() => createImportBlob(p.pub, p.child.pub, p.child.sensitive, rng, { encryptionKey: new Uint8Array(16) }))).toEqual({ rc: TPM_RC.SIZE, field: 'encryptionKey' });
    expect(rc(() => createImportBlob(p.pub, p.child.pub, p.child.sensitive, rng, { innerSymmetric: AES128_CFB, encryptionKey: new Uint8Array(15) }))).toEqual({ rc: TPM_RC.SIZE, field: 'encryptionKey' });
  });
});
