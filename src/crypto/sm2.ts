// SM2 digital signature (GB/T 32918.2-2016 = GM/T 0003.2-2012, "Public key cryptographic
// algorithm SM2 based on elliptic curves — Part 2: Digital signature algorithm") on the
// SM2_P256 curve of ecc.ts, plus the 256-bit test curve of GB/T 32918.2 Annex A for vectors.
//
// TPM 2.0 Part 1 "SM2": the TPM signs the digest e it is given (TPM2_Sign); Z_A is the caller's
// business, so the core API is digest-level (sm2SignDigest / sm2VerifyDigest). sm2Sign/sm2Verify
// are the full GB/T 32918.2 procedure with Z_A for callers outside the TPM.
import { mod, invert } from '@noble/curves/abstract/modular.js';
import { bytesToBigint, u16be, utf8 } from './bytes.js';
import type { Rng } from './drbg.js';
import {
  CURVE_SM2_P256,
  defineCurve,
  eccGenerateKey,
  eccPointFromBytes,
  eccPublicFromPrivate,
  eccToBytes,
  nonceSource,
  type Curve,
  type EccKeyPair,
  type EccSignature,
  type EcSignOptions,
} from './ecc.js';
import { SM3_256, type HashAlgorithm } from './hash.js';
import { CryptoError, type CryptoErrorReason } from './errors.js';

const fail = (reason: CryptoErrorReason, message: string): CryptoError => new CryptoError(reason, message);

/** Default distinguishing identifier "1234567812345678" (GB/T 35276-2017 "SM2 usage"). */
export const SM2_DEFAULT_ID: Uint8Array = /* @__PURE__ */ utf8('1234567812345678');

/** The 256-bit prime-field test curve of GB/T 32918.2-2016 Annex A (not a TPM curve: id 0). */
export const SM2_TEST_CURVE: Curve = /* @__PURE__ */ defineCurve({
  id: 0,
  name: 'SM2_TEST_256',
  p: 0x8542d69e4c044f18e8b92435bf6ff7de457283915c45517d722edb8b08f1dfc3n,
  a: 0x787968b4fa32c3fd2417842e73bbfeff2f3c848b6831d7e0ec65228b3937e498n,
  b: 0x63e4c6d3b23b0c849cf84241484bfe48f61d59a5b16ba06e6e12d1da27c5249an,
  n: 0x8542d69e4c044f18e8b92435bf6ff7dd297720630485628d5ae74ee7c32e79b7n,
  gx: 0x421debd61b62eab6746434ebc3cc315e32220b3badd50bdc4c4e6c147fedd43dn,
  gy: 0x0680512bcbb42c07d47349d2153b70c4e5d7fdfcbfa36ea1a85841b9e46e09a2n,
});

/**
 * Z_A = H(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2-2016 5.5), ENTL_A the
 * 16-bit big-endian bit length of ID_A; curve elements as byteLength-octet strings.
 */
export function sm2Za(
  curve: Curve,
  id: Uint8Array = SM2_DEFAULT_ID,
  x: Uint8Array,
  y: Uint8Array,
  hash: HashAlgorithm = SM3_256,
): Uint8Array {
  if (id.length >= 8192) throw fail('size', 'SM2 ID longer than 65535 bits');
  const P = eccPointFromBytes(curve, x, y).toAffine();
  const f = (v: bigint) => eccToBytes(curve, v);
  return hash.digest(u16be(id.length * 8), id, f(curve.a), f(curve.b), f(curve.gx), f(curve.gy), f(P.x), f(P.y));
}

/** e = H(Z_A ‖ M) (GB/T 32918.2-2016 6.1 steps A1-A2). */
export function sm2Digest(hash: HashAlgorithm, za: Uint8Array, msg: Uint8Array): Uint8Array {
  return hash.digest(za, msg);
}

function checkSm2Private(curve: Curve, d: bigint): void {
  // 1 + d must be invertible mod n: d in [1, n-2] (GB/T 32918.1 6.1 key pair generation).
  if (d < 1n || d > curve.n - 2n) throw fail('key', 'SM2 private key out of range [1, n-2]');
}

/**
 * SM2 signature of the digest e (GB/T 32918.2-2016 6.1 steps A3-A7; e is used as an integer,
 * no truncation). `k` is an explicit nonce or signing options; without one the nonce is derived
 * RFC 6979-style from d and e (HMAC-SM3 by default), retried when r = 0, r + k = n or s = 0.
 */
