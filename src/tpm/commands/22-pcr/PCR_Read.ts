import type { TPMS_PCR_SELECTION } from '../../../gen/types.js';
import { isAllocated } from '../../pcr.js';
import type { Handler } from '../handler.js';

/** A TPML_DIGEST holds at most eight digests (Part 2 "TPML_DIGEST"). */
const MAX_DIGESTS = 8;

/**
 * TPM2_PCR_Read (Part 3 "TPM2_PCR_Read"): the values of the selected PCRs that are allocated,
 * in selection order and PCR order, at most eight. pcrSelectionOut has the same banks and
 * sizes as the request with a bit set only for each PCR returned, so a caller asks again for
 * what is missing.
 */
export const PCR_Read: Handler<'PCR_Read'> = (ctx, { pcrSelectionIn }) => {
  const allocation = ctx.read('persistent').pcrAllocation;
  const clear = ctx.read('stateClear');
  const pcrCount = ctx.profile.pcrCount;
  const digests: Uint8Array[] = [];
  const pcrSelections: TPMS_PCR_SELECTION[] = pcrSelectionIn.pcrSelections.map((sel) => {
    const out = new Uint8Array(sel.pcrSelect.length);
    const bank = clear.pcrValues[sel.hash];
    for (let pcr = 0; pcr < Math.min(pcrCount, sel.pcrSelect.length * 8); pcr++) {
      if (digests.length === MAX_DIGESTS) break;
      if (!((sel.pcrSelect[pcr >> 3] >> (pcr & 7)) & 1)) continue;
      if (!bank || !isAllocated(allocation, sel.hash, pcr) || bank[pcr].length === 0) continue;
      out[pcr >> 3] |= 1 << (pcr & 7);
      digests.push(bank[pcr].slice());
    }
    return { hash: sel.hash, pcrSelect: out };
  });
  return {
    pcrUpdateCounter: clear.pcrUpdateCounter,
    pcrSelectionOut: { pcrSelections },
    pcrValues: { digests },
  };
};
