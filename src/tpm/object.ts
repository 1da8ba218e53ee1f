/**
 * Objects (TPM 2.0 Part 1 "Object Structure Elements", "Object Attributes", "Protected
 * Storage"): lookup of loaded and persistent objects, Names, the attribute and scheme
 * consistency checks, key generation (from the RNG, or for primaries from the hierarchy seed),
 * and slots.
 */
import { bigintToBytes, bytesEqual, bytesToBigint, bytesToHex, u32be } from '../crypto/bytes.js';
import type { Rng } from '../crypto/drbg.js';
import { eccGenerateKey, eccPointIsValid, eccPublicFromPrivate, eccToBytes } from '../crypto/ecc.js';
import type { HashAlgorithm } from '../crypto/hash.js';
import { kdfaStream } from '../crypto/kdf.js';
import { guard } from '../protocol/errors.js';
import { objectName as protocolObjectName, qualifiedName as protocolQualifiedName } from '../protocol/keys.js';
import { privateToSensitive, sensitiveToPrivate, type OuterWrap } from '../protocol/protection.js';
import { rsaGenerateKey } from '../crypto/rsa.js';
import { TPM_ALG, TPM_HT, TPM_RC, TPM_RH, TPMA_OBJECT } from '../gen/constants.js';
import type {
  TPMS_ECC_PARMS,
  TPMS_ECC_POINT,
  TPMS_KEYEDHASH_PARMS,
  TPMS_RSA_PARMS,
  TPMS_SENSITIVE_CREATE,
  TPMS_SYMCIPHER_PARMS,
  TPMS_SCHEME_HASH,
  TPMS_SCHEME_XOR,
  TPMT_PUBLIC,
  TPMT_SENSITIVE,
  TPMT_SYM_DEF_OBJECT,
} from '../gen/types.js';
import { handleName } from '../protocol/session.js';
import type { CommandContext } from './context.js';
import { tpmError } from './errors.js';
import type { ObjectRecord, SequenceObject } from './state/types.js';

const A = TPMA_OBJECT;
const EMPTY = new Uint8Array(0);
const has = (attributes: number, bit: number) => (attributes & bit) !== 0;

// ---------------------------------------------------------------------------------------------
// Lookup

export const isObjectRecord = (x: ObjectRecord | SequenceObject | undefined): x is ObjectRecord => x?.kind === 'object';

/** The loaded transient or persistent object a handle names, if any. */
export function objectOf(ctx: CommandContext, handle: number): ObjectRecord | undefined {
  switch (handle >>> 24) {
    case TPM_HT.TRANSIENT: {
      const o = ctx.read('volatile').objects[handle];
      return isObjectRecord(o) ? o : undefined;
    }
    case TPM_HT.PERSISTENT:
      return ctx.read('persistent').objects?.[handle];
  }
  return undefined;
}

/** The object a checked handle names; TPM_RC_HANDLE on `field` when there is none (a sequence, say). */
export function requireObject(ctx: CommandContext, handle: number, field: string): ObjectRecord {
  const o = objectOf(ctx, handle);
  if (!o) throw tpmError(TPM_RC.HANDLE, `0x${handle.toString(16)} is not a loaded object`).at(field);
  return o;
}

/** The loaded sequence object a handle names, if any. */
export function sequenceOf(ctx: CommandContext, handle: number): SequenceObject | undefined {
  const o = ctx.read('volatile').objects[handle];
  return o && o.kind !== 'object' ? o : undefined;
}

/** A writable copy of a loaded sequence object (the caller checked it is one). */
export function writableSequence(ctx: CommandContext, handle: number): SequenceObject {
  return ctx.write('volatile').objects[handle] as SequenceObject;
}

/** Is the object a storage parent: a restricted decryption key with its sensitive area (Part 1 "Storage Keys")? */
export function isStorageParent(o: ObjectRecord): boolean {
  const a = o.public.objectAttributes;
  return has(a, A.restricted) && has(a, A.decrypt) && o.sensitive !== null && o.public.nameAlg !== TPM_ALG.NULL && o.public.type !== TPM_ALG.KEYEDHASH;
}

/** Is the object a derivation parent: a restricted decryption keyedHash object (Part 1 "Derivation Parent")? */
export function isDerivationParent(o: ObjectRecord): boolean {
  const a = o.public.objectAttributes;
  return has(a, A.restricted) && has(a, A.decrypt) && o.sensitive !== null && o.public.type === TPM_ALG.KEYEDHASH;
}

