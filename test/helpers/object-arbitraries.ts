/**
 * Schema-derived object areas for fuzzing and oracle tests: TPMT_PUBLIC values from the codec
 * descriptors (valueArbitrary), and edits that replace one field of a real template with a
 * schema-derived value of that field's type, so that many areas get past unmarshalling and
 * reach the object checks (Part 1 "Object Attributes"; Part 3 "TPM2_Create").
 */
import fc from 'fast-check';
import { TPM_ALG, TPM_ECC } from '../../src/gen/constants.js';
import { DEFAULT_LIMITS, SCHEMA } from '../../src/gen/schemas.js';
import type { TPMS_ECC_POINT, TPMS_RSA_PARMS, TPMT_PUBLIC, TPMT_SYM_DEF_OBJECT } from '../../src/gen/types.js';
import { valueArbitrary, type ArbitraryOptions } from './arbitrary.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const isAsym = (t: number) => t === TPM_ALG.RSA || t === TPM_ALG.ECC;
/** Coordinate size of each curve (Part 4 "ECC curves"). */
const CURVE_BYTES: Record<number, number> = {
  [TPM_ECC.NIST_P192]: 24,
  [TPM_ECC.NIST_P224]: 28,
  [TPM_ECC.NIST_P256]: 32,
  [TPM_ECC.NIST_P384]: 48,
  [TPM_ECC.NIST_P521]: 66,
  [TPM_ECC.BN_P256]: 32,
  [TPM_ECC.BN_P638]: 80,
  [TPM_ECC.SM2_P256]: 32,
};

export const arb = (type: string, options: ArbitraryOptions = {}) => valueArbitrary(SCHEMA, DEFAULT_LIMITS, type, options) as fc.Arbitrary<Any>;
export const clone = <T>(v: T): T => structuredClone(v);
export const NULL_SYM: TPMT_SYM_DEF_OBJECT = { algorithm: TPM_ALG.NULL, keyBits: null, mode: null };
export const NULL_SCHEME = { scheme: TPM_ALG.NULL, details: null };

/** A value of `a` one time in n, null otherwise. */
export const oneIn = <T>(n: number, a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof({ weight: 1, arbitrary: a }, { weight: n - 1, arbitrary: fc.constant(null) });

/** RSA key generation is slow: RSA areas ask for 1024-bit keys (16384, which no profile has, stays). */
export function fastRsa(pub: TPMT_PUBLIC): TPMT_PUBLIC {
  if (pub.type === TPM_ALG.RSA) {
    const parms = pub.parameters as TPMS_RSA_PARMS;
    if (parms.keyBits <= 4096) parms.keyBits = 1024;
  }
  return pub;
}
export const schemaPublic = (allowNull: boolean): fc.Arbitrary<TPMT_PUBLIC> => arb('TPMT_PUBLIC', { allowNull }).map(fastRsa);

/** A schema-derived replacement of one field of a public area. */
export type Edit =
  | { k: 'attributes'; v: number }
  | { k: 'flip'; bit: number }
  | { k: 'nameAlg'; v: number }
  | { k: 'authPolicy'; v: Uint8Array }
  | { k: 'symmetric'; v: TPMT_SYM_DEF_OBJECT }
  | { k: 'scheme'; ecc: Any; rsa: Any; keyed: Any }
  | { k: 'curve'; v: number }
  | { k: 'kdf'; v: Any }
  | { k: 'exponent'; v: number }
  | { k: 'keyBits'; v: number }
  | { k: 'unique'; ecc: TPMS_ECC_POINT; bytes: Uint8Array; sized: boolean };

/** Attribute bits Part 2 "TPMA_OBJECT" defines (the others are reserved). */
export const DEFINED_BITS = [1, 2, 4, 5, 6, 7, 10, 11, 16, 17, 18, 19];

export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 1, arbitrary: arb('TPMA_OBJECT').map((v) => ({ k: 'attributes' as const, v })) },
  { weight: 4, arbitrary: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...DEFINED_BITS) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 31 }) }).map((bit) => ({ k: 'flip' as const, bit })) },
  { weight: 2, arbitrary: arb('TPMI_ALG_HASH', { allowNull: true }).map((v) => ({ k: 'nameAlg' as const, v })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(arb('TPM2B_DIGEST'), fc.constantFrom(0, 20, 32, 48, 64).map((n) => new Uint8Array(n).fill(0x5a)))
      .map((v) => ({ k: 'authPolicy' as const, v })),
  },
  { weight: 2, arbitrary: arb('TPMT_SYM_DEF_OBJECT', { allowNull: true }).map((v) => ({ k: 'symmetric' as const, v })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ ecc: arb('TPMT_ECC_SCHEME', { allowNull: true }), rsa: arb('TPMT_RSA_SCHEME', { allowNull: true }), keyed: arb('TPMT_KEYEDHASH_SCHEME', { allowNull: true }) })
      .map((r) => ({ k: 'scheme' as const, ...r })),
  },
  { weight: 1, arbitrary: arb('TPMI_ECC_CURVE').map((v) => ({ k: 'curve' as const, v })) },
  { weight: 1, arbitrary: arb('TPMT_KDF_SCHEME', { allowNull: true }).map((v) => ({ k: 'kdf' as const, v })) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom(0, 1, 3, 5, 6, 17, 65537), arb('UINT32')).map((v) => ({ k: 'exponent' as const, v })) },
  { weight: 1, arbitrary: fc.constantFrom(1024, 16384, 0, 1000).map((v) => ({ k: 'keyBits' as const, v })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ ecc: arb('TPMS_ECC_POINT'), bytes: arb('TPM2B_DIGEST'), sized: fc.boolean() })
      .map((r) => ({ k: 'unique' as const, ...r })),
  },
);

export function applyEdits(base: TPMT_PUBLIC, edits: readonly Edit[]): TPMT_PUBLIC {
  const t = clone(base);
  const parms = t.parameters as Any;
  for (const e of edits) {
    switch (e.k) {
      case 'attributes':
        t.objectAttributes = e.v;
        break;
      case 'flip':
        t.objectAttributes = (t.objectAttributes ^ (1 << e.bit)) >>> 0;
        break;
      case 'nameAlg':
        t.nameAlg = e.v;
        break;
      case 'authPolicy':
        t.authPolicy = e.v;
        break;
      case 'symmetric':
        if (isAsym(t.type)) parms.symmetric = e.v;
        else if (t.type === TPM_ALG.SYMCIPHER) parms.sym = e.v;
        break;
      case 'scheme':
        if (t.type === TPM_ALG.ECC) parms.scheme = e.ecc;
        else if (t.type === TPM_ALG.RSA) parms.scheme = e.rsa;
        else if (t.type === TPM_ALG.KEYEDHASH) parms.scheme = e.keyed;
        break;
      case 'curve':
        if (t.type === TPM_ALG.ECC) parms.curveID = e.v;
        break;
      case 'kdf':
        if (t.type === TPM_ALG.ECC) parms.kdf = e.v;
        break;
      case 'exponent':
        if (t.type === TPM_ALG.RSA) parms.exponent = e.v;
        break;
      case 'keyBits':
        if (t.type === TPM_ALG.RSA) parms.keyBits = e.v;
        break;
      case 'unique':
        if (t.type === TPM_ALG.ECC) {
          const size = CURVE_BYTES[parms.curveID] ?? 32;
          t.unique = e.sized ? { x: new Uint8Array(size).fill(1), y: new Uint8Array(size) } : e.ecc;
        } else {
          t.unique = e.bytes;
        }
        break;
    }
  }
  return t;
}

