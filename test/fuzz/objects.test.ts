/**
 * The object commands under fuzzing, on both profiles, through execute() on seeded TPMs with a
 * fake clock. Public areas are schema-derived (valueArbitrary for TPMT_PUBLIC) or start from
 * real templates (src/client/templates.ts) with fields replaced by schema-derived values, so
 * that many get past decoding and reach the object checks. They go to CreatePrimary (all four
 * hierarchies), Create and CreateLoaded under an ECC storage key, LoadExternal (public only, or
 * with a TPMT_SENSITIVE), Load (mutated or random private blobs), Import (mutated or random
 * duplicates and seeds), Sign and VerifySignature (schema-derived schemes and signatures).
 *
 * Properties: execute() never throws; every response is well-formed; a refused command leaves
 * the state as it was; every response code is one the command can give (its base code among
 * those of Part 3 and of unmarshalling its declared handles and parameters, a format-one number
 * naming a handle, parameter or session the command has). What the TPM accepts is checked
 * independently (node:crypto): Names are nameAlg ‖ H(marshalled public area), outputs keep the
 * template, objects obey the Part 1 "Object Attributes" rules, external sensitive areas are
 * bound to their public areas, signatures verify and mutated ones do not, and a private blob
 * loads only as the TPM made it.
 */
import { createECDH, createHash, ECDH, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { akTemplate, eccKeyTemplate, keyedHashTemplate, rsaKeyTemplate, sealedDataTemplate, srkTemplate, symCipherTemplate } from '../../src/client/templates.js';
import { utf8 } from '../../src/crypto/bytes.js';
import { createDrbg } from '../../src/crypto/drbg.js';
import { COMMANDS } from '../../src/gen/commands.js';
import { TPM_ALG, TPM_ECC, TPM_RC, TPM_RH, TPM_ST, TPMA_OBJECT as A } from '../../src/gen/constants.js';
import { DEFAULT_LIMITS, SCHEMA } from '../../src/gen/schemas.js';
import type {
  TPMS_ECC_PARMS,
  TPMS_ECC_POINT,
  TPMS_KEYEDHASH_PARMS,
  TPMS_RSA_PARMS,
  TPMS_SENSITIVE_CREATE,
  TPMS_SYMCIPHER_PARMS,
  TPMT_PUBLIC,
  TPMT_SENSITIVE,
  TPMT_SIG_SCHEME,
  TPMT_SIGNATURE,
  TPMT_SYM_DEF_OBJECT,
  TPMT_TK_HASHCHECK,
} from '../../src/gen/types.js';
import { createImportBlob } from '../../src/protocol/import.js';
import type { Tpm } from '../../src/tpm/engine.js';
import { createCodec } from '../../src/wire/codec.js';
import type { CommandDesc } from '../../src/wire/descriptor.js';
import { checkResponseCode, checkWellFormed, decodeCodes, startedFuzzTpm, stateDiff, stateOf } from '../helpers/fuzz.js';
import { applyEdits, arb, clone, editArb, NULL_SCHEME, NULL_SYM, oneIn, schemaPublic, type Edit } from '../helpers/object-arbitraries.js';

// -------------------------------------------------------------------------------------------
// Independent arithmetic (node:crypto)

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const EMPTY = new Uint8Array(0);
const codec = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, strict: false });
const marshal = (pub: TPMT_PUBLIC): Uint8Array => codec.encode('TPMT_PUBLIC', pub);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const NODE_HASH: Record<number, string> = {
  [TPM_ALG.SHA1]: 'sha1',
  [TPM_ALG.SHA256]: 'sha256',
  [TPM_ALG.SHA384]: 'sha384',
  [TPM_ALG.SHA512]: 'sha512',
  [TPM_ALG.SM3_256]: 'sm3',
};
const DIGEST_SIZE: Record<number, number> = { [TPM_ALG.SHA1]: 20, [TPM_ALG.SHA256]: 32, [TPM_ALG.SHA384]: 48, [TPM_ALG.SHA512]: 64, [TPM_ALG.SM3_256]: 32 };
/** node:crypto curve name and coordinate size (Part 4 "ECC curves"). */
const NODE_CURVE: Record<number, [string, number]> = {
  [TPM_ECC.NIST_P256]: ['prime256v1', 32],
  [TPM_ECC.NIST_P384]: ['secp384r1', 48],
  [TPM_ECC.NIST_P521]: ['secp521r1', 66],
  [TPM_ECC.SM2_P256]: ['SM2', 32],
};

function nodeHash(alg: number, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(NODE_HASH[alg]);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
const u16 = (v: number) => Uint8Array.of(v >>> 8, v & 0xff);
const u32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
/** Part 1 "Names": nameAlg ‖ H_nameAlg(marshalled public area); no Name for nameAlg TPM_ALG_NULL. */
const nameOf = (nameAlg: number, publicBytes: Uint8Array) => (nameAlg === TPM_ALG.NULL ? EMPTY : Uint8Array.from([...u16(nameAlg), ...nodeHash(nameAlg, publicBytes)]));
/** Part 1 "Qualified Name": nameAlg ‖ H_nameAlg(parent QN ‖ Name); a hierarchy's QN is its handle. */
const qnOf = (nameAlg: number, parentQN: Uint8Array, name: Uint8Array) => Uint8Array.from([...u16(nameAlg), ...nodeHash(nameAlg, parentQN, name)]);
const pad = (b: Uint8Array, n: number) => Uint8Array.from([...new Uint8Array(Math.max(0, n - b.length)), ...b]);
const b64u = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));
const big = (b: Uint8Array) => (b.length ? BigInt('0x' + hex(b)) : 0n);

/** d·G with node:crypto, as x ‖ y of the curve's size; undefined when d is not a private key of the curve. */
function nodePublicOf(curve: number, d: Uint8Array): { x: Uint8Array; y: Uint8Array } | undefined {
  const [name, size] = NODE_CURVE[curve];
  try {
    const ecdh = createECDH(name);
    ecdh.setPrivateKey(Buffer.from(pad(d, size)));
    const p = ecdh.getPublicKey();
    return { x: new Uint8Array(p.subarray(1, 1 + size)), y: new Uint8Array(p.subarray(1 + size)) };
  } catch {
    return undefined;
  }
}

/** Is (x, y) a point of the curve (node:crypto refuses to decode a point off the curve)? */
function nodeOnCurve(curve: number, point: TPMS_ECC_POINT): boolean {
  const [name, size] = NODE_CURVE[curve];
  if (point.x.length !== size || point.y.length !== size) return false;
  try {
    ECDH.convertKey(Buffer.from([4, ...point.x, ...point.y]), name);
    return true;
  } catch {
    return false;
  }
}

