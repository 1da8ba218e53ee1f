/**
 * Protection of sensitive areas outside the TPM (TPM 2.0 Part 1 "Protected Storage":
 * "Symmetric Encryption", "Integrity"; "Duplication": outer and inner wrappers). Shared by the
 * emulator (TPM2_Create/Load, TPM2_Duplicate/Import, TPM2_MakeCredential/ActivateCredential)
 * and host-side helpers that build duplication blobs.
 *
 * Outer wrapper, keyed by a protector (the parent, the new parent, the EK):
 *   symKey  = KDFa(nameAlg_p, seed, "STORAGE", Name, "", symmetric.keyBits)
 *   hmacKey = KDFa(nameAlg_p, seed, "INTEGRITY", "", "", digest bits of nameAlg_p)
 *   enc     = CFB(symmetric.algorithm, symKey, iv, data)             (iv all zeros, or given)
 *   blob    = TPM2B(HMAC_nameAlg_p(hmacKey, [TPM2B(iv) ‖] enc ‖ Name)) ‖ [TPM2B(iv) ‖] enc
 * The TPM's own TPM2B_PRIVATE may carry a random IV (the TCG reference stores one for
 * Create/Load blobs; they are read only by the same TPM); duplication blobs and credentials
 * never do. data is TPM2B(marshalled TPMT_SENSITIVE) for objects, TPM2B(credential) for
 * credentials.
 *
 * Inner wrapper (duplication with a symmetric algorithm, required by encryptedDuplication):
 *   innerIntegrity = H_nameAlg(TPM2B(sensitive) ‖ Name)        (nameAlg of the object)
 *   inner          = CFB(alg, encryptionKey, 0, TPM2B(innerIntegrity) ‖ TPM2B(sensitive))
 *
 * Unwrapping checks in the reference's order (Object_spt.c UnwrapOuter / DuplicateToSensitive):
 * outer integrity octets (TPM_RC_INSUFFICIENT, TPM_RC_SIZE above 64 octets) → HMAC
 * (TPM_RC_INTEGRITY) → IV (TPM_RC_INSUFFICIENT, TPM_RC_SIZE above 16, TPM_RC_VALUE when not one
 * block) → decrypt → inner integrity (TPM_RC_INTEGRITY) → the TPM2B size of the sensitive area
 * (TPM_RC_SENSITIVE for TPM2_Load, TPM_RC_SIZE for TPM2_Import) → TPMT_SENSITIVE unmarshalling
 * (TPM_RC_SENSITIVE for Load; the codec's code, or TPM_RC_SIZE for trailing octets, for Import).
 */
import { bytesEqual, concatBytes, u16be } from '../crypto/bytes.js';
import { hmac } from '../crypto/hmac.js';
import { kdfa } from '../crypto/kdf.js';
import { cfbDecrypt, cfbEncrypt, createBlockCipher, type BlockCipher } from '../crypto/symmetric.js';
import { TPM_ALG, TPM_RC } from '../gen/constants.js';
import type { TPMT_SENSITIVE, TPMT_SYM_DEF_OBJECT } from '../gen/types.js';
import type { Codec } from '../wire/codec.js';
import { Reader } from '../wire/reader.js';
import { guard, ProtocolError } from './errors.js';
import { hashOf, protocolCodec } from './keys.js';

const EMPTY = new Uint8Array(0);
/** sizeof(TPMU_HA): the largest TPM2B_DIGEST (Part 2 "TPMU_HA"). */
const MAX_DIGEST = 64;
/** MAX_SYM_BLOCK_SIZE: the largest TPM2B_IV. */
const MAX_IV = 16;

/** The key that protects a blob and the Name the blob is bound to. */
export interface OuterWrap {
  /** nameAlg of the protecting key (for a primary/temporary object: the hierarchy's choice). */
  nameAlg: number;
  /** The protecting key's symmetric definition (algorithm and keyBits; always used in CFB). */
  symmetric: TPMT_SYM_DEF_OBJECT;
  /** The protecting key's seedValue, or a seed from secret sharing (duplication, credentials). */
  seed: Uint8Array;
  /** Name of the protected object (for a credential: the Name of the object to activate). */
  name: Uint8Array;
}

/** An inner wrapper: the symmetric algorithm of TPM2_Duplicate/Import and its encryptionKey. */
export interface InnerWrap {
  symmetric: TPMT_SYM_DEF_OBJECT;
  key: Uint8Array;
}

/** TPM2B: UINT16 size ‖ octets. */
export function tpm2b(b: Uint8Array): Uint8Array {
  return concatBytes(u16be(b.length), b);
}

