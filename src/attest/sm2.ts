/**
 * SM2 signatures for verifiers (GB/T 32918.2-2016 "SM2 digital signature algorithm"; TPM 2.0
 * Part 1 "SM2"). Two forms exist and must not be confused:
 *
 * - TPM style: the TPM signs the digest it is given, and for TPMS_ATTEST the digest is
 *   H(attest) with no Z_A (verifySm2Digest; verifyAttestSignature uses this).
 * - Message style (GB/T 32918.2, GM/T 0009): e = SM3(Z_A ‖ M), Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖
 *   x_G ‖ y_G ‖ x_A ‖ y_A), default ID "1234567812345678" (verifySm2Message; what sm-crypto's
 *   doSignature(msg, key, { hash: true }) and GmSSL make).
 *
 * Keys: a TPMT_PUBLIC on TPM_ECC_SM2_P256 (or TPM2B_PUBLIC octets), a point { x, y }, or the
 * uncompressed point 04 ‖ x ‖ y (64 octets without the 04). Signatures: TPMT_SIGNATURE (SM2),
 * TPMS_SIGNATURE_ECC, { r, s }, raw r ‖ s (64 octets) or DER SEQUENCE { INTEGER r, INTEGER s }.
 */
import { utf8 } from '../crypto/bytes.js';
import { CURVE_SM2_P256, eccPointIsValid } from '../crypto/ecc.js';
import { SM3_256 } from '../crypto/hash.js';
import { sm2Digest, sm2VerifyDigest, sm2Za as zaOf, SM2_DEFAULT_ID } from '../crypto/sm2.js';
import { TPM_ALG, TPM_ECC } from '../gen/constants.js';
import type { TPMS_ECC_PARMS, TPMS_ECC_POINT, TPMS_SIGNATURE_ECC, TPMT_PUBLIC, TPMT_SIGNATURE } from '../gen/types.js';
import { publicOf } from './quote.js';

/** An SM2 public key: TPMT_PUBLIC / TPM2B_PUBLIC (or their octets, 2 octets longer than 65 at least), a point, or 04 ‖ x ‖ y. */
export type Sm2PublicKey = TPMT_PUBLIC | { publicArea: TPMT_PUBLIC } | { x: Uint8Array; y: Uint8Array } | Uint8Array;

/** An SM2 signature in any of the usual forms. */
export type Sm2Signature = TPMT_SIGNATURE | TPMS_SIGNATURE_ECC | { r: Uint8Array; s: Uint8Array } | Uint8Array;

const SIZE = CURVE_SM2_P256.byteLength;

/** The public point (32-octet coordinates) of an SM2 key; TypeError for anything else. */
export function sm2PublicPoint(key: Sm2PublicKey): { x: Uint8Array; y: Uint8Array } {
  let x: Uint8Array;
  let y: Uint8Array;
  if (key instanceof Uint8Array && (key.length === 2 * SIZE || (key.length === 2 * SIZE + 1 && key[0] === 0x04))) {
    const off = key.length - 2 * SIZE;
    x = key.subarray(off, off + SIZE);
    y = key.subarray(off + SIZE);
  } else if (!(key instanceof Uint8Array) && 'x' in key && 'y' in key && !('type' in key)) {
    ({ x, y } = key);
  } else {
    const { pub } = publicOf(key as TPMT_PUBLIC | Uint8Array);
    if (pub.type !== TPM_ALG.ECC || (pub.parameters as TPMS_ECC_PARMS).curveID !== TPM_ECC.SM2_P256) {
      throw new TypeError('not an ECC key on TPM_ECC_SM2_P256');
    }
    ({ x, y } = pub.unique as TPMS_ECC_POINT);
  }
  const pad = (v: Uint8Array) => {
    let start = 0;
    while (v.length - start > SIZE && v[start] === 0) start++;
    if (v.length - start > SIZE) throw new TypeError('SM2 coordinate longer than 32 octets');
    const out = new Uint8Array(SIZE);
    out.set(v.subarray(start), SIZE - (v.length - start));
    return out;
  };
  return { x: pad(x), y: pad(y) };
}

