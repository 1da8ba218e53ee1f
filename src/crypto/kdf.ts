// Key derivation functions of TPM 2.0 Part 1 "Key Derivation Function" (KDFa, KDFe) and
// the mask generation / KDF schemes named by TPM_ALG_MGF1, TPM_ALG_KDF1_SP800_108,
// TPM_ALG_KDF1_SP800_56A and TPM_ALG_KDF2.
import { utf8 } from './bytes.js';
import type { HashAlgorithm } from './hash.js';
import { createHmac } from './hmac.js';
import { blockRng, type Rng } from './drbg.js';

export type KdfLabel = string | Uint8Array;

/**
 * The label as hashed by KDFa/KDFe: the label octets followed by a terminating 0x00 unless the
 * label already ends in one (Part 1 "KDFa": "if Label is not present, a 0x00 is used";
 * a label that already carries its NUL terminator is not given a second one).
 */
function labelWithNul(label: KdfLabel | undefined): Uint8Array {
  const l = label === undefined ? new Uint8Array(0) : typeof label === 'string' ? utf8(label) : label;
  if (l.length > 0 && l[l.length - 1] === 0) return l;
  const out = new Uint8Array(l.length + 1);
  out.set(l);
  return out;
}

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) throw new RangeError('KDF: invalid bit count ' + bits);
}

/** Truncate the concatenated blocks to ceil(bits/8) octets and clear the unused high bits of octet 0. */
function truncateToBits(stream: Uint8Array, bits: number): Uint8Array {
  const out = stream.length === (bits + 7) >>> 3 ? stream : stream.slice(0, (bits + 7) >>> 3);
  if (bits % 8 !== 0) out[0] &= (1 << bits % 8) - 1;
  return out;
}

function u32beInto(out: Uint8Array, off: number, n: number): void {
  out[off] = n >>> 24;
  out[off + 1] = (n >>> 16) & 0xff;
  out[off + 2] = (n >>> 8) & 0xff;
  out[off + 3] = n & 0xff;
}

/**
 * KDFa (TPM 2.0 Part 1 "KDFa()"): SP 800-108 KDF in counter mode with HMAC as PRF,
 *   K(i) = HMAC_hash(key, [i]32 ‖ label ‖ 0x00 ‖ contextU ‖ contextV ‖ [bits]32), i = 1, 2, …
 * returning the leading `bits` bits (as ceil(bits/8) octets, the excess high bits of octet 0 zero).
 */
export function kdfa(
  hash: HashAlgorithm,
  key: Uint8Array,
  label: KdfLabel,
  contextU: Uint8Array,
  contextV: Uint8Array,
  bits: number,
): Uint8Array {
  checkBits(bits);
  const nBytes = (bits + 7) >>> 3;
  const l = labelWithNul(label);
  const cu = contextU ?? new Uint8Array(0);
  const cv = contextV ?? new Uint8Array(0);
  // Fixed input data after the counter: label ‖ 00 ‖ contextU ‖ contextV ‖ [bits]32
  const fixed = new Uint8Array(l.length + cu.length + cv.length + 4);
  fixed.set(l, 0);
  fixed.set(cu, l.length);
  fixed.set(cv, l.length + cu.length);
  u32beInto(fixed, fixed.length - 4, bits);
  const keyed = createHmac(hash, key);
  const counter = new Uint8Array(4);
  const blocks = Math.ceil(nBytes / hash.digestSize);
  const stream = new Uint8Array(blocks * hash.digestSize);
  for (let i = 1; i <= blocks; i++) {
    u32beInto(counter, 0, i);
    const k = (i === blocks ? keyed : keyed.clone()).update(counter).update(fixed).digest();
    stream.set(k, (i - 1) * hash.digestSize);
  }
  return truncateToBits(stream, bits);
}

/**
 * KDFe (TPM 2.0 Part 1 "KDFe()"): SP 800-56A concatenation KDF,
 *   K(i) = hash([i]32 ‖ Z ‖ label ‖ 0x00 ‖ partyUInfo ‖ partyVInfo), i = 1, 2, …
 * truncated to `bits` like KDFa. Z is the x-coordinate of the shared point.
 */