// ---------------------------------------------------------------------------------------------
// Names (Part 1 "Names"; "Qualified Name")

export function marshalPublic(ctx: CommandContext, pub: TPMT_PUBLIC): Uint8Array {
  return ctx.codec.encode('TPMT_PUBLIC', pub);
}

/** nameAlg ‖ H_nameAlg(publicArea); empty for nameAlg TPM_ALG_NULL (src/protocol/keys.ts). */
export const objectName = (nameAlg: number, publicBytes: Uint8Array): Uint8Array => protocolObjectName(publicBytes, nameAlg);

/** QN = nameAlg ‖ H_nameAlg(parentQN ‖ Name); a hierarchy's QN is its handle. */
export const qualifiedName = (nameAlg: number, parentQN: Uint8Array, name: Uint8Array): Uint8Array =>
  nameAlg === TPM_ALG.NULL ? name : protocolQualifiedName(parentQN, name, nameAlg);

/** The hierarchy handle's own Qualified Name. */
export const hierarchyQN = (hierarchy: number): Uint8Array => handleName(hierarchy);

/** A frozen object record with its Name and Qualified Name. */
export function makeRecord(
  ctx: CommandContext,
  pub: TPMT_PUBLIC,
  sensitive: TPMT_SENSITIVE | null,
  parentQN: Uint8Array,
  hierarchy: number,
  flags: Pick<ObjectRecord, 'primary' | 'external' | 'evictHandle'> = {},
  publicBytes: Uint8Array = marshalPublic(ctx, pub),
): ObjectRecord {
  const name = objectName(pub.nameAlg, publicBytes);
  const record: ObjectRecord = {
    kind: 'object',
    public: pub,
    publicBytes,
    sensitive,
    name,
    qualifiedName: flags.external ? name : qualifiedName(pub.nameAlg, parentQN, name),
    hierarchy,
    ...flags,
  };
  if (!flags.external && isDerivationParentPublic(pub) && sensitive) record.derivation = true;
  return Object.freeze(record);
}

function isDerivationParentPublic(pub: TPMT_PUBLIC): boolean {
  const a = pub.objectAttributes;
  return pub.type === TPM_ALG.KEYEDHASH && has(a, A.restricted) && has(a, A.decrypt) && pub.nameAlg !== TPM_ALG.NULL;
}

// ---------------------------------------------------------------------------------------------
// Slots (Part 1 "Transient Objects"; MAX_LOADED_OBJECTS)

/** A free transient handle; TPM_RC_OBJECT_MEMORY when every object slot is in use. */
export function freeTransientHandle(ctx: CommandContext): number {
  const objects = ctx.read('volatile').objects;
  const used = Object.keys(objects);
  if (used.length >= ctx.profile.limits.MAX_LOADED_OBJECTS) throw tpmError(TPM_RC.OBJECT_MEMORY);
  const taken = new Set(used.map(Number));
  for (let i = 0; ; i++) {
    const h = (0x80000000 + i) >>> 0;
    if (!taken.has(h)) return h;
  }
}

/** Loads a record into a free transient slot and returns its handle. */
export function installObject(ctx: CommandContext, record: ObjectRecord): number {
  const handle = freeTransientHandle(ctx);
  ctx.write('volatile').objects[handle] = record;
  return handle;
}

// ---------------------------------------------------------------------------------------------
// Consistency checks (Part 1 "Object Attributes" and "Public Area Creation"; Part 3 "TPM2_Create")

const SIGN_SCHEMES_RSA = new Set<number>([TPM_ALG.RSASSA, TPM_ALG.RSAPSS]);
const SIGN_SCHEMES_ECC = new Set<number>([TPM_ALG.ECDSA, TPM_ALG.ECDAA, TPM_ALG.SM2, TPM_ALG.ECSCHNORR]);
const DECRYPT_SCHEMES_RSA = new Set<number>([TPM_ALG.RSAES, TPM_ALG.OAEP]);
const DECRYPT_SCHEMES_ECC = new Set<number>([TPM_ALG.ECDH, TPM_ALG.ECMQV, TPM_ALG.SM2]);

function fail(rc: number, field: string, message: string): never {
  throw tpmError(rc, message).at(field);
}

/**
 * Checks of a public area against its parent (null for a primary): nameAlg, authPolicy size,
 * fixedTPM/fixedParent, sign/decrypt/restricted combinations, encryptedDuplication, derivation
 * rules, then the scheme checks (the reference's PublicAttributesValidation).
 */
