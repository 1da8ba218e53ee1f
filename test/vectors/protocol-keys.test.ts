// Names, Qualified Names and key conversions (TPM 2.0 Part 1 "Names", "Qualified Name"), with
// node:crypto hashes and go-tpm's marshalled key pairs as the independent side.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bigintToBytes, bytesToBigint, bytesToHex, concatBytes, hexToBytes, u16be, u32be } from '../../src/crypto/bytes.js';
import { CURVE_NIST_P256 } from '../../src/crypto/ecc.js';
import { rsaDecryptRaw, rsaEncryptRaw } from '../../src/crypto/rsa.js';
import { TPM_ALG, TPM_ECC, TPM_RC, TPM_RH } from '../../src/gen/constants.js';
import type { TPMS_ECC_PARMS, TPMS_ECC_POINT, TPMS_RSA_PARMS, TPMT_PUBLIC, TPMT_SENSITIVE } from '../../src/gen/types.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import {
  eccCurveOf,
  eccPrivateKeyOf,
  eccPublicPointOf,
  marshalPublic,
  objectName,
  protocolCodec,
  publicName,
  qualifiedName,
  rsaPrivateKeyOf,
  rsaPublicKeyOf,
} from '../../src/protocol/keys.js';
import { handleName } from '../../src/protocol/session.js';
import { ECC_LABELED_ENCAPS, RSA_LABELED_ENCAPS } from './protocol-fixtures.js';

const h = hexToBytes;
const hex = bytesToHex;
const codec = protocolCodec();
const NODE_HASH: Record<number, string> = {
  [TPM_ALG.SHA1]: 'sha1',
  [TPM_ALG.SHA256]: 'sha256',
  [TPM_ALG.SHA384]: 'sha384',
  [TPM_ALG.SHA512]: 'sha512',
  [TPM_ALG.SM3_256]: 'sm3',
};
const nodeDigest = (alg: number, ...parts: Uint8Array[]): Uint8Array => {
  const c = createHash(NODE_HASH[alg]);
  for (const p of parts) c.update(p);
  return new Uint8Array(c.digest());
};

function rcOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e.rc;
    throw e;
  }
  return undefined;
}

const vectors = [...ECC_LABELED_ENCAPS, ...RSA_LABELED_ENCAPS].map((v) => ({
  name: v.name,
  pubBytes: h(v.publicKey),
  pub: codec.decode<TPMT_PUBLIC>('TPMT_PUBLIC', h(v.publicKey)),
  sensitive: codec.decode<TPMT_SENSITIVE>('TPMT_SENSITIVE', h(v.privateKey)),
}));

describe('Names', () => {
  it('Name = nameAlg ‖ H(marshalled TPMT_PUBLIC) for go-tpm public areas (SHA-1/256/384/512)', () => {
    const seen = new Set<number>();
    for (const v of vectors) {
      const expected = concatBytes(u16be(v.pub.nameAlg), nodeDigest(v.pub.nameAlg, v.pubBytes));
      expect(hex(objectName(v.pubBytes, v.pub.nameAlg))).toBe(hex(expected));
      expect(hex(publicName(v.pub))).toBe(hex(expected));
      expect(marshalPublic(v.pub)).toEqual(v.pubBytes);
      seen.add(v.pub.nameAlg);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512]);
  });

  it('SM3 names, and nameAlg TPM_ALG_NULL gives the Empty Buffer', () => {
    const bytes = h('00230012000304600000');
    expect(hex(objectName(bytes, TPM_ALG.SM3_256))).toBe('0012' + hex(nodeDigest(TPM_ALG.SM3_256, bytes)));
    expect(objectName(bytes, TPM_ALG.NULL)).toEqual(new Uint8Array(0));
    expect(rcOf(() => objectName(bytes, 0x7777))).toBe(TPM_RC.HASH);
  });

  it('Qualified Name = nameAlg ‖ H(parent QN ‖ Name), primary objects under the hierarchy handle', () => {
    const v = vectors[0];
    const name = publicName(v.pub);
    const owner = handleName(TPM_RH.OWNER);
    expect(hex(owner)).toBe('40000001');
    const qn = qualifiedName(owner, name, v.pub.nameAlg);
    expect(hex(qn)).toBe(hex(concatBytes(u16be(v.pub.nameAlg), nodeDigest(v.pub.nameAlg, u32be(TPM_RH.OWNER), name))));
    // a child's QN chains on its parent's QN, hashed with the child's nameAlg
    const child = vectors[vectors.length - 1];
    const childName = publicName(child.pub);
    expect(hex(qualifiedName(qn, childName, child.pub.nameAlg))).toBe(
      hex(concatBytes(u16be(child.pub.nameAlg), nodeDigest(child.pub.nameAlg, qn, childName))),
    );
  });
});

