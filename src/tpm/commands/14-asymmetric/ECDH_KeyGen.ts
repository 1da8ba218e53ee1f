import { eccGenerateKey } from '../../../crypto/ecc.js';
import { TPM_ALG, TPM_RC } from '../../../gen/constants.js';
import type { TPMS_ECC_POINT } from '../../../gen/types.js';
import { tpmError } from '../../errors.js';
import { requireObject } from '../../object.js';
import { ensureTested } from '../10-testing/self-test.js';
import type { Handler } from '../handler.js';
import { keyCurve, multiply, parsePoint, pointBytes } from './ecc-points.js';

/**
 * TPM2_ECDH_KeyGen (Part 3 "TPM2_ECDH_KeyGen"): an ephemeral key pair (de, Qe) on the curve of
 * a loaded ECC key's public part, and Z = [de]Qs; the private de is not kept. A public point
 * that is not on the curve is TPM_RC_KEY (as the reference reports it).
 */
export const ECDH_KeyGen: Handler<'ECDH_KeyGen'> = (ctx, { keyHandle }) => {
  const key = requireObject(ctx, keyHandle, 'keyHandle');
  if (key.public.type !== TPM_ALG.ECC) throw tpmError(TPM_RC.KEY, 'not an ECC key').at('keyHandle');
  const curve = keyCurve(ctx, key, 'keyHandle');
  const Qs = parsePoint(curve, key.public.unique as TPMS_ECC_POINT);
  if (!Qs) throw tpmError(TPM_RC.KEY, 'the key point is not on its curve').at('keyHandle');
  ensureTested(ctx, [TPM_ALG.ECDH]);
  for (;;) {
    const e = eccGenerateKey(curve, ctx.rng);
    const z = multiply(curve, Qs, e.d);
    if (z) return { zPoint: { point: pointBytes(curve, z) }, pubPoint: { point: { x: e.x, y: e.y } } };
  }
};