// -------------------------------------------------------------------------------------------
// Part 1 "Object Attributes": the rules an accepted object obeys, written out here

const has = (a: number, bit: number) => (a & bit) !== 0;
const isAsym = (t: number) => t === TPM_ALG.RSA || t === TPM_ALG.ECC;
const symOf = (pub: TPMT_PUBLIC): TPMT_SYM_DEF_OBJECT | undefined =>
  isAsym(pub.type) ? (pub.parameters as TPMS_RSA_PARMS).symmetric : pub.type === TPM_ALG.SYMCIPHER ? (pub.parameters as TPMS_SYMCIPHER_PARMS).sym : undefined;
const schemeOf = (pub: TPMT_PUBLIC): number | undefined => (pub.type === TPM_ALG.SYMCIPHER ? undefined : (pub.parameters as TPMS_KEYEDHASH_PARMS).scheme.scheme);

/**
 * 'created': CreatePrimary, Create, CreateLoaded (under a fixedTPM parent or a hierarchy);
 * 'external': LoadExternal with a sensitive area and a nameAlg; 'public-only': LoadExternal of
 * a public area (or with nameAlg TPM_ALG_NULL), which the TPM checks only for its schemes
 * (Part 3 "TPM2_LoadExternal"; the reference's ObjectLoad calls SchemeChecks alone).
 */
function checkAttributes(pub: TPMT_PUBLIC, kind: 'created' | 'external' | 'public-only'): void {
  const a = pub.objectAttributes;
  const sign = has(a, A.sign_encrypt);
  const decrypt = has(a, A.decrypt);
  const restricted = has(a, A.restricted);
  const sym = symOf(pub);
  // A storage key has a symmetric algorithm; other asymmetric keys have none.
  if (sym && restricted && decrypt) expect(sym.algorithm).not.toBe(TPM_ALG.NULL);
  if (isAsym(pub.type) && !(restricted && decrypt)) expect(sym!.algorithm).toBe(TPM_ALG.NULL);
  // A key for both or neither of sign and decrypt has no scheme.
  if (pub.type !== TPM_ALG.SYMCIPHER && sign === decrypt) expect(schemeOf(pub)).toBe(TPM_ALG.NULL);
  if (kind === 'public-only') return;
  expect(pub.nameAlg).not.toBe(TPM_ALG.NULL);
  expect([0, DIGEST_SIZE[pub.nameAlg]]).toContain(pub.authPolicy.length);
  expect(has(a, A.fixedTPM)).toBe(has(a, A.fixedParent));
  if (restricted) expect(sign).not.toBe(decrypt);
  if (pub.type !== TPM_ALG.KEYEDHASH) expect(sign || decrypt).toBe(true);
  if (has(a, A.fixedTPM)) expect(has(a, A.encryptedDuplication)).toBe(false);
  if (kind === 'created') {
    // The TPM makes asymmetric keys itself; it cannot make the data of a sealed object.
    if (isAsym(pub.type)) expect(has(a, A.sensitiveDataOrigin)).toBe(true);
    if (pub.type === TPM_ALG.KEYEDHASH && !sign && !decrypt) expect(has(a, A.sensitiveDataOrigin)).toBe(false);
  } else {
    // An external object with its sensitive area cannot pass for one of this TPM's.
    expect(a & (A.fixedTPM | A.fixedParent | A.restricted)).toBe(0);
  }
}

/** The unique field of a created object has the size its parameters give. */
function checkUniqueSize(pub: TPMT_PUBLIC): void {
  if (pub.type === TPM_ALG.ECC) {
    const size = NODE_CURVE[(pub.parameters as TPMS_ECC_PARMS).curveID][1];
    const p = pub.unique as TPMS_ECC_POINT;
    expect([p.x.length, p.y.length]).toEqual([size, size]);
    expect(nodeOnCurve((pub.parameters as TPMS_ECC_PARMS).curveID, p)).toBe(true);
  } else if (pub.type === TPM_ALG.RSA) {
    const n = pub.unique as Uint8Array;
    expect(n.length * 8).toBe((pub.parameters as TPMS_RSA_PARMS).keyBits);
    expect(n[0]).toBeGreaterThanOrEqual(0x80);
  } else {
    expect((pub.unique as Uint8Array).length).toBe(DIGEST_SIZE[pub.nameAlg]);
  }
}

/** The sensitive area of an accepted external object is bound to its public area (Part 1 "External Objects"). */
function checkBinding(pub: TPMT_PUBLIC, sens: TPMT_SENSITIVE): void {
  expect(sens.sensitiveType).toBe(pub.type);
  const key = sens.sensitive as Uint8Array;
  if (pub.type === TPM_ALG.ECC) {
    const q = nodePublicOf((pub.parameters as TPMS_ECC_PARMS).curveID, key);
    expect(q).toBeDefined();
    if (pub.nameAlg !== TPM_ALG.NULL) expect(hex(Uint8Array.from([...q!.x, ...q!.y]))).toBe(hex(Uint8Array.from([...(pub.unique as TPMS_ECC_POINT).x, ...(pub.unique as TPMS_ECC_POINT).y])));
  } else if (pub.type === TPM_ALG.RSA) {
    expect(big(pub.unique as Uint8Array) % big(key)).toBe(0n);
  } else if (pub.nameAlg !== TPM_ALG.NULL) {
    expect(sens.seedValue.length).toBe(DIGEST_SIZE[pub.nameAlg]);
    expect(hex(pub.unique as Uint8Array)).toBe(hex(nodeHash(pub.nameAlg, sens.seedValue, key)));
  }
}

// -------------------------------------------------------------------------------------------
// Response codes each command may give (Part 3 "Response Codes" of the command, and of the
// reference's helpers it calls), besides those of unmarshalling its handles and parameters