export function sm2SignDigest(
  curve: Curve,
  d: bigint,
  e: Uint8Array,
  k?: bigint | EcSignOptions,
): EccSignature {
  checkSm2Private(curve, d);
  const opts = typeof k === 'bigint' ? { k } : k;
  const { n } = curve;
  const ei = bytesToBigint(e);
  const dInv = invert(1n + d, n); // (1 + d_A)^-1
  const nextK = nonceSource(curve, d, e, opts, SM3_256);
  for (;;) {
    const kk = nextK();
    const x1 = curve.Point.BASE.multiply(kk).toAffine().x; // A4: (x1, y1) = [k]G
    const r = mod(ei + x1, n); // A5
    if (r === 0n || r + kk === n) continue;
    const s = mod(dInv * (kk - r * d), n); // A6
    if (s === 0n) continue;
    return { r: eccToBytes(curve, r), s: eccToBytes(curve, s) };
  }
}

/** SM2 verification of digest e against public point (x, y) (GB/T 32918.2-2016 7.1 B1-B7). */
export function sm2VerifyDigest(
  curve: Curve,
  x: Uint8Array,
  y: Uint8Array,
  e: Uint8Array,
  r: Uint8Array,
  s: Uint8Array,
): boolean {
  const { n } = curve;
  const ri = bytesToBigint(r);
  const si = bytesToBigint(s);
  if (ri < 1n || ri >= n || si < 1n || si >= n) return false; // B1, B2
  let Q;
  try {
    Q = eccPointFromBytes(curve, x, y);
  } catch {
    return false;
  }
  const t = mod(ri + si, n); // B5
  if (t === 0n) return false;
  const P = curve.Point.BASE.mulAddUnsafe(si, Q, t); // B6: (x1', y1') = [s']G + [t]P_A
  if (P.is0()) return false;
  return mod(bytesToBigint(e) + P.toAffine().x, n) === ri; // B7
}

export interface Sm2Options {
  /** Distinguishing identifier ID_A (default SM2_DEFAULT_ID). */
  id?: Uint8Array;
  /** Hash for Z_A and e (default SM3). */
  hash?: HashAlgorithm;
  /** Curve (default SM2_P256). */
  curve?: Curve;
}

export interface Sm2SignOptions extends Sm2Options, EcSignOptions {
  /** Signer's public key, to skip recomputing [d]G for Z_A. */
  publicKey?: { x: Uint8Array; y: Uint8Array };
}

/** Full GB/T 32918.2 signature of message msg: e = H(Z_A ‖ M), then sm2SignDigest. */
export function sm2Sign(msg: Uint8Array, d: bigint, opts: Sm2SignOptions = {}): EccSignature {
  const curve = opts.curve ?? CURVE_SM2_P256;
  const hash = opts.hash ?? SM3_256;
  checkSm2Private(curve, d);
  const pub = opts.publicKey ?? eccPublicFromPrivate(curve, d);
  const e = sm2Digest(hash, sm2Za(curve, opts.id, pub.x, pub.y, hash), msg);
  return sm2SignDigest(curve, d, e, { k: opts.k, nonceHash: opts.nonceHash ?? hash, extraEntropy: opts.extraEntropy });
}

/** Full GB/T 32918.2 verification of message msg (Z_A computed from (x, y) and the ID). */
export function sm2Verify(
  msg: Uint8Array,
  x: Uint8Array,
  y: Uint8Array,
  r: Uint8Array,
  s: Uint8Array,
  opts: Sm2Options = {},
): boolean {
  const curve = opts.curve ?? CURVE_SM2_P256;
  const hash = opts.hash ?? SM3_256;
  let za: Uint8Array;
  try {
    za = sm2Za(curve, opts.id, x, y, hash);
  } catch {
    return false;
  }
  return sm2VerifyDigest(curve, x, y, sm2Digest(hash, za, msg), r, s);
}

/** New SM2 key pair on SM2_P256 (or the given curve): d uniform in [1, n-2]. */
export function sm2GenerateKey(rng: Rng, curve: Curve = CURVE_SM2_P256): EccKeyPair {
  for (;;) {
    const kp = eccGenerateKey(curve, rng);
    if (kp.d <= curve.n - 2n) return kp; // eccGenerateKey already excludes n-1 on SM2_P256
  }
}
