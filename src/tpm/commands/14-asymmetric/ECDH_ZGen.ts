import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../../../gen/constants.js';
import type { TPMS_ECC_PARMS } from '../../../gen/types.js';
import { tpmError } from '../../errors.js';
import { eccPrivateKey } from '../../keys.js';
import { requireObject } from '../../object.js';
import { ensureTested } from '../10-testing/self-test.js';
import type { Handler } from '../handler.js';
import { keyCurve, multiply, parsePoint, pointBytes } from './ecc-points.js';

/**
 * TPM2_ECDH_ZGen (Part 3 "TPM2_ECDH_ZGen"): Z = [ds]QB with the private key of an unrestricted
 * ECC decryption key whose scheme is ECDH or NULL. A point not on the key's curve is
 * TPM_RC_ECC_POINT on inPoint; a product at infinity (impossible on these prime-order curves)
 * would be TPM_RC_NO_RESULT.
 */
export const ECDH_ZGen: Handler<'ECDH_ZGen'> = (ctx, { keyHandle, inPoint }) => {
  const key = requireObject(ctx, keyHandle, 'keyHandle');
  if (key.public.type !== TPM_ALG.ECC) throw tpmError(TPM_RC.KEY, 'not an ECC key').at('keyHandle');
  const a = key.public.objectAttributes;
  if (a & TPMA_OBJECT.restricted || !(a & TPMA_OBJECT.decrypt)) throw tpmError(TPM_RC.ATTRIBUTES, 'not an unrestricted decryption key').at('keyHandle');
  const scheme = (key.public.parameters as TPMS_ECC_PARMS).scheme.scheme;
  if (scheme !== TPM_ALG.ECDH && scheme !== TPM_ALG.NULL) throw tpmError(TPM_RC.SCHEME, 'the key scheme is not ECDH').at('keyHandle');
  const curve = keyCurve(ctx, key, 'keyHandle');
  const Q = parsePoint(curve, inPoint.point);
  if (!Q) throw tpmError(TPM_RC.ECC_POINT, 'inPoint is not on the key curve').at('inPoint');
  ensureTested(ctx, [TPM_ALG.ECDH]);
  const z = multiply(curve, Q, eccPrivateKey(key, 'keyHandle'));
  if (!z) throw tpmError(TPM_RC.NO_RESULT, 'a point at infinity');
  return { outPoint: { point: pointBytes(curve, z) } };
};
