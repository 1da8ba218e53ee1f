/**
 * Two-phase ECC key exchanges of TPM2_ZGen_2Phase (Part 1 "Two-Phase Key Exchange"; the
 * reference's CryptEcc2PhaseKeyExchange), party A being the TPM with static key dsA and
 * ephemeral key deA, party B giving its static and ephemeral public points QsB and QeB.
 */
import type { Curve, EcPoint } from '../../../crypto/ecc.js';
import { multiply } from './ecc-points.js';

/**
 * SP 800-56A C(2e, 2s, ECC CDH) "Full Unified Model": Zs = [dsA]QsB, Ze = [deA]QeB; undefined
 * when either is the point at infinity.
 */
export function ecdhTwoPhase(curve: Curve, dsA: bigint, deA: bigint, QsB: EcPoint, QeB: EcPoint): [EcPoint, EcPoint] | undefined {
  const zs = multiply(curve, QsB, dsA);
  const ze = multiply(curve, QeB, deA);
  return zs && ze ? [zs, ze] : undefined;
}

/** SM2 x̄ = 2^w + (x mod 2^w) with w = ⌈⌈log2 n⌉ / 2⌉ − 1 (GB/T 32918.3 "Key exchange protocol"). */
function sm2Avf(curve: Curve, x: bigint): bigint {
  const bit = 1n << BigInt(Math.ceil(curve.nBits / 2) - 1);
  return bit + (x & (bit - 1n));
}

/**
 * The SM2 key exchange point of party A (GB/T 32918.3 steps A4-A7):
 *   tA = (dsA + x̄A·deA) mod n, where x̄A comes from RA = [deA]G,
 *   U  = [h·tA](QsB + [x̄B]QeB);
 * undefined for the point at infinity. B computes the same point as [h·tB](QsA + [x̄A]RA);
 * KDF(xU ‖ yU ‖ ZA ‖ ZB) and the confirmation hashes are the caller's. w follows the standard
 * (127 for a 256-bit n); the TCG reference computes one less.
 */
export function sm2KeyExchange(curve: Curve, dsA: bigint, deA: bigint, QsB: EcPoint, QeB: EcPoint): EcPoint | undefined {
  const RA = curve.Point.BASE.multiply(deA).toAffine();
  const tA = (dsA + sm2Avf(curve, RA.x) * deA) % curve.n;
  const xB = sm2Avf(curve, QeB.toAffine().x);
  const sum = QsB.add(QeB.multiply(xB));
  if (sum.is0()) return undefined;
  return multiply(curve, sum, curve.h * tA);
}
