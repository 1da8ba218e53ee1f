import { TPM_RC, TPM_RH } from '../../../gen/constants.js';
import type { TPMT_HA } from '../../../gen/types.js';
import { tpmError } from '../../errors.js';
import { extendPcr, isAllocated, pcrExtendAllowed } from '../../pcr.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_PCR_Event (Part 3 "TPM2_PCR_Event"): hash eventData with every implemented hash and
 * return the digests; unless pcrHandle is TPM_RH_NULL, extend each into the PCR's bank of that
 * hash where the PCR is allocated, as TPM2_PCR_Extend does.
 */
export const PCR_Event: Handler<'PCR_Event'> = (ctx, { pcrHandle, eventData }) => {
  const extend = pcrHandle !== TPM_RH.NULL;
  if (extend && !pcrExtendAllowed(ctx.profile, pcrHandle, ctx.locality)) {
    throw tpmError(TPM_RC.LOCALITY, `PCR ${pcrHandle} cannot be extended from locality ${ctx.locality}`);
  }
  const digests: TPMT_HA[] = ctx.crypto.hashes.map((h) => ({ hashAlg: h.alg, digest: h.digest(eventData) }));
  const allocation = ctx.read('persistent').pcrAllocation;
  const toExtend = extend ? digests.filter((d) => isAllocated(allocation, d.hashAlg, pcrHandle)) : [];
  if (toExtend.length > 0) {
    const clear = ctx.write('stateClear');
    for (const d of toExtend) extendPcr(ctx.profile, allocation, clear, pcrHandle, d.hashAlg, d.digest!);
  }
  return { digests: { digests } };
};
