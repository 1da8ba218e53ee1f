import { eccPublicFromPrivate } from '../../../crypto/ecc.js';
import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { commit, generateR } from './commit-state.js';

/**
 * TPM2_EC_Ephemeral (Part 3 "TPM2_EC_Ephemeral"): the first phase of a two-phase key exchange.
 * The ephemeral key is r of the next commit count; the TPM returns Q = [r]G and the count,
 * with which TPM2_ZGen_2Phase derives r again (once).
 */
export const EC_Ephemeral: Handler<'EC_Ephemeral'> = (ctx, { curveID }) => {
  const curve = ctx.crypto.curve(curveID);
  if (!curve) throw tpmError(TPM_RC.CURVE, 'curve not implemented').at('curveID');
  const r = generateR(ctx, curve, null, new Uint8Array(0));
  if (r === undefined) throw tpmError(TPM_RC.NO_RESULT, 'no ephemeral value');
  const Q = eccPublicFromPrivate(curve, r);
  return { Q: { point: Q }, counter: commit(ctx) };
};