export function kdfe(
  hash: HashAlgorithm,
  z: Uint8Array,
  label: KdfLabel,
  partyU: Uint8Array,
  partyV: Uint8Array,
  bits: number,
): Uint8Array {
  checkBits(bits);
  const nBytes = (bits + 7) >>> 3;
  const l = labelWithNul(label);
  const blocks = Math.ceil(nBytes / hash.digestSize);
  const stream = new Uint8Array(blocks * hash.digestSize);
  const counter = new Uint8Array(4);
  for (let i = 1; i <= blocks; i++) {
    u32beInto(counter, 0, i);
    stream.set(hash.digest(counter, z, l, partyU ?? new Uint8Array(0), partyV ?? new Uint8Array(0)), (i - 1) * hash.digestSize);
  }
  return truncateToBits(stream, bits);
}

/** TPM_ALG_KDF1_SP800_108 is KDFa. */
export const kdf1Sp800_108 = kdfa;

/** TPM_ALG_KDF1_SP800_56A is KDFe. */
export const kdf1Sp800_56a = kdfe;

/**
 * MGF1 (PKCS #1 v2.2 / RFC 8017 B.2.1 "MGF1"; TPM_ALG_MGF1):
 *   T = hash(seed ‖ [0]32) ‖ hash(seed ‖ [1]32) ‖ …, first `len` octets.
 */
export function mgf1(hash: HashAlgorithm, seed: Uint8Array, len: number): Uint8Array {
  if (!Number.isInteger(len) || len < 0) throw new RangeError('mgf1: invalid length ' + len);
  const blocks = Math.ceil(len / hash.digestSize);
  const out = new Uint8Array(blocks * hash.digestSize);
  const counter = new Uint8Array(4);
  for (let i = 0; i < blocks; i++) {
    u32beInto(counter, 0, i);
    out.set(hash.digest(seed, counter), i * hash.digestSize);
  }
  return out.length === len ? out : out.slice(0, len);
}

/**
 * KDF2 (IEEE Std 1363a-2004 "KDF2", = ANSI X9.63 KDF; TPM_ALG_KDF2):
 *   hash(Z ‖ [1]32 ‖ otherInfo) ‖ hash(Z ‖ [2]32 ‖ otherInfo) ‖ …, first `len` octets.
 */
export function kdf2(hash: HashAlgorithm, z: Uint8Array, otherInfo: Uint8Array, len: number): Uint8Array {
  if (!Number.isInteger(len) || len < 0) throw new RangeError('kdf2: invalid length ' + len);
  const blocks = Math.ceil(len / hash.digestSize);
  const out = new Uint8Array(blocks * hash.digestSize);
  const counter = new Uint8Array(4);
  for (let i = 1; i <= blocks; i++) {
    u32beInto(counter, 0, i);
    out.set(hash.digest(z, counter, otherInfo), (i - 1) * hash.digestSize);
  }
  return out.length === len ? out : out.slice(0, len);
}

/**
 * An unbounded KDFa stream as a generator (the reference's KDF-based DRBG for seeded key
 * derivation): block i is HMAC(key, [i]32 ‖ label ‖ 0x00 ‖ contextU ‖ contextV ‖ [0]32), read
 * out in order. The same inputs always give the same octets.
 */
export function kdfaStream(hash: HashAlgorithm, key: Uint8Array, label: KdfLabel, contextU: Uint8Array, contextV: Uint8Array): Rng {
  const l = labelWithNul(label);
  const fixed = new Uint8Array(l.length + contextU.length + contextV.length + 4);
  fixed.set(l, 0);
  fixed.set(contextU, l.length);
  fixed.set(contextV, l.length + contextU.length);
  const keyed = createHmac(hash, key);
  const counter = new Uint8Array(4);
  let i = 0;
  return blockRng(() => {
    u32beInto(counter, 0, ++i);
    return keyed.clone().update(counter).update(fixed).digest();
  });
}