export function checkPublicAttributes(ctx: CommandContext, parent: ObjectRecord | null, pub: TPMT_PUBLIC, field: string): void {
  const a = pub.objectAttributes;
  const pa = parent?.public.objectAttributes ?? 0;
  const hash = ctx.crypto.hash(pub.nameAlg);
  if (!hash) fail(TPM_RC.HASH, field, 'nameAlg must be a hash');
  if (pub.authPolicy.length !== 0 && pub.authPolicy.length !== hash.digestSize) fail(TPM_RC.SIZE, field, 'authPolicy is not a nameAlg digest');
  if (!parent || has(pa, A.fixedTPM)) {
    if (has(a, A.fixedParent) !== has(a, A.fixedTPM)) fail(TPM_RC.ATTRIBUTES, field, 'fixedTPM and fixedParent must agree under this parent');
  } else if (has(a, A.fixedTPM)) {
    fail(TPM_RC.ATTRIBUTES, field, 'fixedTPM needs a fixedTPM parent');
  }
  if (has(a, A.sign_encrypt) === has(a, A.decrypt)) {
    if (has(a, A.restricted)) fail(TPM_RC.ATTRIBUTES, field, 'a restricted key is either sign or decrypt');
    if (pub.type !== TPM_ALG.KEYEDHASH && !has(a, A.sign_encrypt)) fail(TPM_RC.ATTRIBUTES, field, 'an asymmetric or symmetric key needs sign or decrypt');
  }
  if (has(a, A.fixedTPM) && has(a, A.encryptedDuplication)) fail(TPM_RC.ATTRIBUTES, field, 'encryptedDuplication needs fixedTPM CLEAR');
  if (parent && !has(pa, A.fixedTPM) && has(a, A.encryptedDuplication) !== has(pa, A.encryptedDuplication)) {
    fail(TPM_RC.ATTRIBUTES, field, 'encryptedDuplication must match the parent');
  }
  if (parent?.derivation) {
    if (has(a, A.fixedTPM) !== has(pa, A.fixedTPM)) fail(TPM_RC.ATTRIBUTES, field, 'a derived object has its parent fixedTPM');
    if (!has(a, A.fixedParent)) fail(TPM_RC.ATTRIBUTES, field, 'a derived object is fixedParent');
  }
  checkSchemes(ctx, parent, pub, field);
}

