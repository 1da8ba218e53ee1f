import { emptyPcrPolicies } from '../../state/lifecycle.js';
import { TPM_RH } from '../../../gen/constants.js';
import { flushObjectsOf } from '../../object.js';
import { newSecret, noPolicy } from '../../hierarchy.js';
import type { Handler } from '../handler.js';
import { requireEnabled } from './enabled.js';

/**
 * TPM2_ChangePPS (Part 3 "TPM2_ChangePPS"): a new PPS and phProof (saved platform contexts no
 * longer load), platformPolicy and the PCR policies back to none. Platform objects are
 * flushed, loaded and persistent. Platform-created NV indices stay (as in the reference).
 */
export const ChangePPS: Handler<'ChangePPS'> = (ctx, { authHandle }) => {
  requireEnabled(ctx, 'authHandle', authHandle);
  flushObjectsOf(ctx, TPM_RH.PLATFORM, true);
  const p = ctx.write('persistent');
  p.seeds.platform = newSecret(ctx.profile, ctx.rng);
  p.hierarchyProof.platform = newSecret(ctx.profile, ctx.rng);
  p.pcrPolicies = emptyPcrPolicies(ctx.profile);
  ctx.write('stateClear').platformPolicy = noPolicy();
  return {};
};