const RC = TPM_RC;
/** CreateChecks, PublicAttributesValidation, SchemeChecks. */
const OBJECT_CHECKS = [RC.ATTRIBUTES, RC.HASH, RC.SIZE, RC.SCHEME, RC.SYMMETRIC, RC.KDF, RC.KEY, RC.TYPE];
/** CryptCreateObject and the key generators. */
const GENERATION = [RC.KEY_SIZE, RC.RANGE, RC.CURVE, RC.NO_RESULT, RC.SIZE, RC.KEY, RC.VALUE];
/** CryptValidateKeys and the private-area checks of a load. */
const VALIDATION = [RC.BINDING, RC.KEY_SIZE, RC.ECC_POINT, RC.KEY, RC.TYPE, RC.SIZE, RC.VALUE, RC.CURVE];
/** An object handle that names no loaded object, or a full slot table. */
const OBJECT_HANDLE = [RC.HANDLE, RC.REFERENCE_H0, RC.OBJECT_MEMORY];
/** USER authorization of an object without its sensitive area (Part 1 "Authorization of Objects": no authValue to check). */
const AUTH = [RC.AUTH_UNAVAILABLE];
/** CreateLoaded takes its template as octets and unmarshals it itself (Part 3 "TPM2_CreateLoaded"). */
const TEMPLATE = [...decodeCodes(['TPMT_PUBLIC', 'TPMS_DERIVE'])];
const ALLOWED: Record<string, ReadonlySet<number>> = {
  CreatePrimary: new Set([...OBJECT_CHECKS, ...GENERATION, RC.HIERARCHY, RC.OBJECT_MEMORY]),
  Create: new Set([...OBJECT_CHECKS, ...GENERATION, ...OBJECT_HANDLE, ...AUTH]),
  CreateLoaded: new Set([...OBJECT_CHECKS, ...GENERATION, ...OBJECT_HANDLE, ...AUTH, ...TEMPLATE, RC.HIERARCHY]),
  LoadExternal: new Set([...OBJECT_CHECKS, ...VALIDATION, RC.HIERARCHY, RC.OBJECT_MEMORY]),
  Load: new Set([...OBJECT_CHECKS, ...VALIDATION, ...OBJECT_HANDLE, ...AUTH, RC.INTEGRITY, RC.SENSITIVE]),
  Import: new Set([...OBJECT_CHECKS, ...VALIDATION, ...OBJECT_HANDLE, ...AUTH, RC.INTEGRITY, RC.INSUFFICIENT, RC.NO_RESULT]),
  Sign: new Set([RC.KEY, RC.ATTRIBUTES, RC.SCHEME, RC.SIZE, RC.TICKET, RC.VALUE, RC.BINDING, RC.NO_RESULT, ...OBJECT_HANDLE, ...AUTH]),
  VerifySignature: new Set([RC.ATTRIBUTES, RC.SCHEME, RC.SIGNATURE, ...OBJECT_HANDLE]),
  ReadPublic: new Set([RC.SEQUENCE, ...OBJECT_HANDLE]),
  FlushContext: new Set([RC.HANDLE]),
};

// -------------------------------------------------------------------------------------------
// The TPM under test

const SESSIONS = (name: string) => (COMMANDS as Record<string, CommandDesc>)[name].handles.filter((h) => h.auth).length;
const NO_CREATION = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };

class Harness {
  readonly tpm: Tpm;
  readonly client: Client;
  /** Response codes seen, by command. */
  readonly codes = new Map<string, Map<number, number>>();

  constructor(profile: string) {
    this.tpm = startedFuzzTpm(profile);
    this.client = createClient(inProcess(this.tpm));
  }

  /** Runs one command through execute() and checks the response; returns its code and octets. */
  send(name: string, input: unknown): { rc: number; r: Uint8Array } {
    const bytes = this.client.encode(name as 'ReadPublic', input as Any);
    const before = stateOf(this.tpm);
    const r = this.tpm.execute(bytes);
    const rc = checkWellFormed(bytes, r);
    const seen = this.codes.get(name) ?? new Map<number, number>();
    this.codes.set(name, seen.set(rc, (seen.get(rc) ?? 0) + 1));
    if (rc !== 0) {
      expect(stateDiff(before, stateOf(this.tpm)), `TPM2_${name} 0x${rc.toString(16)} changed the state`).toEqual([]);
      checkResponseCode(name, rc, ALLOWED[name], SESSIONS(name));
    }
    return { rc, r };
  }

  /** Runs a command that must succeed and decodes its response. */
  ok(name: string, input: unknown): Any {
    const { rc, r } = this.send(name, input);
    expect(rc, `TPM2_${name}`).toBe(0);
    return this.client.decode(name as 'ReadPublic', r);
  }

  flush(handle: number): void {
    this.ok('FlushContext', { flushHandle: handle });
  }

  /** ReadPublic agrees with what the command returned: the same public octets, Name and QN. */
  readPublic(handle: number, publicBytes: Uint8Array, name: Uint8Array, qn: Uint8Array): void {
    const out = this.ok('ReadPublic', { objectHandle: handle });
    expect(hex(publicBytesOf(out.outPublic))).toBe(hex(publicBytes));
    expect(hex(out.name)).toBe(hex(name));
    expect(hex(out.qualifiedName)).toBe(hex(qn));
  }

  /** A summary of the codes seen, for the report (FUZZ_REPORT=1). */
  report(label: string): void {
    if (!process.env.FUZZ_REPORT) return;
    const lines = [...this.codes].map(([n, m]) => `  ${n}: ${[...m].sort((a, b) => a[0] - b[0]).map(([c, k]) => `0x${c.toString(16)}×${k}`).join(' ')}`);
    console.log(`${label}\n${lines.join('\n')}`);
  }
}

/** The marshalled public area of a decoded TPM2B_PUBLIC. */
const publicBytesOf = (v: { publicArea: TPMT_PUBLIC; bytes?: Uint8Array }): Uint8Array => v.bytes ?? marshal(v.publicArea);

// -------------------------------------------------------------------------------------------
// Generators

interface Base {
  pub: TPMT_PUBLIC;
  /** Sensitive data the template needs (a sealed object's). */
  data: Uint8Array;
  weight: number;
}

const STORAGE = A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.noDA | A.restricted | A.decrypt;

function derivationParent(nameAlg: number): TPMT_PUBLIC {
  return {
    type: TPM_ALG.KEYEDHASH,
    nameAlg,
    objectAttributes: STORAGE,
    authPolicy: EMPTY,
    parameters: { scheme: { scheme: TPM_ALG.XOR, details: { hashAlg: nameAlg, kdf: TPM_ALG.KDF1_SP800_108 } } },
    unique: EMPTY,
  };
}

function rsa1024(t: TPMT_PUBLIC): TPMT_PUBLIC {
  (t.parameters as TPMS_RSA_PARMS).keyBits = 1024;
  t.unique = EMPTY;
  return t;
}

interface ProfileSetup {
  /** The profile's name and scheme hash. */
  hash: number;
  /** Its storage cipher. */
  cipher: number;
  curves: number[];
  rsa: boolean;
  srk: TPMT_PUBLIC;
  bases: Base[];
  /** Signature schemes worth trying as inScheme (schema values chosen to match the keys). */
  sigSchemes: TPMT_SIG_SCHEME[];
}