/** Key length in octets of a symmetric definition; TPM_RC_SYMMETRIC for TPM_ALG_NULL. */
function symKeyBytes(sym: TPMT_SYM_DEF_OBJECT): number {
  if (sym.algorithm === TPM_ALG.NULL || typeof sym.keyBits !== 'number') {
    throw new ProtocolError(TPM_RC.SYMMETRIC, 'no symmetric algorithm to protect with');
  }
  return (sym.keyBits + 7) >>> 3;
}

function cipherOf(sym: TPMT_SYM_DEF_OBJECT, key: Uint8Array): BlockCipher {
  return guard(() => createBlockCipher(sym.algorithm, key));
}

/** The symmetric and HMAC keys of an outer wrapper (Part 1 "Symmetric Encryption", "Integrity"). */
export function protectionKeys(w: OuterWrap): { symKey: Uint8Array; hmacKey: Uint8Array } {
  const hash = hashOf(w.nameAlg);
  return {
    symKey: kdfa(hash, w.seed, 'STORAGE', w.name, EMPTY, symKeyBytes(w.symmetric) * 8),
    hmacKey: kdfa(hash, w.seed, 'INTEGRITY', EMPTY, EMPTY, hash.digestSize * 8),
  };
}

function outerHmac(w: OuterWrap, hmacKey: Uint8Array, body: Uint8Array): Uint8Array {
  return hmac(hashOf(w.nameAlg), hmacKey, body, w.name);
}

/** Outer wrapper around `data` (no IV unless one is given; it must be one block). */
export function wrapOuter(w: OuterWrap, data: Uint8Array, iv?: Uint8Array): Uint8Array {
  const { symKey, hmacKey } = protectionKeys(w);
  const cipher = cipherOf(w.symmetric, symKey);
  if (iv !== undefined && iv.length !== cipher.blockSize) throw new ProtocolError(TPM_RC.VALUE, 'IV must be one block');
  const enc = cfbEncrypt(cipher, iv, data);
  const body = iv === undefined ? enc : concatBytes(tpm2b(iv), enc);
  return concatBytes(tpm2b(outerHmac(w, hmacKey, body)), body);
}

/** Checks and removes an outer wrapper; returns the decrypted data. */
export function unwrapOuter(w: OuterWrap, blob: Uint8Array, withIv = false): Uint8Array {
  return guard(() => {
    const r = new Reader(blob);
    const n = r.u16();
    if (n > MAX_DIGEST) throw new ProtocolError(TPM_RC.SIZE, 'integrity value too large');
    const integrity = r.take(n);
    const body = blob.subarray(2 + n);
    const { symKey, hmacKey } = protectionKeys(w);
    if (!bytesEqual(integrity, outerHmac(w, hmacKey, body))) throw new ProtocolError(TPM_RC.INTEGRITY, 'outer integrity check failed');
    const cipher = cipherOf(w.symmetric, symKey);
    let iv: Uint8Array | undefined;
    if (withIv) {
      const ivSize = r.u16();
      if (ivSize > MAX_IV) throw new ProtocolError(TPM_RC.SIZE, 'IV too large');
      iv = r.take(ivSize);
      if (iv.length !== cipher.blockSize) throw new ProtocolError(TPM_RC.VALUE, 'IV is not one block');
    }
    return cfbDecrypt(cipher, iv, blob.subarray(blob.length - r.remaining));
  });
}

/** Contents of a TPM2B that must fill `data` exactly; a size mismatch is `rc`. */
function sizedContents(data: Uint8Array, rc: number): Uint8Array {
  const r = new Reader(data);
  const n = r.u16();
  if (n + 2 !== data.length) throw new ProtocolError(rc, 'size field does not match the data');
  return data.subarray(2);
}

/** Marshalled TPMT_SENSITIVE (without the TPM2B size). */
export function marshalSensitive(sensitive: TPMT_SENSITIVE): Uint8Array {
  return protocolCodec().encode('TPMT_SENSITIVE', sensitive);
}

/** Unmarshals a whole TPMT_SENSITIVE (strictly; trailing octets are TPM_RC_SIZE). */
export function unmarshalSensitive(bytes: Uint8Array, codec: Codec = protocolCodec()): TPMT_SENSITIVE {
  return guard(() => codec.decode<TPMT_SENSITIVE>('TPMT_SENSITIVE', bytes));
}

// ---------------------------------------------------------------------------------------------
// TPM2B_PRIVATE of TPM2_Create / TPM2_Load (Part 1 "Protected Storage")

/**
 * TPM2B_PRIVATE buffer protecting a marshalled TPMT_SENSITIVE under the parent:
 * outer wrapper around TPM2B(sensitive), with the optional random IV.
 */
export function wrapSensitive(w: OuterWrap, sensitive: Uint8Array, iv?: Uint8Array): Uint8Array {
  return wrapOuter(w, tpm2b(sensitive), iv);
}