describe('key conversions', () => {
  const rsa = vectors.filter((v) => v.pub.type === TPM_ALG.RSA);
  const ecc = vectors.filter((v) => v.pub.type === TPM_ALG.ECC);

  it('RSA: the prime in the sensitive area rebuilds the private key (exponent 0 = 65537)', () => {
    for (const v of rsa) {
      const pub = rsaPublicKeyOf(v.pub);
      expect((v.pub.parameters as TPMS_RSA_PARMS).exponent).toBe(0);
      expect(pub.e).toBe(65537n);
      const key = rsaPrivateKeyOf(v.pub, v.sensitive);
      expect(key.p * key.q).toBe(pub.n);
      const m = h('0102030405060708');
      expect(rsaDecryptRaw(key, rsaEncryptRaw(pub, m)).subarray(-8)).toEqual(m);
    }
    const v = rsa[0];
    expect(rsaPublicKeyOf({ ...v.pub, parameters: { ...(v.pub.parameters as TPMS_RSA_PARMS), exponent: 3 } }).e).toBe(3n);
    const p = bytesToBigint(v.sensitive.sensitive as Uint8Array);
    const len = (v.sensitive.sensitive as Uint8Array).length;
    expect(rcOf(() => rsaPrivateKeyOf(v.pub, { ...v.sensitive, sensitive: bigintToBytes(p + 2n, len) }))).toBe(TPM_RC.BINDING);
    expect(rcOf(() => rsaPrivateKeyOf(v.pub, { ...v.sensitive, sensitive: bigintToBytes(p, len + 1) }))).toBe(TPM_RC.KEY_SIZE);
    expect(rcOf(() => rsaPrivateKeyOf(v.pub, { ...v.sensitive, sensitiveType: TPM_ALG.ECC }))).toBe(TPM_RC.TYPE);
    expect(rcOf(() => eccCurveOf(v.pub))).toBe(TPM_RC.TYPE);
  });

  it('ECC: d from the sensitive area matches the public point; range and binding codes', () => {
    for (const v of ecc) {
      const { curve, x, y } = eccPublicPointOf(v.pub);
      expect(curve.id).toBe((v.pub.parameters as TPMS_ECC_PARMS).curveID);
      const d = eccPrivateKeyOf(v.pub, v.sensitive, true);
      const P = curve.Point.BASE.multiply(d).toAffine();
      expect(P.x).toBe(bytesToBigint(x));
      expect(P.y).toBe(bytesToBigint(y));
    }
    const v = ecc[0];
    const n = CURVE_NIST_P256.n;
    expect(rcOf(() => eccPrivateKeyOf(v.pub, { ...v.sensitive, sensitive: new Uint8Array(32) }))).toBe(TPM_RC.KEY_SIZE);
    expect(rcOf(() => eccPrivateKeyOf(v.pub, { ...v.sensitive, sensitive: bigintToBytes(n, 32) }))).toBe(TPM_RC.KEY_SIZE);
    expect(rcOf(() => eccPrivateKeyOf(v.pub, { ...v.sensitive, sensitive: bigintToBytes(5n, 32) }, true))).toBe(TPM_RC.BINDING);
    expect(eccPrivateKeyOf(v.pub, { ...v.sensitive, sensitive: bigintToBytes(5n, 32) })).toBe(5n); // binding not asked for
    // a public point stored with a leading zero octet stripped still binds
    const d = eccPrivateKeyOf(v.pub, v.sensitive);
    const { x, y } = v.pub.unique as TPMS_ECC_POINT;
    expect(eccPrivateKeyOf({ ...v.pub, unique: { x: concatBytes(new Uint8Array(1), x), y } }, v.sensitive, true)).toBe(d);
    const other = { ...v.pub, parameters: { ...(v.pub.parameters as TPMS_ECC_PARMS), curveID: TPM_ECC.BN_P256 } };
    expect(rcOf(() => eccCurveOf(other))).toBe(TPM_RC.CURVE);
  });
});