const data4 = Uint8Array.of(1, 2, 3, 4);

function profileSetup(profile: string): ProfileSetup {
  if (profile === 'tcm2') {
    const hash = TPM_ALG.SM3_256;
    return {
      hash,
      cipher: TPM_ALG.SM4,
      curves: [TPM_ECC.SM2_P256],
      rsa: false,
      srk: srkTemplate({ alg: 'sm2-p256', unique: 'empty' }),
      bases: [
        { pub: srkTemplate({ alg: 'sm2-p256', unique: 'empty' }), data: EMPTY, weight: 3 },
        { pub: akTemplate({ alg: 'sm2-p256' }), data: EMPTY, weight: 2 },
        { pub: eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.SM2_P256 }), data: EMPTY, weight: 3 },
        { pub: eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.SM2_P256, scheme: TPM_ALG.ECDH }), data: EMPTY, weight: 2 },
        { pub: eccKeyTemplate({ usage: 'sign-decrypt', curve: TPM_ECC.SM2_P256 }), data: EMPTY, weight: 1 },
        { pub: keyedHashTemplate({ nameAlg: hash }), data: EMPTY, weight: 2 },
        { pub: sealedDataTemplate({ nameAlg: hash }), data: data4, weight: 2 },
        { pub: derivationParent(hash), data: EMPTY, weight: 1 },
        { pub: symCipherTemplate({ algorithm: TPM_ALG.SM4, nameAlg: hash }), data: EMPTY, weight: 2 },
        { pub: symCipherTemplate({ algorithm: TPM_ALG.SM4, nameAlg: hash, objectAttributes: STORAGE }), data: EMPTY, weight: 1 },
      ],
      sigSchemes: [
        { scheme: TPM_ALG.SM2, details: { hashAlg: hash } },
        { scheme: TPM_ALG.HMAC, details: { hashAlg: hash } },
      ] as TPMT_SIG_SCHEME[],
    };
  }
  const hash = TPM_ALG.SHA256;
  return {
    hash,
    cipher: TPM_ALG.AES,
    curves: [TPM_ECC.NIST_P256, TPM_ECC.NIST_P384, TPM_ECC.NIST_P521, TPM_ECC.SM2_P256],
    rsa: true,
    srk: srkTemplate({ alg: 'ecc-p256', unique: 'empty' }),
    bases: [
      { pub: srkTemplate({ alg: 'ecc-p256', unique: 'empty' }), data: EMPTY, weight: 3 },
      { pub: akTemplate({ alg: 'ecc-p256' }), data: EMPTY, weight: 2 },
      { pub: eccKeyTemplate({ usage: 'sign' }), data: EMPTY, weight: 3 },
      { pub: eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.NIST_P384, scheme: TPM_ALG.ECDH }), data: EMPTY, weight: 2 },
      { pub: eccKeyTemplate({ usage: 'sign-decrypt' }), data: EMPTY, weight: 1 },
      { pub: eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.SM2_P256 }), data: EMPTY, weight: 1 },
      { pub: keyedHashTemplate(), data: EMPTY, weight: 2 },
      { pub: sealedDataTemplate(), data: data4, weight: 2 },
      { pub: derivationParent(hash), data: EMPTY, weight: 1 },
      { pub: symCipherTemplate({ algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB }), data: EMPTY, weight: 2 },
      { pub: symCipherTemplate({ algorithm: TPM_ALG.AES, keyBits: 256, mode: TPM_ALG.NULL }), data: EMPTY, weight: 1 },
      { pub: symCipherTemplate({ algorithm: TPM_ALG.AES, objectAttributes: STORAGE }), data: EMPTY, weight: 1 },
      { pub: rsa1024(rsaKeyTemplate({ usage: 'sign' })), data: EMPTY, weight: 1 },
    ],
    sigSchemes: [
      { scheme: TPM_ALG.ECDSA, details: { hashAlg: hash } },
      { scheme: TPM_ALG.ECSCHNORR, details: { hashAlg: TPM_ALG.SHA384 } },
      { scheme: TPM_ALG.SM2, details: { hashAlg: TPM_ALG.SM3_256 } },
      { scheme: TPM_ALG.RSASSA, details: { hashAlg: hash } },
      { scheme: TPM_ALG.RSAPSS, details: { hashAlg: hash } },
      { scheme: TPM_ALG.HMAC, details: { hashAlg: hash } },
    ] as TPMT_SIG_SCHEME[],
  };
}

/** A public area and the sensitive data to create it with: schema-derived, or a real template with schema-derived fields. */
function creationArb(setup: ProfileSetup): fc.Arbitrary<{ pub: TPMT_PUBLIC; sensitive: TPMS_SENSITIVE_CREATE }> {
  const fromTemplate = fc
    .tuple(fc.oneof(...setup.bases.map((b) => ({ weight: b.weight, arbitrary: fc.constant(b) }))), fc.array(editArb, { maxLength: 3 }))
    .map(([b, edits]) => ({ pub: applyEdits(b.pub, edits), data: b.data }));
  const pub = fc.oneof({ weight: 1, arbitrary: schemaPublic(false).map((p) => ({ pub: p, data: EMPTY })) }, { weight: 4, arbitrary: fromTemplate });
  const userAuth = fc.oneof(
    { weight: 6, arbitrary: fc.constant(EMPTY) },
    { weight: 1, arbitrary: arb('TPM2B_AUTH') },
    { weight: 1, arbitrary: fc.constantFrom(20, 32, 48, 64).map((n) => Uint8Array.from({ length: n + 4 }, (_, i) => (i < n ? 7 : 0))) },
  );
  const data = oneIn(4, fc.oneof(arb('TPM2B_SENSITIVE_DATA'), fc.constantFrom(16, 32, 64).map((n) => new Uint8Array(n).fill(3))));
  return fc.tuple(pub, userAuth, data).map(([p, auth, d]) => ({ pub: p.pub, sensitive: { userAuth: auth, data: d ?? p.data } }));
}

/** Byte edits of an octet string: replaced octets, a cut, or random octets of the same type. */
type OctetEdit = { k: 'same' } | { k: 'edit'; e: [number, number][] } | { k: 'cut'; n: number } | { k: 'random'; v: Uint8Array } | { k: 'empty' };
const octetEditArb = (type: string): fc.Arbitrary<OctetEdit> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant({ k: 'same' as const }) },
    { weight: 4, arbitrary: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }).map((e) => ({ k: 'edit' as const, e })) },
    { weight: 1, arbitrary: fc.nat().map((n) => ({ k: 'cut' as const, n })) },
    { weight: 1, arbitrary: arb(type).map((v) => ({ k: 'random' as const, v })) },
    { weight: 1, arbitrary: fc.constant({ k: 'empty' as const }) },
  );