/** Reads a DER INTEGER at `at`: [value octets without sign padding, next offset]; null when not DER. */
function derInteger(b: Uint8Array, at: number): [Uint8Array, number] | null {
  if (b[at] !== 0x02 || at + 2 > b.length) return null;
  const len = b[at + 1];
  if (len === 0 || len > 0x7f || at + 2 + len > b.length) return null;
  const v = b.subarray(at + 2, at + 2 + len);
  if (v[0] & 0x80) return null; // negative
  if (v.length > 1 && v[0] === 0 && !(v[1] & 0x80)) return null; // not minimal
  return [v[0] === 0 ? v.subarray(1) : v, at + 2 + len];
}

/** r and s of a DER-encoded signature (SEQUENCE { INTEGER r, INTEGER s }), or null. */
function fromDer(b: Uint8Array): { r: Uint8Array; s: Uint8Array } | null {
  if (b.length < 8 || b[0] !== 0x30) return null;
  let at = 2;
  let len = b[1];
  if (len === 0x81) {
    len = b[2];
    at = 3;
    if (len < 0x80) return null;
  } else if (len > 0x7f) {
    return null;
  }
  if (at + len !== b.length) return null;
  const r = derInteger(b, at);
  if (!r) return null;
  const s = derInteger(b, r[1]);
  if (!s || s[1] !== b.length) return null;
  return { r: r[0], s: s[0] };
}

/**
 * r and s of a signature. Octet strings: exactly 64 octets are r ‖ s, anything else must be DER.
 * Returns null for a malformed signature; TypeError for a TPMT_SIGNATURE that is not SM2.
 */
export function sm2SignatureParts(sig: Sm2Signature): { r: Uint8Array; s: Uint8Array } | null {
  if (sig instanceof Uint8Array) return sig.length === 2 * SIZE ? { r: sig.subarray(0, SIZE), s: sig.subarray(SIZE) } : fromDer(sig);
  if ('sigAlg' in sig) {
    if (sig.sigAlg !== TPM_ALG.SM2) throw new TypeError(`not an SM2 signature (sigAlg 0x${sig.sigAlg.toString(16)})`);
    const e = sig.signature as TPMS_SIGNATURE_ECC;
    return { r: e.signatureR, s: e.signatureS };
  }
  if ('signatureR' in sig) return { r: sig.signatureR, s: sig.signatureS };
  if ('r' in sig && 's' in sig) return { r: sig.r, s: sig.s };
  throw new TypeError('expected an SM2 signature');
}

const idOf = (id: string | Uint8Array): Uint8Array => (typeof id === 'string' ? utf8(id) : id);

/** Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2-2016 5.5) on SM2 P-256. */
export function sm2Za(key: Sm2PublicKey, id: string | Uint8Array = SM2_DEFAULT_ID): Uint8Array {
  const { x, y } = sm2PublicPoint(key);
  return zaOf(CURVE_SM2_P256, idOf(id), x, y, SM3_256);
}

/** e = SM3(Z_A ‖ M): the digest a message-style SM2 signature signs. */
export function sm2MessageDigest(key: Sm2PublicKey, message: Uint8Array, id: string | Uint8Array = SM2_DEFAULT_ID): Uint8Array {
  return sm2Digest(SM3_256, sm2Za(key, id), message);
}

/** TPM-style SM2 verification: the signature is over `digest` itself (no Z_A). False when not genuine or malformed. */
export function verifySm2Digest(key: Sm2PublicKey, digest: Uint8Array, signature: Sm2Signature): boolean {
  const { x, y } = sm2PublicPoint(key);
  const rs = sm2SignatureParts(signature);
  if (!rs || !eccPointIsValid(CURVE_SM2_P256, x, y)) return false;
  return sm2VerifyDigest(CURVE_SM2_P256, x, y, digest, rs.r, rs.s);
}

/** Message-style SM2 verification (GB/T 32918.2): the signature is over SM3(Z_A ‖ message), Z_A with `id`. */
export function verifySm2Message(key: Sm2PublicKey, message: Uint8Array, signature: Sm2Signature, id: string | Uint8Array = SM2_DEFAULT_ID): boolean {
  const point = sm2PublicPoint(key);
  if (!eccPointIsValid(CURVE_SM2_P256, point.x, point.y)) return false;
  return verifySm2Digest(point, sm2MessageDigest(point, message, id), signature);
}
