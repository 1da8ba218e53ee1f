import type { Handler } from '../handler.js';

/**
 * TPM2_SetAlgorithmSet (Part 3 "TPM2_SetAlgorithmSet"): the platform records a vendor-dependent
 * algorithm set selection, reported as TPM_PT_ALGORITHM_SET. vtpm's profiles define the algorithms,
 * so the value selects nothing more (as in the reference, which only stores it).
 */
export const SetAlgorithmSet: Handler<'SetAlgorithmSet'> = (ctx, { algorithmSet }) => {
  if ((ctx.read('persistent').algorithmSet ?? 0) !== algorithmSet) ctx.write('persistent').algorithmSet = algorithmSet;
  return {};
};
