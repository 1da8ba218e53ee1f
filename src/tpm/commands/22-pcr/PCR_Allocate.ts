import { LOGIC_VALUES, TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { DRTM_PCR, hasDrtmPcr, selectBits } from '../../pcr.js';
import type { PcrBankAllocation } from '../../state/types.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_PCR_Allocate (Part 3 "TPM2_PCR_Allocate"): record the PCR allocation to use from the
 * next TPM Reset. Only the banks listed change (the last selection of a bank wins); the others
 * keep the allocation in force now. A bank the TPM does not implement was refused as
 * TPM_RC_HASH when decoded. The result must keep the H-CRTM PCR and the DRTM PCR allocated in
 * some bank, else TPM_RC_PCR. Until that Reset only Shutdown(CLEAR) is accepted.
 */
export const PCR_Allocate: Handler<'PCR_Allocate'> = (ctx, { pcrAllocation }) => {
  const profile = ctx.profile;
  const banks = new Map<number, number>();
  for (const b of ctx.read('persistent').pcrAllocation) banks.set(b.hash, b.select);
  for (const sel of pcrAllocation.pcrSelections) banks.set(sel.hash, selectBits(profile, sel.pcrSelect));

  let sizeNeeded = 0;
  let any = 0;
  for (const [hash, select] of banks) {
    const h = profile.crypto.hash(hash);
    if (!h) continue;
    for (let pcr = 0; pcr < profile.pcrCount; pcr++) if ((select >>> pcr) & 1) sizeNeeded += h.digestSize;
    any |= select;
  }
  const required = [profile.startupLocalityPcr, hasDrtmPcr(profile) ? DRTM_PCR : -1].filter((pcr) => pcr >= 0);
  if (required.some((pcr) => ((any >>> pcr) & 1) === 0)) {
    throw tpmError(TPM_RC.PCR, `the allocation must keep PCR ${required.join(' and ')} in some bank`);
  }
  // This TPM can hold every implemented bank in full.
  const sizeAvailable = profile.pcrCount * ctx.crypto.hashes.reduce((n, h) => n + h.digestSize, 0);
  const allocationSuccess = sizeNeeded <= sizeAvailable;
  if (allocationSuccess) {
    const pending: PcrBankAllocation[] = [...banks]
      .filter(([hash, select]) => select !== 0 && profile.crypto.hash(hash))
      .sort(([a], [b]) => a - b)
      .map(([hash, select]) => ({ hash, select }));
    ctx.write('persistent').pcrAllocationPending = pending;
  }
  return {
    allocationSuccess: allocationSuccess ? LOGIC_VALUES.YES : LOGIC_VALUES.NO,
    maxPCR: profile.pcrCount,
    sizeNeeded,
    sizeAvailable,
  };
};