function applyOctetEdit(b: Uint8Array, e: OctetEdit): Uint8Array {
  switch (e.k) {
    case 'same':
      return b;
    case 'empty':
      return EMPTY;
    case 'random':
      return e.v;
    case 'cut':
      return b.slice(0, b.length ? e.n % b.length : 0);
    case 'edit': {
      const out = b.slice();
      for (const [pos, v] of e.e) if (out.length) out[pos % out.length] = v;
      return out;
    }
  }
}

// -------------------------------------------------------------------------------------------
// External keys made with node:crypto (for LoadExternal and Import)

interface External {
  pub: TPMT_PUBLIC;
  sens: TPMT_SENSITIVE;
}

const UNRESTRICTED = A.userWithAuth | A.noDA;

function externals(setup: ProfileSetup, seed: number): External[] {
  const out: External[] = [];
  const h = setup.hash;
  let counter = seed;
  const bytes = (n: number) => nodeHash(TPM_ALG.SHA512, u32(counter++)).slice(0, n);
  for (const curve of setup.curves) {
    const [name, size] = NODE_CURVE[curve];
    const ecdh = createECDH(name);
    ecdh.generateKeys();
    const p = ecdh.getPublicKey();
    const scheme = curve === TPM_ECC.SM2_P256 ? TPM_ALG.SM2 : TPM_ALG.ECDSA;
    const schemeHash = curve === TPM_ECC.SM2_P256 ? TPM_ALG.SM3_256 : h;
    out.push({
      pub: {
        type: TPM_ALG.ECC,
        nameAlg: h,
        objectAttributes: UNRESTRICTED | A.sign_encrypt,
        authPolicy: EMPTY,
        parameters: { symmetric: NULL_SYM, scheme: { scheme, details: { hashAlg: schemeHash } }, curveID: curve, kdf: NULL_SCHEME },
        unique: { x: new Uint8Array(p.subarray(1, 1 + size)), y: new Uint8Array(p.subarray(1 + size)) },
      } as TPMT_PUBLIC,
      sens: { sensitiveType: TPM_ALG.ECC, authValue: Uint8Array.of(1, 2), seedValue: EMPTY, sensitive: pad(new Uint8Array(ecdh.getPrivateKey()), size) },
    });
  }
  if (setup.rsa) {
    const jwk = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' });
    const n = b64u(jwk.n!);
    const p1 = b64u(jwk.p!);
    out.push({
      pub: {
        type: TPM_ALG.RSA,
        nameAlg: h,
        objectAttributes: UNRESTRICTED | A.sign_encrypt,
        authPolicy: EMPTY,
        parameters: { symmetric: NULL_SYM, scheme: { scheme: TPM_ALG.RSASSA, details: { hashAlg: h } }, keyBits: 1024, exponent: 0 },
        unique: n,
      } as TPMT_PUBLIC,
      sens: { sensitiveType: TPM_ALG.RSA, authValue: EMPTY, seedValue: EMPTY, sensitive: p1 },
    });
  }
  const symmetric = (type: number, parameters: Any, attributes: number, key: Uint8Array) => {
    const seedValue = bytes(DIGEST_SIZE[h]);
    out.push({
      pub: { type, nameAlg: h, objectAttributes: attributes, authPolicy: EMPTY, parameters, unique: nodeHash(h, seedValue, key) } as TPMT_PUBLIC,
      sens: { sensitiveType: type, authValue: EMPTY, seedValue, sensitive: key },
    });
  };
  symmetric(TPM_ALG.KEYEDHASH, { scheme: { scheme: TPM_ALG.HMAC, details: { hashAlg: h } } }, UNRESTRICTED | A.sign_encrypt, bytes(32));
  symmetric(TPM_ALG.KEYEDHASH, { scheme: NULL_SCHEME }, UNRESTRICTED, bytes(10));
  symmetric(TPM_ALG.SYMCIPHER, { sym: { algorithm: setup.cipher, keyBits: 128, mode: TPM_ALG.CFB } }, UNRESTRICTED | A.sign_encrypt | A.decrypt, bytes(16));
  return out;
}

/** Schema-derived replacement of one field of a sensitive area. */
type SensEdit = { k: 'authValue'; v: Uint8Array } | { k: 'seedValue'; v: Uint8Array } | { k: 'key'; e: OctetEdit } | { k: 'type'; v: number };
const sensEditArb: fc.Arbitrary<SensEdit> = fc.oneof(
  arb('TPM2B_AUTH').map((v) => ({ k: 'authValue' as const, v })),
  arb('TPM2B_DIGEST').map((v) => ({ k: 'seedValue' as const, v })),
  octetEditArb('TPM2B_SENSITIVE_DATA').map((e) => ({ k: 'key' as const, e })),
  arb('TPMI_ALG_PUBLIC').map((v) => ({ k: 'type' as const, v })),
);
function applySensEdits(s: TPMT_SENSITIVE, edits: readonly SensEdit[]): TPMT_SENSITIVE {
  const t = clone(s);
  for (const e of edits) {
    if (e.k === 'authValue') t.authValue = e.v;
    else if (e.k === 'seedValue') t.seedValue = e.v;
    else if (e.k === 'type') t.sensitiveType = e.v;
    else t.sensitive = applyOctetEdit(t.sensitive as Uint8Array, e.e);
  }
  return t;
}

/** The outputs of a creation keep the template, with unique filled in (Part 3 "TPM2_Create", "TPM2_CreatePrimary"). */
function checkCreated(template: TPMT_PUBLIC | null, outPublic: { publicArea: TPMT_PUBLIC; bytes?: Uint8Array }): Uint8Array {
  const bytes = publicBytesOf(outPublic);
  const pub = outPublic.publicArea;
  if (template) expect(hex(bytes)).toBe(hex(marshal({ ...template, unique: pub.unique })));
  checkUniqueSize(pub);
  checkAttributes(pub, 'created');
  return bytes;
}

