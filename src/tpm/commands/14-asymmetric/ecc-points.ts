/**
 * ECC point helpers of the asymmetric and ephemeral-key commands (Part 1 "ECC"; Part 2
 * "TPMS_ECC_POINT"): points of a key's curve from and to their TPM form, and multiplication
 * that reports the point at infinity instead of throwing.
 */
import { eccPointFromBytes, eccToBytes, type Curve, type EcPoint } from '../../../crypto/ecc.js';
import { TPM_RC } from '../../../gen/constants.js';
import type { TPMS_ECC_PARMS, TPMS_ECC_POINT } from '../../../gen/types.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import type { ObjectRecord } from '../../state/types.js';

/** The empty point (both coordinates zero-length), for outputs a scheme does not compute. */
export const emptyPoint = (): TPMS_ECC_POINT => ({ x: new Uint8Array(0), y: new Uint8Array(0) });

/** The curve of an ECC key; TPM_RC_KEY on `field` when the profile does not implement it. */
export function keyCurve(ctx: CommandContext, key: ObjectRecord, field: string): Curve {
  const curve = ctx.crypto.curve((key.public.parameters as TPMS_ECC_PARMS).curveID);
  if (!curve) throw tpmError(TPM_RC.KEY, 'the key curve is not implemented').at(field);
  return curve;
}

/** The point (x, y) of the curve, or undefined when it is not on it (the point at infinity included). */
export function parsePoint(curve: Curve, p: TPMS_ECC_POINT): EcPoint | undefined {
  try {
    return eccPointFromBytes(curve, p.x, p.y);
  } catch {
    return undefined;
  }
}

/** A point in TPM form, coordinates padded to the curve size. */
export function pointBytes(curve: Curve, P: EcPoint): TPMS_ECC_POINT {
  const { x, y } = P.toAffine();
  return { x: eccToBytes(curve, x), y: eccToBytes(curve, y) };
}

/** [k]P (k taken mod n), or undefined for the point at infinity. */
export function multiply(curve: Curve, P: EcPoint, k: bigint): EcPoint | undefined {
  const kk = ((k % curve.n) + curve.n) % curve.n;
  if (kk === 0n) return undefined;
  const Q = P.multiply(kk);
  return Q.is0() ? undefined : Q;
}
