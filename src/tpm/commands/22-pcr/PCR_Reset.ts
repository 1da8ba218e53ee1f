import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { countPcrChange, isAllocated, pcrResetAllowed } from '../../pcr.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_PCR_Reset (Part 3 "TPM2_PCR_Reset"): set the PCR to zero in every bank where it is
 * allocated (DRTM PCRs too: their all-ones value is only the Startup value). A PCR this locality
 * may not reset, or that no command may reset, is TPM_RC_LOCALITY.
 */
export const PCR_Reset: Handler<'PCR_Reset'> = (ctx, { pcrHandle }) => {
  if (!pcrResetAllowed(ctx.profile, pcrHandle, ctx.locality)) {
    throw tpmError(TPM_RC.LOCALITY, `PCR ${pcrHandle} cannot be reset from locality ${ctx.locality}`);
  }
  const allocation = ctx.read('persistent').pcrAllocation;
  const clear = ctx.write('stateClear');
  for (const [hash, bank] of Object.entries(clear.pcrValues)) {
    const h = ctx.crypto.hash(Number(hash));
    if (h && isAllocated(allocation, Number(hash), pcrHandle)) bank[pcrHandle] = new Uint8Array(h.digestSize);
  }
  countPcrChange(ctx.profile, clear, pcrHandle);
  return {};
};