/** A public-only external key has a unique field its parameters allow (the reference's CryptValidateKeys). */
function checkPublicKey(pub: TPMT_PUBLIC): void {
  if (pub.type === TPM_ALG.ECC) {
    const curve = (pub.parameters as TPMS_ECC_PARMS).curveID;
    const p = pub.unique as TPMS_ECC_POINT;
    expect([p.x.length, p.y.length]).toEqual([NODE_CURVE[curve][1], NODE_CURVE[curve][1]]);
    if (pub.nameAlg !== TPM_ALG.NULL) expect(nodeOnCurve(curve, p)).toBe(true);
  } else if (pub.type === TPM_ALG.RSA) {
    const n = pub.unique as Uint8Array;
    expect(n.length * 8).toBe((pub.parameters as TPMS_RSA_PARMS).keyBits);
    expect(n[0]).toBeGreaterThanOrEqual(0x80);
  } else {
    expect((pub.unique as Uint8Array).length).toBe(DIGEST_SIZE[pub.nameAlg] ?? 0);
  }
}

/** The signature with one octet of its value changed. */
function flipSignature(sig: TPMT_SIGNATURE, pos: number, x: number): TPMT_SIGNATURE {
  const s = clone(sig);
  const v = s.signature as Any;
  const fields = ['signatureR', 'signatureS', 'sig', 'digest'].filter((f) => v?.[f] instanceof Uint8Array && v[f].length);
  let p = pos % fields.reduce((n, f) => n + v[f].length, 0);
  for (const f of fields) {
    if (p < v[f].length) {
      v[f][p] ^= x;
      break;
    }
    p -= v[f].length;
  }
  return s;
}

const HIERARCHIES = [TPM_RH.OWNER, TPM_RH.ENDORSEMENT, TPM_RH.PLATFORM, TPM_RH.NULL];
const NULL_TICKET: TPMT_TK_HASHCHECK = { tag: TPM_ST.HASHCHECK, hierarchy: TPM_RH.NULL, digest: EMPTY };
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
/** No shrinking: the TPM keeps state between runs, and the first counterexample is the one to read. */
const runs = (n: number): fc.Parameters<unknown> => ({ numRuns: n * RUNS, endOnFailure: true });

