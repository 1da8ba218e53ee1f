import { TPM_RC } from '../../../gen/constants.js';
import { trimTrailingZeros } from '../../dispatch/entities.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_PCR_SetAuthValue (Part 3 "TPM2_PCR_SetAuthValue"): the authValue of the PCR's
 * authorization group, until the next Startup(CLEAR). A PCR in no group is TPM_RC_VALUE
 * (without a handle number, as the TCG reference answers).
 */
export const PCR_SetAuthValue: Handler<'PCR_SetAuthValue'> = (ctx, { pcrHandle, auth }) => {
  const group = ctx.profile.pcrAttributes[pcrHandle]?.authGroup ?? 0;
  if (group === 0) throw tpmError(TPM_RC.VALUE, `PCR ${pcrHandle} is in no authorization group`);
  ctx.write('stateClear').pcrAuthValues[group - 1] = trimTrailingZeros(auth).slice();
  return {};
};