/** Scheme checks (the reference's SchemeChecks): schemes by key use, symmetric definitions of parents. */
export function checkSchemes(ctx: CommandContext, parent: ObjectRecord | null, pub: TPMT_PUBLIC, field: string): void {
  const a = pub.objectAttributes;
  const sign = has(a, A.sign_encrypt);
  const decrypt = has(a, A.decrypt);
  const restricted = has(a, A.restricted);
  let sym: TPMT_SYM_DEF_OBJECT | null = null;
  switch (pub.type) {
    case TPM_ALG.SYMCIPHER: {
      // The mode may be TPM_ALG_NULL (chosen per command); the codec admits only implemented modes.
      sym = (pub.parameters as TPMS_SYMCIPHER_PARMS).sym;
      break;
    }
    case TPM_ALG.KEYEDHASH: {
      const scheme = (pub.parameters as TPMS_KEYEDHASH_PARMS).scheme;
      if (sign === decrypt) {
        if (scheme.scheme !== TPM_ALG.NULL) fail(TPM_RC.SCHEME, field, 'a data object has the NULL scheme');
      } else if (sign && scheme.scheme !== TPM_ALG.HMAC) {
        fail(TPM_RC.SCHEME, field, 'a keyedHash signing key uses HMAC');
      } else if (decrypt) {
        if (scheme.scheme !== TPM_ALG.XOR) fail(TPM_RC.SCHEME, field, 'a keyedHash decryption key uses XOR');
        if (restricted) {
          const xor = scheme.details as TPMS_SCHEME_XOR;
          if (xor.kdf !== TPM_ALG.KDF1_SP800_108) fail(TPM_RC.SCHEME, field, 'a derivation parent uses KDF1_SP800_108');
          if (!ctx.crypto.hash(xor.hashAlg)) fail(TPM_RC.HASH, field, 'a derivation parent needs a hash');
        }
      }
      break;
    }
    default: {
      const parms = pub.parameters as TPMS_RSA_PARMS | TPMS_ECC_PARMS;
      const scheme = parms.scheme.scheme;
      sym = parms.symmetric;
      const signSchemes = pub.type === TPM_ALG.RSA ? SIGN_SCHEMES_RSA : SIGN_SCHEMES_ECC;
      const decryptSchemes = pub.type === TPM_ALG.RSA ? DECRYPT_SCHEMES_RSA : DECRYPT_SCHEMES_ECC;
      if (sign === decrypt) {
        if (scheme !== TPM_ALG.NULL) fail(TPM_RC.SCHEME, field, 'a key for both or neither sign and decrypt has the NULL scheme');
      } else if (sign) {
        if (signSchemes.has(scheme)) {
          if ((parms.scheme.details as TPMS_SCHEME_HASH).hashAlg === TPM_ALG.NULL) fail(TPM_RC.SCHEME, field, 'a signing scheme needs a hash');
        } else if (restricted || scheme !== TPM_ALG.NULL) {
          fail(TPM_RC.SCHEME, field, 'not a signing scheme for this key');
        }
      } else if (restricted) {
        if (scheme !== TPM_ALG.NULL) fail(TPM_RC.SCHEME, field, 'a restricted decryption key has the NULL scheme');
      } else if (scheme !== TPM_ALG.NULL && !decryptSchemes.has(scheme)) {
        fail(TPM_RC.SCHEME, field, 'not a decryption scheme for this key');
      }
      if ((!restricted || !decrypt) && sym.algorithm !== TPM_ALG.NULL) fail(TPM_RC.SYMMETRIC, field, 'only a restricted decryption key has a symmetric algorithm');
      if (pub.type === TPM_ALG.ECC) {
        const ecc = parms as TPMS_ECC_PARMS;
        // SM2 curve keys that sign use the SM2 scheme (the curve's mandatory scheme, if any, Part 4 "ECC curves").
        if (ecc.kdf.scheme !== TPM_ALG.NULL) fail(TPM_RC.KDF, field, 'the kdf of an ECC key is TPM_ALG_NULL');
      }
    }
  }
  if (sym && restricted && decrypt) {
    if (sym.algorithm === TPM_ALG.NULL) fail(TPM_RC.SYMMETRIC, field, 'a storage key needs a symmetric algorithm');
    if (parent && has(a, A.fixedParent)) {
      if (pub.nameAlg !== parent.public.nameAlg) fail(TPM_RC.HASH, field, 'a fixedParent storage key has its parent nameAlg');
      if (!sameSymDef(sym, parentSymmetric(parent))) fail(TPM_RC.SYMMETRIC, field, 'a fixedParent storage key has its parent symmetric algorithm');
    }
  }
}

function sameSymDef(a: TPMT_SYM_DEF_OBJECT, b: TPMT_SYM_DEF_OBJECT | null): boolean {
  return !!b && a.algorithm === b.algorithm && (a.keyBits ?? 0) === (b.keyBits ?? 0) && (a.mode ?? 0) === (b.mode ?? 0);
}

/** The symmetric definition that protects a parent's children. */
export function parentSymmetric(parent: ObjectRecord): TPMT_SYM_DEF_OBJECT {
  if (parent.public.type === TPM_ALG.SYMCIPHER) return (parent.public.parameters as TPMS_SYMCIPHER_PARMS).sym;
  return (parent.public.parameters as TPMS_RSA_PARMS | TPMS_ECC_PARMS).symmetric;
}

/**
 * TPM2_Create/CreatePrimary checks (the reference's CreateChecks): who supplies the sensitive
 * data (sensitiveDataOrigin), then the public-area checks. All errors are on `field`.
 */
export function checkCreate(ctx: CommandContext, parent: ObjectRecord | null, pub: TPMT_PUBLIC, dataSize: number, field: string): void {
  const a = pub.objectAttributes;
  const origin = has(a, A.sensitiveDataOrigin);
  if (!origin && dataSize === 0) fail(TPM_RC.ATTRIBUTES, field, 'sensitiveDataOrigin CLEAR needs sensitive data');
  if (parent && origin && dataSize !== 0) fail(TPM_RC.ATTRIBUTES, field, 'sensitiveDataOrigin SET with sensitive data');
  switch (pub.type) {
    case TPM_ALG.KEYEDHASH:
      if (!has(a, A.sign_encrypt) && !has(a, A.decrypt) && origin) fail(TPM_RC.ATTRIBUTES, field, 'sealed data cannot have sensitiveDataOrigin');
      checkSuppliedRestricted(a, origin, field);
      break;
    case TPM_ALG.SYMCIPHER:
      checkSuppliedRestricted(a, origin, field);
      break;
    default:
      if (!origin) fail(TPM_RC.ATTRIBUTES, field, 'an asymmetric key is generated by the TPM (sensitiveDataOrigin)');
  }
  checkPublicAttributes(ctx, parent, pub, field);
}

