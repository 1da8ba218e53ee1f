import { TPM_ALG, TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { emptyPcrPolicies } from '../../state/lifecycle.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_PCR_SetAuthPolicy (Part 3 "TPM2_PCR_SetAuthPolicy"): the authPolicy of the PCR's policy
 * group; persistent. authPolicy must be a digest of hashAlg (empty for TPM_ALG_NULL), else
 * TPM_RC_SIZE; a PCR in no policy group is TPM_RC_VALUE.
 */
export const PCR_SetAuthPolicy: Handler<'PCR_SetAuthPolicy'> = (ctx, { authPolicy, hashAlg, pcrNum }) => {
  const size = hashAlg === TPM_ALG.NULL ? 0 : (ctx.crypto.hash(hashAlg)?.digestSize ?? 0);
  if (authPolicy.length !== size) throw tpmError(TPM_RC.SIZE, `authPolicy must be ${size} octets`).at('authPolicy');
  const group = ctx.profile.pcrAttributes[pcrNum]?.policyGroup ?? 0;
  if (group === 0) throw tpmError(TPM_RC.VALUE, `PCR ${pcrNum} is in no policy group`).at('pcrNum');
  const p = ctx.write('persistent');
  if (!p.pcrPolicies) p.pcrPolicies = emptyPcrPolicies(ctx.profile);
  p.pcrPolicies[group - 1] = { hashAlg, digest: authPolicy.slice() };
  return {};
};
