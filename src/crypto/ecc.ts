// Elliptic-curve primitives for the TPM: the curves of TPM 2.0 Part 2 "TPM_ECC_CURVE" that this
// emulator implements, key generation / derivation, point validation, ECDH (the Z point of
// TPM2_ECDH_ZGen, TPM2_ECDH_KeyGen and the KDFe salts), ECDSA and the TPM's EC Schnorr variant.
//
// Point arithmetic comes from @noble/curves (NIST curves as shipped; SM2_P256 built here with
// noble's `weierstrass` and the GM/T 0003.5 constants). The signature schemes are written out
// here because the TPM signs a caller-supplied digest (TPM 2.0 Part 3 "TPM2_Sign"), with its
// own truncation rules, and EC Schnorr is TPM-specific.
import { weierstrass, type WeierstrassPoint, type WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import { invert, mod } from '@noble/curves/abstract/modular.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { bigintToBytes, bytesToBigint, concatBytes } from './bytes.js';
import type { Rng } from './drbg.js';
import { SHA1, SHA256, SHA384, SHA512, type HashAlgorithm } from './hash.js';
import { hmac } from './hmac.js';
import { CryptoError, type CryptoErrorReason } from './errors.js';
import { TPM_ECC } from '../gen/constants.js';

const fail = (reason: CryptoErrorReason, message: string): CryptoError => new CryptoError(reason, message);

/** TPM_ECC_CURVE values (TPM 2.0 Part 2 "TPM_ECC_CURVE") of the curves implemented here. */
export const ECC_CURVE_NIST_P256 = TPM_ECC.NIST_P256;
export const ECC_CURVE_NIST_P384 = TPM_ECC.NIST_P384;
export const ECC_CURVE_NIST_P521 = TPM_ECC.NIST_P521;
export const ECC_CURVE_SM2_P256 = TPM_ECC.SM2_P256;

export type EcPoint = WeierstrassPoint<bigint>;

/** Short-Weierstrass curve y² = x³ + ax + b over GF(p) with base point G of prime order n. */
export interface Curve {
  /** TPM_ECC_CURVE id (0 for curves outside the TPM registry, e.g. the SM2 test curve). */
  readonly id: number;
  readonly name: string;
  /** Key size in bytes: the length of coordinates, private keys and signature r/s. */
  readonly byteLength: number;
  /** Bit length of the order n. */
  readonly nBits: number;
  readonly p: bigint;
  readonly n: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly gx: bigint;
  readonly gy: bigint;
  readonly h: bigint;
  /** noble point class (projective points; BASE = G). */
  readonly Point: WeierstrassPointCons<bigint>;
}

export interface CurveParams {
  id: number;
  name: string;
  p: bigint;
  n: bigint;
  a: bigint;
  b: bigint;
  gx: bigint;
  gy: bigint;
  h?: bigint;
  /** wNAF window for the precomputed base-point table (noble default 6). */
  baseWindow?: number;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function curveFromPoint(id: number, name: string, Point: WeierstrassPointCons<bigint>): Curve {
  const c = Point.CURVE();
  return Object.freeze({
    id,
    name,
    byteLength: Math.ceil(bitLength(c.p) / 8),
    nBits: bitLength(c.n),
    p: c.p,
    n: c.n,
    a: c.a,
    b: c.b,
    gx: c.Gx,
    gy: c.Gy,
    h: c.h,
    Point,
  });
}

/** Build a curve from explicit domain parameters (used for SM2_P256 and the SM2 test curve). */
export function defineCurve(params: CurveParams): Curve {
  const Point = weierstrass({
    p: params.p,
    n: params.n,
    h: params.h ?? 1n,
    a: params.a,
    b: params.b,
    Gx: params.gx,
    Gy: params.gy,
  });
  if (params.baseWindow !== undefined) Point.BASE.precompute(params.baseWindow);
  return curveFromPoint(params.id, params.name, Point);
}

/** A window-8 table for [k]G, built lazily on the first multiplication (a quarter faster keygen and signing). */
function withBaseTable(Point: WeierstrassPointCons<bigint>): WeierstrassPointCons<bigint> {
  Point.BASE.precompute(8);
  return Point;
}

export const CURVE_NIST_P256: Curve = /* @__PURE__ */ curveFromPoint(ECC_CURVE_NIST_P256, 'NIST_P256', withBaseTable(p256.Point));
export const CURVE_NIST_P384: Curve = /* @__PURE__ */ curveFromPoint(ECC_CURVE_NIST_P384, 'NIST_P384', withBaseTable(p384.Point));
export const CURVE_NIST_P521: Curve = /* @__PURE__ */ curveFromPoint(ECC_CURVE_NIST_P521, 'NIST_P521', withBaseTable(p521.Point));

// SM2 recommended curve sm2p256v1 (GM/T 0003.5-2012 = GB/T 32918.5-2017; TPM_ECC_SM2_P256).
// Base table with window 8: fewer additions per [k]G in keygen and signing.
export const CURVE_SM2_P256: Curve = /* @__PURE__ */ defineCurve({
  id: ECC_CURVE_SM2_P256,
  name: 'SM2_P256',
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
  baseWindow: 8,
});

/** The implemented curves by TPM_ECC_CURVE id. */
export const ECC_CURVES: ReadonlyMap<number, Curve> = /* @__PURE__ */ new Map([
  [ECC_CURVE_NIST_P256, CURVE_NIST_P256],
  [ECC_CURVE_NIST_P384, CURVE_NIST_P384],
  [ECC_CURVE_NIST_P521, CURVE_NIST_P521],
  [ECC_CURVE_SM2_P256, CURVE_SM2_P256],
]);

/** The curve for a TPM_ECC_CURVE id, or undefined when not implemented. */
export function getCurve(id: number): Curve | undefined {
  return ECC_CURVES.get(id);
}

export interface EccKeyPair {
  d: bigint;
  x: Uint8Array;
  y: Uint8Array;
}

export interface EccPointBytes {
  x: Uint8Array;
  y: Uint8Array;
}

export interface EccSignature {
  r: Uint8Array;
  s: Uint8Array;
}

/**
 * Options of the signing functions. Without `k` the nonce is derived deterministically from the
 * private key and the digest (RFC 6979 HMAC_DRBG construction), so a TPM with a seeded DRBG and
 * the same inputs produces the same signature.
 */
export interface EcSignOptions {
  /** Explicit nonce (tests / known-answer vectors); must be in [1, n-1]. */
  k?: bigint;
  /** HMAC hash for the RFC 6979 nonce; default chosen by digest length (SHA-1/256/384/512). */
  nonceHash?: HashAlgorithm;
  /** Extra input k' of RFC 6979 3.6 (e.g. bytes from the TPM's DRBG). */
  extraEntropy?: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Coordinates / scalars as fixed-length big-endian bytes (TPM2B_ECC_PARAMETER, left-padded). */
export function eccToBytes(curve: Curve, v: bigint): Uint8Array {
  return bigintToBytes(v, curve.byteLength);
}

function pointFromBytes(curve: Curve, x: Uint8Array, y: Uint8Array): EcPoint | undefined {
  const xi = bytesToBigint(x);
  const yi = bytesToBigint(y);
  if (xi >= curve.p || yi >= curve.p) return undefined;
  if (xi === 0n && yi === 0n) return undefined; // infinity has no affine encoding in the TPM
  let P: EcPoint;
  try {
    P = curve.Point.fromAffine({ x: xi, y: yi });
    P.assertValidity();
  } catch {
    return undefined;
  }
  return P;
}

function pointToBytes(curve: Curve, P: EcPoint): EccPointBytes {
  const { x, y } = P.toAffine();
  return { x: eccToBytes(curve, x), y: eccToBytes(curve, y) };
}

/** Decode and validate a public point; throws CryptoError('point') when invalid. */
export function eccPointFromBytes(curve: Curve, x: Uint8Array, y: Uint8Array): EcPoint {
  const P = pointFromBytes(curve, x, y);
  if (P === undefined) throw fail('point', curve.name + ': point is not on the curve');
  return P;
}

function checkPrivate(curve: Curve, d: bigint): void {
  if (d < 1n || d >= curve.n) throw fail('key', curve.name + ': private key out of range');
}

/** True when 1 <= d < n (TPM 2.0 Part 1 "ECC Key Generation" range of a private scalar). */
export function eccIsValidPrivate(curve: Curve, d: bigint): boolean {
  return d >= 1n && d < curve.n;
}

// ---------------------------------------------------------------------------------------------
// Keys

/**
 * Private scalar from candidate bytes by FIPS 186-4 B.4.1 "Key Pair Generation Using Extra Random
 * Bits" (the TPM reference's method): d = (c mod (n-1)) + 1, with c normally byteLength + 8
 * bytes. Deterministic: primary-key derivation passes KDFa output here. On SM2_P256 the SM2
 * signature needs d <= n-2 (1+d invertible); the only other value, d = n-1, is rejected with
 * CryptoError('key') (probability 2^-256).
 */
export function eccDerivePrivate(curve: Curve, candidate: Uint8Array): bigint {
  const c = bytesToBigint(candidate);
  const d = (c % (curve.n - 1n)) + 1n;
  if (curve.id === ECC_CURVE_SM2_P256 && d === curve.n - 1n) {
    throw fail('key', 'SM2 private key must be at most n-2');
  }
  return d;
}

/** Public point [d]G as fixed-length coordinates. */
export function eccPublicFromPrivate(curve: Curve, d: bigint): EccPointBytes {
  checkPrivate(curve, d);
  return pointToBytes(curve, curve.Point.BASE.multiply(d));
}

/**
 * New key pair from the rng: d uniform in [1, n-1] (in [1, n-2] on SM2_P256), drawn as
 * byteLength + 8 random bytes reduced per FIPS 186-4 B.4.1.
 */
export function eccGenerateKey(curve: Curve, rng: Rng): EccKeyPair {
  for (;;) {
    const cand = rng.bytes(curve.byteLength + 8);
    let d: bigint;
    try {
      d = eccDerivePrivate(curve, cand);
    } catch {
      continue; // SM2_P256 d = n-1: draw again (keeps the distribution uniform on [1, n-2])
    }
    const { x, y } = eccPublicFromPrivate(curve, d);
    return { d, x, y };
  }
}

/** Is (x, y) a point of the curve other than the point at infinity? */
export function eccPointIsValid(curve: Curve, x: Uint8Array, y: Uint8Array): boolean {
  return pointFromBytes(curve, x, y) !== undefined;
}

/**
 * ECDH shared point Z = [d]Q (TPM 2.0 Part 1 "ECDH"; SP 800-56A "ECC CDH" with cofactor 1).
 * Throws CryptoError('point') for an invalid Q or when Z is the point at infinity.
 */
export function ecdh(curve: Curve, d: bigint, x: Uint8Array, y: Uint8Array): EccPointBytes {
  checkPrivate(curve, d);
  const Q = eccPointFromBytes(curve, x, y);
  const Z = Q.multiply(d);
  if (Z.is0()) throw fail('point', 'ECDH result is the point at infinity');
  return pointToBytes(curve, Z);
}

// ---------------------------------------------------------------------------------------------
// Deterministic nonces: RFC 6979 section 3.2 (HMAC_DRBG over the private key and the digest).

/** RFC 6979 2.3.2 bits2int: leftmost nBits bits of the bit string as an integer. */
function bits2int(curve: Curve, b: Uint8Array): bigint {
  const x = bytesToBigint(b);
  const excess = b.length * 8 - curve.nBits;
  return excess > 0 ? x >> BigInt(excess) : x;
}

/** Default HMAC hash for nonces: the SHA-2/SHA-1 hash whose output has the digest's length. */
function defaultNonceHash(digestLength: number): HashAlgorithm {
  switch (digestLength) {
    case 20:
      return SHA1;
    case 48:
      return SHA384;
    case 64:
      return SHA512;
    default:
      return SHA256;
  }
}

/**
 * Generator of RFC 6979 nonces k in [1, n-1] for private key d and message digest h1; each
 * further value continues the HMAC_DRBG as RFC 6979 3.2 step h.3 prescribes for retries.
 */
export function* rfc6979Nonces(
  curve: Curve,
  d: bigint,
  h1: Uint8Array,
  hash: HashAlgorithm,
  extraEntropy?: Uint8Array,
): Generator<bigint, never, void> {
  const rolen = Math.ceil(curve.nBits / 8);
  const x = bigintToBytes(d, rolen);
  const h = bigintToBytes(mod(bits2int(curve, h1), curve.n), rolen); // bits2octets
  const extra = extraEntropy ?? new Uint8Array(0);
  const hl = hash.digestSize;
  let V: Uint8Array = new Uint8Array(hl).fill(1);
  let K: Uint8Array = new Uint8Array(hl);
  K = hmac(hash, K, V, Uint8Array.of(0), x, h, extra);
  V = hmac(hash, K, V);
  K = hmac(hash, K, V, Uint8Array.of(1), x, h, extra);
  V = hmac(hash, K, V);
  for (;;) {
    const parts: Uint8Array[] = [];
    let tlen = 0;
    while (tlen < rolen) {
      V = hmac(hash, K, V);
      parts.push(V);
      tlen += V.length;
    }
    const T = concatBytes(...parts).subarray(0, rolen);
    const k = bits2int(curve, T);
    if (k >= 1n && k < curve.n) yield k;
    K = hmac(hash, K, V, Uint8Array.of(0));
    V = hmac(hash, K, V);
  }
}

/** Nonce source for one signature: the explicit k once, or the RFC 6979 sequence. */
export function nonceSource(
  curve: Curve,
  d: bigint,
  digest: Uint8Array,
  opts: EcSignOptions | undefined,
  defaultHash: HashAlgorithm,
): () => bigint {
  if (opts?.k !== undefined) {
    const k = opts.k;
    if (k < 1n || k >= curve.n) throw fail('value', 'nonce k out of range');
    let used = false;
    return () => {
      if (used) throw fail('value', 'explicit nonce k gives an invalid signature');
      used = true;
      return k;
    };
  }
  const gen = rfc6979Nonces(curve, d, digest, opts?.nonceHash ?? defaultHash, opts?.extraEntropy);
  return () => gen.next().value;
}

function normalizeOpts(k: bigint | EcSignOptions | undefined): EcSignOptions | undefined {
  return typeof k === 'bigint' ? { k } : k;
}

/** Integer from a TPM2B signature component; undefined unless 1 <= v < n. */
function sigComponent(curve: Curve, v: Uint8Array): bigint | undefined {
  const x = bytesToBigint(v);
  return x >= 1n && x < curve.n ? x : undefined;
}

// ---------------------------------------------------------------------------------------------
// ECDSA (TPM 2.0 Part 1 "ECDSA"; FIPS 186-5 6.4). The TPM signs the digest it is given: the
// digest is converted to an integer keeping its leftmost nBits bits when it is longer than n.

/** ECDSA signature of a digest. `k` may be an explicit nonce or signing options. */
export function ecdsaSign(
  curve: Curve,
  d: bigint,
  digest: Uint8Array,
  k?: bigint | EcSignOptions,
): EccSignature {
  checkPrivate(curve, d);
  const opts = normalizeOpts(k);
  const { n } = curve;
  const e = bits2int(curve, digest);
  const nextK = nonceSource(curve, d, digest, opts, defaultNonceHash(digest.length));
  for (;;) {
    const kk = nextK();
    const R = curve.Point.BASE.multiply(kk).toAffine();
    const r = mod(R.x, n);
    if (r === 0n) continue;
    const s = mod(invert(kk, n) * (e + r * d), n);
    if (s === 0n) continue;
    return { r: eccToBytes(curve, r), s: eccToBytes(curve, s) };
  }
}

/** ECDSA verification of a digest against public point (x, y). */
export function ecdsaVerify(
  curve: Curve,
  x: Uint8Array,
  y: Uint8Array,
  digest: Uint8Array,
  r: Uint8Array,
  s: Uint8Array,
): boolean {
  const Q = pointFromBytes(curve, x, y);
  const ri = sigComponent(curve, r);
  const si = sigComponent(curve, s);
  if (Q === undefined || ri === undefined || si === undefined) return false;
  const { n } = curve;
  const e = mod(bits2int(curve, digest), n);
  const w = invert(si, n);
  const R = curve.Point.BASE.mulAddUnsafe(mod(e * w, n), Q, mod(ri * w, n));
  if (R.is0()) return false;
  return mod(R.toAffine().x, n) === ri;
}

// ---------------------------------------------------------------------------------------------
// EC Schnorr, TPM variant (TPM 2.0 Part 1 "EC Schnorr"):
//   (xR, yR) = [k]G
//   r = H(xR ‖ digest), xR as a byteLength-octet string, the hash output truncated to the
//       byte length of n (leading octets kept) when longer
//   s = (k + r·d) mod n
// Verification: E = [s]G - [r]Q, accept when H(E.x ‖ digest) (truncated likewise) equals r.

function schnorrChallenge(curve: Curve, hash: HashAlgorithm, xR: bigint, digest: Uint8Array): bigint {
  const nBytes = Math.ceil(curve.nBits / 8);
  const h = hash.digest(eccToBytes(curve, xR), digest);
  return bytesToBigint(h.length > nBytes ? h.subarray(0, nBytes) : h);
}

/**
 * EC Schnorr signature of `digest` with the scheme hash `hash`. A challenge r >= n (possible
 * only when the hash is at least as long as n, probability about 2^-32 on P-256) would be
 * rejected by the TPM's own verifier (r must be < n), so a fresh nonce is used instead.
 */
export function ecSchnorrSign(
  curve: Curve,
  d: bigint,
  hash: HashAlgorithm,
  digest: Uint8Array,
  k?: bigint | EcSignOptions,
): EccSignature {
  checkPrivate(curve, d);
  const opts = normalizeOpts(k);
  const { n } = curve;
  const nextK = nonceSource(curve, d, digest, opts, hash);
  for (;;) {
    const kk = nextK();
    const R = curve.Point.BASE.multiply(kk).toAffine();
    const r = schnorrChallenge(curve, hash, R.x, digest);
    if (r === 0n || r >= n) continue;
    const s = mod(kk + r * d, n);
    if (s === 0n) continue;
    return { r: eccToBytes(curve, r), s: eccToBytes(curve, s) };
  }
}

/** EC Schnorr verification (TPM variant, see ecSchnorrSign). */
export function ecSchnorrVerify(
  curve: Curve,
  x: Uint8Array,
  y: Uint8Array,
  hash: HashAlgorithm,
  digest: Uint8Array,
  r: Uint8Array,
  s: Uint8Array,
): boolean {
  const Q = pointFromBytes(curve, x, y);
  const ri = sigComponent(curve, r);
  const si = sigComponent(curve, s);
  if (Q === undefined || ri === undefined || si === undefined) return false;
  const E = curve.Point.BASE.mulAddUnsafe(si, Q, curve.n - ri);
  if (E.is0()) return false;
  return schnorrChallenge(curve, hash, E.toAffine().x, digest) === ri;
}