/** A restricted symmetric or keyed-hash key with caller-supplied key data cannot be fixedTPM or fixedParent. */
function checkSuppliedRestricted(a: number, origin: boolean, field: string): void {
  if (has(a, A.restricted) && !origin && (has(a, A.fixedParent) || has(a, A.fixedTPM))) {
    fail(TPM_RC.ATTRIBUTES, field, 'a restricted key with supplied data cannot be fixed');
  }
}

/** userAuth no longer than the nameAlg digest, trailing zeros ignored (the reference's AdjustAuthSize). */
export function checkAuthSize(ctx: CommandContext, nameAlg: number, auth: Uint8Array, field: string): Uint8Array {
  const size = ctx.crypto.hash(nameAlg)?.digestSize ?? 64;
  let n = auth.length;
  while (n > 0 && auth[n - 1] === 0) n--;
  if (n > size) fail(TPM_RC.SIZE, field, 'authValue is longer than the nameAlg digest');
  return auth.subarray(0, n);
}

/**
 * Public and sensitive areas agree (the reference's CryptValidateKeys), for objects whose
 * sensitive area did not come from this TPM under a fixedTPM parent. As in the reference, a
 * failed binding (TPM_RC_BINDING) and an ECC private key out of range (TPM_RC_KEY_SIZE) name
 * no parameter: they concern the pair, not one area.
 */
export function validateKeys(ctx: CommandContext, pub: TPMT_PUBLIC, sensitive: TPMT_SENSITIVE | null, publicField: string, sensitiveField: string): void {
  const hash = ctx.crypto.hash(pub.nameAlg);
  const digestSize = hash?.digestSize ?? 0;
  if (sensitive) {
    if (sensitive.sensitiveType !== pub.type) fail(TPM_RC.TYPE, sensitiveField, 'sensitive type differs from public type');
    if (digestSize > 0 && sensitive.authValue.length > digestSize) fail(TPM_RC.SIZE, sensitiveField, 'authValue larger than nameAlg digest');
  }
  switch (pub.type) {
    case TPM_ALG.RSA: {
      const parms = pub.parameters as TPMS_RSA_PARMS;
      const bytes = parms.keyBits / 8;
      const n = pub.unique as Uint8Array;
      if (n.length !== bytes || n[0] < 0x80) fail(TPM_RC.KEY, publicField, 'modulus does not match keyBits');
      if (parms.exponent !== 0 && parms.exponent < 7) fail(TPM_RC.VALUE, publicField, 'bad public exponent');
      if (sensitive) {
        const p = sensitive.sensitive as Uint8Array;
        if (p.length * 2 !== bytes || p[0] < 0x80) fail(TPM_RC.KEY_SIZE, sensitiveField, 'prime does not match keyBits');
        const pn = bytesToBigint(p);
        const nn = bytesToBigint(n);
        if (pn <= 1n || nn % pn !== 0n) throw tpmError(TPM_RC.BINDING, 'prime does not divide the modulus');
      }
      break;
    }
    case TPM_ALG.ECC: {
      const parms = pub.parameters as TPMS_ECC_PARMS;
      const curve = ctx.crypto.curve(parms.curveID);
      if (!curve) fail(TPM_RC.CURVE, publicField, 'curve not implemented');
      const point = pub.unique as TPMS_ECC_POINT;
      if (!sensitive) {
        if (point.x.length !== curve.byteLength || point.y.length !== curve.byteLength) fail(TPM_RC.KEY, publicField, 'point size does not match the curve');
        if (pub.nameAlg !== TPM_ALG.NULL && !eccPointIsValid(curve, point.x, point.y)) fail(TPM_RC.ECC_POINT, publicField, 'point not on the curve');
      } else {
        const d = bytesToBigint(sensitive.sensitive as Uint8Array);
        if (d <= 0n || d >= curve.n) throw tpmError(TPM_RC.KEY_SIZE, 'private key out of range');
        if (pub.nameAlg !== TPM_ALG.NULL) {
          const q = eccPublicFromPrivate(curve, d);
          if (!bytesEqual(q.x, point.x) || !bytesEqual(q.y, point.y)) throw tpmError(TPM_RC.BINDING, 'public point is not [d]G');
        }
      }
      break;
    }
    default: {
      if (!sensitive) {
        if ((pub.unique as Uint8Array).length !== digestSize) fail(TPM_RC.KEY, publicField, 'unique is not a nameAlg digest');
        break;
      }
      const key = sensitive.sensitive as Uint8Array;
      if (pub.type === TPM_ALG.SYMCIPHER) {
        const sym = (pub.parameters as TPMS_SYMCIPHER_PARMS).sym;
        if (key.length * 8 !== (sym.keyBits ?? 0)) fail(TPM_RC.KEY_SIZE, sensitiveField, 'key does not match keyBits');
      } else {
        const scheme = (pub.parameters as TPMS_KEYEDHASH_PARMS).scheme;
        const schemeHash = scheme.scheme === TPM_ALG.NULL ? undefined : ctx.crypto.hash((scheme.details as TPMS_SCHEME_HASH).hashAlg);
        const max = scheme.scheme === TPM_ALG.NULL ? 128 : (schemeHash?.blockSize ?? 0);
        if (key.length > max) fail(TPM_RC.KEY_SIZE, sensitiveField, 'keyedHash data too large');
      }
      if (pub.nameAlg !== TPM_ALG.NULL) {
        if (sensitive.seedValue.length !== digestSize) fail(TPM_RC.KEY_SIZE, sensitiveField, 'seedValue is not a nameAlg digest');
        if (!bytesEqual(hash!.digest(sensitive.seedValue, key), pub.unique as Uint8Array)) throw tpmError(TPM_RC.BINDING, 'unique does not bind the sensitive area');
      }
    }
  }
  const a = pub.objectAttributes;
  if (has(a, A.restricted) && has(a, A.decrypt) && sensitive && pub.nameAlg !== TPM_ALG.NULL) {
    if (sensitive.seedValue.length < digestSize / 2 || sensitive.seedValue.length > digestSize) fail(TPM_RC.SIZE, sensitiveField, 'a parent seedValue is half to one nameAlg digest');
  }
}