describe.each(['tpm2', 'tcm2'])('object commands under fuzzing, profile %s', (profile) => {
  const setup = profileSetup(profile);
  let h: Harness;
  let srk: { handle: number; qn: Uint8Array; pub: TPMT_PUBLIC };
  /** A loaded key that is not a parent. */
  let signer: number;
  const parentArb = fc.oneof(
    { weight: 12, arbitrary: fc.constant<'srk' | 'signer' | number>('srk') },
    { weight: 1, arbitrary: fc.constant<'srk' | 'signer' | number>('signer') },
    { weight: 1, arbitrary: arb('TPMI_DH_OBJECT') as fc.Arbitrary<'srk' | 'signer' | number> },
  );
  const parentOf = (p: 'srk' | 'signer' | number) => (p === 'srk' ? srk.handle : p === 'signer' ? signer : p);

  beforeAll(() => {
    h = new Harness(profile);
    const create = (publicArea: TPMT_PUBLIC) =>
      h.ok('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea }, ...NO_CREATION });
    const out = create(setup.srk);
    const rp = h.ok('ReadPublic', { objectHandle: out.objectHandle });
    srk = { handle: out.objectHandle, qn: rp.qualifiedName, pub: rp.outPublic.publicArea };
    signer = create(eccKeyTemplate({ usage: 'sign', curve: setup.curves[0] })).objectHandle;
  });
  afterAll(() => h.report(`profile ${profile}`));

  it('CreatePrimary in all four hierarchies', () => {
    let accepted = 0;
    fc.assert(
      fc.property(creationArb(setup), fc.constantFrom(...HIERARCHIES), ({ pub, sensitive }, hierarchy) => {
        const { rc, r } = h.send('CreatePrimary', { primaryHandle: hierarchy, inSensitive: { sensitive }, inPublic: { publicArea: pub }, ...NO_CREATION });
        if (rc !== 0) return;
        accepted++;
        const out = h.client.decode('CreatePrimary', r);
        const bytes = checkCreated(pub, out.outPublic);
        const name = nameOf(pub.nameAlg, bytes);
        expect(hex(out.name)).toBe(hex(name));
        h.readPublic(out.objectHandle, bytes, name, qnOf(pub.nameAlg, u32(hierarchy), name));
        h.flush(out.objectHandle);
      }),
      runs(600),
    );
    expect(accepted).toBeGreaterThan(30 * RUNS);
  });

  it('Create and CreateLoaded under an ECC storage key', () => {
    let accepted = 0;
    const raw = oneIn(10, arb('TPM2B_TEMPLATE'));
    fc.assert(
      fc.property(creationArb(setup), fc.boolean(), raw, parentArb, ({ pub, sensitive }, loaded, rawTemplate, parent) => {
        const parentHandle = parentOf(parent);
        if (!loaded) {
          const { rc, r } = h.send('Create', { parentHandle, inSensitive: { sensitive }, inPublic: { publicArea: pub }, ...NO_CREATION });
          if (rc !== 0) return;
          accepted++;
          expect(parentHandle).toBe(srk.handle);
          const out = h.client.decode('Create', r);
          const bytes = checkCreated(pub, out.outPublic);
          const name = nameOf(pub.nameAlg, bytes);
          // What Create returns loads under the same parent.
          const l = h.ok('Load', { parentHandle, inPrivate: out.outPrivate, inPublic: { publicArea: out.outPublic.publicArea } });
          expect(hex(l.name)).toBe(hex(name));
          h.readPublic(l.objectHandle, bytes, name, qnOf(pub.nameAlg, srk.qn, name));
          h.flush(l.objectHandle);
          return;
        }
        const { rc, r } = h.send('CreateLoaded', { parentHandle, inSensitive: { sensitive }, inPublic: rawTemplate ?? marshal(pub) });
        if (rc !== 0) return;
        accepted++;
        expect(parentHandle).toBe(srk.handle);
        const out = h.client.decode('CreateLoaded', r);
        const bytes = checkCreated(rawTemplate ? null : pub, out.outPublic);
        const nameAlg = out.outPublic.publicArea.nameAlg;
        const name = nameOf(nameAlg, bytes);
        expect(hex(out.name)).toBe(hex(name));
        h.readPublic(out.objectHandle, bytes, name, qnOf(nameAlg, srk.qn, name));
        h.flush(out.objectHandle);
        const l = h.ok('Load', { parentHandle, inPrivate: out.outPrivate, inPublic: { publicArea: out.outPublic.publicArea } });
        expect(hex(l.name)).toBe(hex(name));
        h.flush(l.objectHandle);
      }),
      runs(600),
    );
    expect(accepted).toBeGreaterThan(30 * RUNS);
  });

  it('LoadExternal: public areas alone, and with a sensitive area', () => {
    const pool = externals(setup, 1);
    const hierarchyArb = arb('TPMI_RH_HIERARCHY', { allowNull: true });
    const mostlyNull = fc.oneof({ weight: 6, arbitrary: fc.constant(TPM_RH.NULL) }, { weight: 1, arbitrary: hierarchyArb });
    const cases = fc.oneof(
      { weight: 2, arbitrary: fc.record({ pub: schemaPublic(true), sens: fc.constant(null), hierarchy: hierarchyArb }) },
      {
        weight: 3,
        arbitrary: fc
          .record({ ext: fc.constantFrom(...pool), edits: fc.array(editArb, { maxLength: 2 }), hierarchy: hierarchyArb })
          .map(({ ext, edits, hierarchy }) => ({ pub: applyEdits(ext.pub, edits), sens: null, hierarchy })),
      },
      { weight: 1, arbitrary: fc.record({ pub: schemaPublic(true), sens: arb('TPMT_SENSITIVE') as fc.Arbitrary<TPMT_SENSITIVE | null>, hierarchy: mostlyNull }) },
      {
        weight: 4,
        arbitrary: fc
          .record({ ext: fc.constantFrom(...pool), edits: fc.array(editArb, { maxLength: 1 }), sensEdits: fc.array(sensEditArb, { maxLength: 2 }), hierarchy: mostlyNull })
          .map(({ ext, edits, sensEdits, hierarchy }) => ({ pub: applyEdits(ext.pub, edits), sens: applySensEdits(ext.sens, sensEdits) as TPMT_SENSITIVE | null, hierarchy })),
      },
    );
    let accepted = 0;
    fc.assert(
      fc.property(cases, ({ pub, sens, hierarchy }) => {
        const { rc, r } = h.send('LoadExternal', { inPrivate: sens ? { sensitiveArea: sens } : {}, inPublic: { publicArea: pub }, hierarchy });
        if (rc !== 0) return;
        accepted++;
        const out = h.client.decode('LoadExternal', r);
        const bytes = marshal(pub);
        const name = nameOf(pub.nameAlg, bytes);
        expect(hex(out.name)).toBe(hex(name));
        // Part 1 "External Objects": the Qualified Name of an external object is its Name.
        h.readPublic(out.objectHandle, bytes, name, name);
        checkAttributes(pub, sens && pub.nameAlg !== TPM_ALG.NULL ? 'external' : 'public-only');
        if (sens) {
          expect(hierarchy).toBe(TPM_RH.NULL);
          expect(pub.objectAttributes & (A.fixedTPM | A.fixedParent | A.restricted)).toBe(0);
          checkBinding(pub, sens);
        } else {
          checkPublicKey(pub);
        }
        h.flush(out.objectHandle);
      }),
      runs(800),
    );
    expect(accepted).toBeGreaterThan(30 * RUNS);
  });

  it('Load: mutated and random private and public areas', () => {
    const pool: { priv: Uint8Array; pub: TPMT_PUBLIC; pubBytes: Uint8Array }[] = [];
    for (const b of setup.bases) {
      const { rc, r } = h.send('Create', { parentHandle: srk.handle, inSensitive: { sensitive: { userAuth: Uint8Array.of(5), data: b.data } }, inPublic: { publicArea: b.pub }, ...NO_CREATION });
      if (rc !== 0) continue;
      const out = h.client.decode('Create', r);
      pool.push({ priv: out.outPrivate, pub: out.outPublic.publicArea, pubBytes: publicBytesOf(out.outPublic) });
    }
    expect(pool.length).toBeGreaterThanOrEqual(setup.bases.length - 1);
    const cases = fc.record({
      i: fc.nat({ max: pool.length - 1 }),
      other: oneIn(6, fc.nat({ max: pool.length - 1 })),
      priv: octetEditArb('TPM2B_PRIVATE'),
      edits: fc.oneof({ weight: 3, arbitrary: fc.constant([] as Edit[]) }, { weight: 2, arbitrary: fc.array(editArb, { minLength: 1, maxLength: 2 }) }),
      schemaPub: oneIn(8, schemaPublic(false)),
      parent: parentArb,
    });
    let accepted = 0;
    fc.assert(
      fc.property(cases, ({ i, other, priv, edits, schemaPub, parent }) => {
        const inPrivate = applyOctetEdit(pool[other ?? i].priv, priv);
        const pub = schemaPub ?? applyEdits(pool[i].pub, edits);
        const parentHandle = parentOf(parent);
        const { rc, r } = h.send('Load', { parentHandle, inPrivate, inPublic: { publicArea: pub } });
        if (rc !== 0) return;
        accepted++;
        // The private area's integrity value binds it to the parent and the Name: only pairs the TPM made load.
        const bytes = marshal(pub);
        expect(parentHandle).toBe(srk.handle);
        expect(pool.some((p) => hex(p.priv) === hex(inPrivate) && hex(p.pubBytes) === hex(bytes))).toBe(true);
        const out = h.client.decode('Load', r);
        const name = nameOf(pub.nameAlg, bytes);
        expect(hex(out.name)).toBe(hex(name));
        h.readPublic(out.objectHandle, bytes, name, qnOf(pub.nameAlg, srk.qn, name));
        h.flush(out.objectHandle);
      }),
      runs(500),
    );
    expect(accepted).toBeGreaterThan(5 * RUNS);
  });

  it('Import: mutated and random duplicates, seeds, keys and public areas', () => {
    const rng = createDrbg(utf8(`import ${profile}`));
    const inner: TPMT_SYM_DEF_OBJECT = { algorithm: setup.cipher, keyBits: 128, mode: TPM_ALG.CFB };
    const blobs: (External & { blob: ReturnType<typeof createImportBlob> })[] = [];
    for (const e of externals(setup, 100)) {
      blobs.push({ ...e, blob: createImportBlob(srk.pub, e.pub, e.sens, rng) });
      blobs.push({ ...e, blob: createImportBlob(srk.pub, e.pub, e.sens, rng, { innerSymmetric: inner }) });
    }
    const e0 = blobs[0];
    const ed = { pub: { ...e0.pub, objectAttributes: e0.pub.objectAttributes | A.encryptedDuplication }, sens: e0.sens };
    blobs.push({ ...ed, blob: createImportBlob(srk.pub, ed.pub, ed.sens, rng, { innerSymmetric: inner }) });
    const cases = fc.record({
      i: fc.nat({ max: blobs.length - 1 }),
      encryptionKey: octetEditArb('TPM2B_DATA'),
      duplicate: octetEditArb('TPM2B_PRIVATE'),
      inSymSeed: octetEditArb('TPM2B_ENCRYPTED_SECRET'),
      symmetricAlg: oneIn(5, arb('TPMT_SYM_DEF_OBJECT', { allowNull: true })),
      edits: fc.oneof({ weight: 4, arbitrary: fc.constant([] as Edit[]) }, { weight: 1, arbitrary: fc.array(editArb, { minLength: 1, maxLength: 2 }) }),
      schemaPub: oneIn(10, schemaPublic(false)),
      parent: parentArb,
    });
    let accepted = 0;
    fc.assert(
      fc.property(cases, (c) => {
        const b = blobs[c.i];
        const pub = c.schemaPub ?? applyEdits(b.pub, c.edits);
        const input = {
          parentHandle: parentOf(c.parent),
          encryptionKey: applyOctetEdit(b.blob.encryptionKey, c.encryptionKey),
          objectPublic: { publicArea: pub },
          duplicate: applyOctetEdit(b.blob.duplicate, c.duplicate),
          inSymSeed: applyOctetEdit(b.blob.inSymSeed, c.inSymSeed),
          symmetricAlg: c.symmetricAlg ?? b.blob.symmetricAlg,
        };
        const { rc, r } = h.send('Import', input);
        if (rc !== 0) return;
        accepted++;
        expect(input.parentHandle).toBe(srk.handle);
        // The outer wrapper's HMAC covers the duplicate and the Name, under a seed only the parent recovers.
        if (input.inSymSeed.length) {
          expect(hex(input.inSymSeed)).toBe(hex(b.blob.inSymSeed));
          expect(hex(input.duplicate)).toBe(hex(b.blob.duplicate));
          expect(hex(marshal(pub))).toBe(hex(marshal(b.pub)));
        }
        // What Import returns loads under the same parent.
        const { outPrivate } = h.client.decode('Import', r);
        const l = h.ok('Load', { parentHandle: srk.handle, inPrivate: outPrivate, inPublic: { publicArea: pub } });
        const bytes = marshal(pub);
        const name = nameOf(pub.nameAlg, bytes);
        expect(hex(l.name)).toBe(hex(name));
        h.readPublic(l.objectHandle, bytes, name, qnOf(pub.nameAlg, srk.qn, name));
        h.flush(l.objectHandle);
      }),
      runs(500),
    );
    expect(accepted).toBeGreaterThan(5 * RUNS);
  });

  it('Sign and VerifySignature: schema-derived schemes, tickets and signatures', () => {
    const hash = setup.hash;
    const templates =
      profile === 'tcm2'
        ? [
            eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.SM2_P256 }),
            eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.SM2_P256, scheme: TPM_ALG.NULL }),
            keyedHashTemplate({ nameAlg: hash }),
            akTemplate({ alg: 'sm2-p256' }),
            eccKeyTemplate({ usage: 'decrypt', curve: TPM_ECC.SM2_P256 }),
          ]
        : [
            eccKeyTemplate({ usage: 'sign' }),
            eccKeyTemplate({ usage: 'sign', scheme: TPM_ALG.NULL }),
            eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.NIST_P384, scheme: TPM_ALG.ECSCHNORR, hash: TPM_ALG.SHA384 }),
            eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.SM2_P256 }),
            keyedHashTemplate(),
            rsa1024(rsaKeyTemplate({ usage: 'sign', scheme: TPM_ALG.NULL })),
            akTemplate({ alg: 'ecc-p256' }),
            eccKeyTemplate({ usage: 'decrypt' }),
          ];
    const keys = templates.map(
      (publicArea) => h.ok('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea }, ...NO_CREATION }).objectHandle as number,
    );
    keys.push(h.ok('LoadExternal', { inPrivate: {}, inPublic: { publicArea: externals(setup, 200)[0].pub }, hierarchy: TPM_RH.OWNER }).objectHandle);
    const ticket = h.ok('Hash', { data: utf8('fuzz'), hashAlg: hash, hierarchy: TPM_RH.OWNER });
    const cases = fc.record({
      k: fc.nat({ max: keys.length - 1 }),
      handle: oneIn(15, arb('TPMI_DH_OBJECT')),
      digest: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(20, 32, 32, 32, 48, 64).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })) as fc.Arbitrary<Uint8Array | null> },
        { weight: 1, arbitrary: arb('TPM2B_DIGEST') },
        { weight: 1, arbitrary: fc.constant(null) },
      ),
      inScheme: fc.oneof(
        { weight: 3, arbitrary: fc.constant(NULL_SCHEME as TPMT_SIG_SCHEME) },
        { weight: 3, arbitrary: fc.constantFrom(...setup.sigSchemes) },
        { weight: 2, arbitrary: arb('TPMT_SIG_SCHEME', { allowNull: true }) },
      ),
      validation: oneIn(5, arb('TPMT_TK_HASHCHECK')),
      flip: fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })),
      signature: arb('TPMT_SIGNATURE'),
    });
    let accepted = 0;
    fc.assert(
      fc.property(cases, (c) => {
        const keyHandle = c.handle ?? keys[c.k];
        const digest = c.digest ?? ticket.outHash;
        const validation = c.digest === null ? ticket.validation : (c.validation ?? NULL_TICKET);
        const { rc, r } = h.send('Sign', { keyHandle, digest, inScheme: c.inScheme, validation });
        if (rc === 0) {
          accepted++;
          const { signature } = h.client.decode('Sign', r);
          // A signature the TPM made verifies with the same key; changed, or over another digest, it does not.
          expect(h.ok('VerifySignature', { keyHandle, digest, signature }).validation.tag).toBe(TPM_ST.VERIFIED);
          expect(h.send('VerifySignature', { keyHandle, digest, signature: flipSignature(signature, c.flip[0], c.flip[1]) }).rc).not.toBe(0);
          const other = digest.slice();
          other[c.flip[0] % other.length] ^= c.flip[1];
          if (other.length) expect(h.send('VerifySignature', { keyHandle, digest: other, signature }).rc).not.toBe(0);
        }
        // A schema-derived signature does not verify.
        expect(h.send('VerifySignature', { keyHandle, digest, signature: c.signature }).rc).not.toBe(0);
      }),
      runs(500),
    );
    // Enough accepted cases for the checks to mean something; the count varies with the seed (30 in 500 has been seen).
    expect(accepted).toBeGreaterThan(10 * RUNS);
    for (const k of keys) h.flush(k);
  });
});