/** Marshalled TPMT_SENSITIVE from a TPM2B_PRIVATE buffer (errors as TPM2_Load reports them). */
export function unwrapSensitive(w: OuterWrap, priv: Uint8Array, withIv = false): Uint8Array {
  const plain = unwrapOuter(w, priv, withIv);
  return guard(() => sizedContents(plain, TPM_RC.SENSITIVE));
}

/** wrapSensitive of a TPMT_SENSITIVE value. */
export function sensitiveToPrivate(w: OuterWrap, sensitive: TPMT_SENSITIVE, iv?: Uint8Array): Uint8Array {
  return wrapSensitive(w, marshalSensitive(sensitive), iv);
}

/** unwrapSensitive, unmarshalled; any unmarshalling failure is TPM_RC_SENSITIVE (TPM2_Load). */
export function privateToSensitive(w: OuterWrap, priv: Uint8Array, withIv = false, codec?: Codec): TPMT_SENSITIVE {
  const bytes = unwrapSensitive(w, priv, withIv);
  try {
    return unmarshalSensitive(bytes, codec);
  } catch (e) {
    if (e instanceof ProtocolError) throw new ProtocolError(TPM_RC.SENSITIVE, e.message);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Duplication blobs (Part 1 "Duplication"; Part 3 "TPM2_Duplicate", "TPM2_Import")

/** How a duplication blob is (to be) protected. */
export interface DuplicationWrap {
  /** Name of the duplicated object. */
  name: Uint8Array;
  /** nameAlg of the duplicated object (hash of the inner integrity). */
  nameAlg: number;
  /** Inner wrapper; absent when the symmetric algorithm is TPM_ALG_NULL. */
  inner?: InnerWrap;
  /** Outer wrapper by the new parent and the shared seed; absent when the seed is empty. */
  outer?: Omit<OuterWrap, 'name'>;
}

function innerKey(inner: InnerWrap): BlockCipher {
  if (inner.key.length !== symKeyBytes(inner.symmetric)) {
    throw new ProtocolError(TPM_RC.SIZE, 'encryptionKey does not match the symmetric algorithm', 'encryptionKey');
  }
  return cipherOf(inner.symmetric, inner.key);
}

/** Inner wrapper around `data` (TPM2B(sensitive)): CFB(TPM2B(H(data ‖ Name)) ‖ data), IV zero. */
export function wrapInner(nameAlg: number, name: Uint8Array, inner: InnerWrap, data: Uint8Array): Uint8Array {
  const integrity = hashOf(nameAlg).digest(data, name);
  return cfbEncrypt(innerKey(inner), undefined, concatBytes(tpm2b(integrity), data));
}

/** Decrypts an inner wrapper and checks its integrity; returns the data (TPM2B(sensitive)). */
export function unwrapInner(nameAlg: number, name: Uint8Array, inner: InnerWrap, blob: Uint8Array): Uint8Array {
  const plain = cfbDecrypt(innerKey(inner), undefined, blob);
  return guard(() => {
    const r = new Reader(plain);
    const n = r.u16();
    if (n > MAX_DIGEST) throw new ProtocolError(TPM_RC.SIZE, 'inner integrity too large');
    const integrity = r.take(n);
    const data = plain.subarray(2 + n);
    if (!bytesEqual(integrity, hashOf(nameAlg).digest(data, name))) {
      throw new ProtocolError(TPM_RC.INTEGRITY, 'inner integrity check failed');
    }
    return data;
  });
}

/** TPM2B_PRIVATE `duplicate` of TPM2_Duplicate for a marshalled TPMT_SENSITIVE. */
export function wrapDuplicate(d: DuplicationWrap, sensitive: Uint8Array): Uint8Array {
  let data = tpm2b(sensitive);
  if (d.inner !== undefined) data = wrapInner(d.nameAlg, d.name, d.inner, data);
  if (d.outer !== undefined) data = wrapOuter({ ...d.outer, name: d.name }, data);
  return data;
}

/**
 * Marshalled TPMT_SENSITIVE from a duplication blob (TPM2_Import). Errors carry field
 * 'duplicate' (or 'encryptionKey' for a key of the wrong size).
 */
export function unwrapDuplicate(d: DuplicationWrap, dup: Uint8Array): Uint8Array {
  return guard(() => {
    let data = dup;
    if (d.outer !== undefined) data = unwrapOuter({ ...d.outer, name: d.name }, data);
    if (d.inner !== undefined) data = unwrapInner(d.nameAlg, d.name, d.inner, data);
    return sizedContents(data, TPM_RC.SIZE);
  }, 'duplicate');
}

/** unwrapDuplicate, unmarshalled (codec errors keep their code; trailing octets are TPM_RC_SIZE). */
export function duplicateToSensitive(d: DuplicationWrap, dup: Uint8Array, codec?: Codec): TPMT_SENSITIVE {
  const bytes = unwrapDuplicate(d, dup);
  return guard(() => unmarshalSensitive(bytes, codec), 'duplicate');
}