// ---------------------------------------------------------------------------------------------
// Generation (Part 1 "Object Creation"; "Primary Objects")

/**
 * The generator a primary object is drawn from: the KDFa stream keyed by the hierarchy seed
 * with label "Primary Object Creation", the template's Name and the sensitive data as context
 * (the reference's DRBG_InstantiateSeededKey), so the same template and data under the same seed
 * give the same object (Part 1 "Primary Seed Properties").
 */
export function primaryRng(hash: HashAlgorithm, seed: Uint8Array, templateName: Uint8Array, data: Uint8Array): Rng {
  return kdfaStream(hash, seed, 'Primary Object Creation', templateName, data);
}

export interface GeneratedObject {
  public: TPMT_PUBLIC;
  sensitive: TPMT_SENSITIVE;
}

/**
 * Makes the sensitive area and the unique field of a checked template (the reference's
 * CryptCreateObject): RSA primes, an ECC private key, symmetric or keyed-hash keys (given or
 * drawn), the seedValue, and unique.
 */
export function generateObject(ctx: CommandContext, template: TPMT_PUBLIC, create: TPMS_SENSITIVE_CREATE, authValue: Uint8Array, rng: Rng): GeneratedObject {
  const a = template.objectAttributes;
  const hash = ctx.crypto.hash(template.nameAlg)!;
  const data = has(a, A.sensitiveDataOrigin) ? EMPTY : create.data;
  let key: Uint8Array;
  let unique: TPMT_PUBLIC['unique'];
  switch (template.type) {
    case TPM_ALG.RSA: {
      const parms = template.parameters as TPMS_RSA_PARMS;
      // The exponent is 0 (for 2^16 + 1) or a prime of at least 2^16 + 1; like the other key
      // generation errors, TPM_RC_RANGE carries no parameter number (the reference's CryptRsaGenerateKey).
      const e = parms.exponent === 0 ? 65537 : parms.exponent;
      if (e < 65537 || !isPrimeInt(e)) throw tpmError(TPM_RC.RANGE, 'the RSA public exponent is not a prime of at least 65537');
      if (!ctx.profile.rsaKeyBits.has(parms.keyBits)) fail(TPM_RC.KEY_SIZE, 'inPublic', `RSA-${parms.keyBits} is not implemented`);
      const rsa = rsaGenerateKey(parms.keyBits, rng, BigInt(e));
      const half = parms.keyBits / 16;
      key = bigintToBytes(rsa.p > rsa.q ? rsa.p : rsa.q, half);
      unique = bigintToBytes(rsa.n, parms.keyBits / 8);
      break;
    }
    case TPM_ALG.ECC: {
      const parms = template.parameters as TPMS_ECC_PARMS;
      const curve = ctx.crypto.curve(parms.curveID);
      if (!curve) fail(TPM_RC.CURVE, 'inPublic', 'curve not implemented');
      const pair = eccGenerateKey(curve, rng);
      key = eccToBytes(curve, pair.d);
      unique = { x: pair.x, y: pair.y };
      break;
    }
    case TPM_ALG.SYMCIPHER: {
      const sym = (template.parameters as TPMS_SYMCIPHER_PARMS).sym;
      const bytes = (sym.keyBits ?? 0) / 8;
      // Key generation errors carry no parameter number (the reference's CryptGenerateKeySymmetric).
      if (data.length !== 0 && data.length !== bytes) throw tpmError(TPM_RC.KEY_SIZE, 'symmetric key does not match keyBits');
      key = data.length ? data.slice() : rng.bytes(bytes);
      unique = EMPTY;
      break;
    }
    case TPM_ALG.KEYEDHASH: {
      const scheme = (template.parameters as TPMS_KEYEDHASH_PARMS).scheme;
      const schemeHash = scheme.scheme === TPM_ALG.NULL ? hash : ctx.crypto.hash((scheme.details as TPMS_SCHEME_HASH).hashAlg);
      if (!schemeHash) fail(TPM_RC.HASH, 'inPublic', 'keyedHash scheme hash not implemented');
      if (data.length && (has(a, A.sign_encrypt) || has(a, A.decrypt)) && data.length > schemeHash.blockSize) throw tpmError(TPM_RC.SIZE, 'key longer than the hash block');
      if (data.length > 128) throw tpmError(TPM_RC.SIZE, 'sealed data longer than 128 octets');
      key = data.length ? data.slice() : rng.bytes(schemeHash.digestSize);
      unique = EMPTY;
      break;
    }
    default:
      return fail(TPM_RC.TYPE, 'inPublic', 'unknown object type');
  }
  let seedValue = rng.bytes(hash.digestSize);
  if (template.type === TPM_ALG.SYMCIPHER || template.type === TPM_ALG.KEYEDHASH) {
    unique = hash.digest(seedValue, key);
  } else if (has(a, A.sign_encrypt) || !has(a, A.restricted)) {
    seedValue = EMPTY;
  }
  return {
    public: { ...template, unique },
    sensitive: { sensitiveType: template.type, authValue: authValue.slice(), seedValue, sensitive: key },
  };
}

