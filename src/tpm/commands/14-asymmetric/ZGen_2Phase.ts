import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../../../gen/constants.js';
import type { TPMS_ECC_PARMS } from '../../../gen/types.js';
import { tpmError } from '../../errors.js';
import { eccPrivateKey } from '../../keys.js';
import { requireObject } from '../../object.js';
import { endCommit, generateR } from '../19-ephemeral-ec/commit-state.js';
import { ensureTested } from '../10-testing/self-test.js';
import type { Handler } from '../handler.js';
import { emptyPoint, keyCurve, parsePoint, pointBytes } from './ecc-points.js';
import { ecdhTwoPhase, sm2KeyExchange } from './key-exchange.js';

/**
 * TPM2_ZGen_2Phase (Part 3 "TPM2_ZGen_2Phase"): the second phase of a two-phase key exchange,
 * with keyA's static private key and the ephemeral private key of the commit `counter` that
 * TPM2_EC_Ephemeral returned (usable once). ECDH gives Z1 = [dsA]QsB and Z2 = [deA]QeB; SM2
 * gives Z1 = U of GB/T 32918.3 and an empty Z2. ECMQV is not implemented (not an algorithm of
 * these profiles), so it is refused with TPM_RC_SCHEME.
 */
export const ZGen_2Phase: Handler<'ZGen_2Phase'> = (ctx, { keyA, inQsB, inQeB, inScheme, counter }) => {
  const key = requireObject(ctx, keyA, 'keyA');
  if (key.public.type !== TPM_ALG.ECC) throw tpmError(TPM_RC.KEY, 'not an ECC key').at('keyA');
  const a = key.public.objectAttributes;
  if (a & TPMA_OBJECT.restricted || !(a & TPMA_OBJECT.decrypt)) throw tpmError(TPM_RC.ATTRIBUTES, 'not an unrestricted decryption key').at('keyA');
  const keyScheme = (key.public.parameters as TPMS_ECC_PARMS).scheme.scheme;
  if (keyScheme !== TPM_ALG.NULL && keyScheme !== inScheme) throw tpmError(TPM_RC.SCHEME, 'inScheme differs from the key scheme').at('inScheme');
  const scheme = keyScheme === TPM_ALG.NULL ? inScheme : keyScheme;
  if (scheme === TPM_ALG.NULL) throw tpmError(TPM_RC.SCHEME, 'no key exchange scheme').at('inScheme');
  const curve = keyCurve(ctx, key, 'keyA');
  const QsB = parsePoint(curve, inQsB.point);
  if (!QsB) throw tpmError(TPM_RC.ECC_POINT, 'QsB is not on the key curve').at('inQsB');
  const QeB = parsePoint(curve, inQeB.point);
  if (!QeB) throw tpmError(TPM_RC.ECC_POINT, 'QeB is not on the key curve').at('inQeB');
  const r = generateR(ctx, curve, counter, new Uint8Array(0));
  if (r === undefined) throw tpmError(TPM_RC.VALUE, 'no commitment for this counter').at('counter');
  const dsA = eccPrivateKey(key, 'keyA');
  let outZ1;
  let outZ2 = emptyPoint();
  switch (scheme) {
    case TPM_ALG.ECDH: {
      ensureTested(ctx, [TPM_ALG.ECDH]);
      const z = ecdhTwoPhase(curve, dsA, r, QsB, QeB);
      if (!z) throw tpmError(TPM_RC.NO_RESULT, 'a point at infinity');
      outZ1 = pointBytes(curve, z[0]);
      outZ2 = pointBytes(curve, z[1]);
      break;
    }
    case TPM_ALG.SM2: {
      ensureTested(ctx, [TPM_ALG.SM2]);
      const u = sm2KeyExchange(curve, dsA, r, QsB, QeB);
      if (!u) throw tpmError(TPM_RC.NO_RESULT, 'a point at infinity');
      outZ1 = pointBytes(curve, u);
      break;
    }
    default:
      throw tpmError(TPM_RC.SCHEME, 'key exchange scheme not implemented').at('inScheme');
  }
  endCommit(ctx, counter);
  return { outZ1: { point: outZ1 }, outZ2: { point: outZ2 } };
};
