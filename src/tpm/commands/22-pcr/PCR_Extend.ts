import { TPM_RC, TPM_RH } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { extendPcr, isAllocated, pcrExtendAllowed } from '../../pcr.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_PCR_Extend (Part 3 "TPM2_PCR_Extend"): extend each digest into the PCR's bank of the same
 * hash. TPM_RH_NULL does nothing; digests of banks where the PCR is not allocated are ignored;
 * a hash the TPM does not implement was refused as TPM_RC_HASH when the list was decoded.
 */
export const PCR_Extend: Handler<'PCR_Extend'> = (ctx, { pcrHandle, digests }) => {
  if (pcrHandle === TPM_RH.NULL) return {};
  if (!pcrExtendAllowed(ctx.profile, pcrHandle, ctx.locality)) {
    throw tpmError(TPM_RC.LOCALITY, `PCR ${pcrHandle} cannot be extended from locality ${ctx.locality}`);
  }
  const allocation = ctx.read('persistent').pcrAllocation;
  const toExtend = digests.digests.filter((d) => d.digest && isAllocated(allocation, d.hashAlg, pcrHandle));
  if (toExtend.length === 0) return {};
  const clear = ctx.write('stateClear');
  for (const d of toExtend) extendPcr(ctx.profile, allocation, clear, pcrHandle, d.hashAlg, d.digest!);
  return {};
};