/** Is a 32-bit integer prime (trial division; an RSA public exponent)? */
function isPrimeInt(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0 || n % 3 === 0) return n <= 3;
  for (let d = 5; d * d <= n; d += 6) if (n % d === 0 || n % (d + 2) === 0) return false;
  return true;
}

/**
 * Primary objects by (seed, template, data) → generated object: a per-TPM cache that makes a
 * repeated RSA primary cheap (DESIGN "Crypto"). Not part of the TPM state.
 */
export interface PrimaryCache {
  get(key: string): GeneratedObject | undefined;
  set(key: string, value: GeneratedObject): void;
}

export function createPrimaryCache(limit = 32): PrimaryCache {
  const map = new Map<string, GeneratedObject>();
  return {
    get(key) {
      const v = map.get(key);
      if (v) {
        map.delete(key);
        map.set(key, v);
      }
      return v;
    },
    set(key, value) {
      map.set(key, value);
      if (map.size > limit) map.delete(map.keys().next().value!);
    },
  };
}

/** Derives a primary object from a hierarchy seed, through the machine's cache. */
export function generatePrimary(ctx: CommandContext, seed: Uint8Array, template: TPMT_PUBLIC, create: TPMS_SENSITIVE_CREATE, authValue: Uint8Array): GeneratedObject {
  const hash = ctx.crypto.hash(template.nameAlg)!;
  const templateName = objectName(template.nameAlg, marshalPublic(ctx, template));
  const cache = (ctx.machine.primaryCache ??= createPrimaryCache());
  // The cache key identifies seed, template and data without keeping the seed itself.
  const key = bytesToHex(hash.digest(seed, templateName, create.data));
  let generated = cache.get(key);
  if (!generated) {
    generated = generateObject(ctx, template, create, EMPTY, primaryRng(hash, seed, templateName, create.data));
    cache.set(key, generated);
  }
  return { public: generated.public, sensitive: { ...generated.sensitive, authValue: authValue.slice() } };
}

// ---------------------------------------------------------------------------------------------
// Hierarchies of objects

/** The seed of a hierarchy for primary objects (Part 1 "Primary Seeds"). */
export function hierarchySeed(ctx: CommandContext, hierarchy: number): Uint8Array {
  const seeds = ctx.read('persistent').seeds;
  switch (hierarchy) {
    case TPM_RH.OWNER:
      return seeds.owner;
    case TPM_RH.ENDORSEMENT:
      return seeds.endorsement;
    case TPM_RH.PLATFORM:
      return seeds.platform;
    default:
      return ctx.read('stateReset').nullSeed;
  }
}

/** Removes loaded (and, when asked, persistent) objects of a hierarchy. */
export function flushObjectsOf(ctx: CommandContext, hierarchy: number, persistentToo: boolean): void {
  const objects = ctx.read('volatile').objects;
  const loaded = Object.keys(objects).filter((h) => isObjectRecord(objects[Number(h)]) && (objects[Number(h)] as ObjectRecord).hierarchy === hierarchy);
  if (loaded.length) {
    const w = ctx.write('volatile').objects;
    for (const h of loaded) delete w[Number(h)];
  }
  if (!persistentToo) return;
  const persistent = ctx.read('persistent').objects ?? {};
  const evict = Object.keys(persistent).filter((h) => persistent[Number(h)].hierarchy === hierarchy);
  if (evict.length) {
    const w = ctx.write('persistent').objects!;
    for (const h of evict) delete w[Number(h)];
  }
}

/** The 4-octet big-endian form of a handle. */
export const handleBytes = (handle: number): Uint8Array => u32be(handle);

// ---------------------------------------------------------------------------------------------
// The private area under a storage parent (Part 1 "Protected Storage": outer wrap with an IV)

/** The outer wrap a storage parent gives its children (Part 1 "Protected Storage"). */
function storageWrap(parent: ObjectRecord, name: Uint8Array): OuterWrap {
  return { nameAlg: parent.public.nameAlg, symmetric: parentSymmetric(parent), seed: parent.sensitive!.seedValue, name };
}

/** The sensitive area with its authValue padded to the nameAlg digest, as the reference marshals it. */
function paddedSensitive(ctx: CommandContext, sensitive: TPMT_SENSITIVE, nameAlg: number): TPMT_SENSITIVE {
  const size = ctx.crypto.hash(nameAlg)?.digestSize ?? 0;
  if (sensitive.authValue.length >= size) return sensitive;
  const authValue = new Uint8Array(size);
  authValue.set(sensitive.authValue);
  return { ...sensitive, authValue };
}

/** TPM2B_PRIVATE of an object under a storage parent: TPM2B(outerHMAC) ‖ TPM2B(iv) ‖ CFB(TPM2B(sensitive)). */
export function wrapPrivate(ctx: CommandContext, parent: ObjectRecord, name: Uint8Array, sensitive: TPMT_SENSITIVE, nameAlg: number): Uint8Array {
  const iv = ctx.rng.bytes(ctx.crypto.symmetricBlockSize(parentSymmetric(parent).algorithm) ?? 16);
  return sensitiveToPrivate(storageWrap(parent, name), paddedSensitive(ctx, sensitive, nameAlg), iv);
}

/**
 * The sensitive area of a TPM2B_PRIVATE made by wrapPrivate (the reference's
 * PrivateToSensitive): TPM_RC_INTEGRITY when the HMAC fails, TPM_RC_VALUE for a bad IV size,
 * TPM_RC_SENSITIVE when the decrypted area does not unmarshal. Errors are on `field`.
 */
export function unwrapPrivate(ctx: CommandContext, parent: ObjectRecord, name: Uint8Array, blob: Uint8Array, field: string): TPMT_SENSITIVE {
  const sensitive = guard(() => privateToSensitive(storageWrap(parent, name), blob, true, ctx.codec), field);
  // Stored with its padding; comparisons trim trailing zeros.
  return { ...sensitive, authValue: trimZeros(sensitive.authValue) };
}

function trimZeros(v: Uint8Array): Uint8Array {
  let n = v.length;
  while (n > 0 && v[n - 1] === 0) n--;
  return v.subarray(0, n);
}
