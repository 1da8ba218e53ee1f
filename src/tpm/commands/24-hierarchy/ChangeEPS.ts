import { TPM_RH } from '../../../gen/constants.js';
import { flushObjectsOf } from '../../object.js';
import { newSecret, noPolicy } from '../../hierarchy.js';
import type { Handler } from '../handler.js';
import { requireEnabled } from './enabled.js';

/**
 * TPM2_ChangeEPS (Part 3 "TPM2_ChangeEPS"): a new EPS and ehProof, endorsementAuth and
 * endorsementPolicy back to empty, ehEnable SET; endorsement objects flushed, loaded and
 * persistent.
 */
export const ChangeEPS: Handler<'ChangeEPS'> = (ctx, { authHandle }) => {
  requireEnabled(ctx, 'authHandle', authHandle);
  flushObjectsOf(ctx, TPM_RH.ENDORSEMENT, true);
  const p = ctx.write('persistent');
  p.seeds.endorsement = newSecret(ctx.profile, ctx.rng);
  p.hierarchyProof.endorsement = newSecret(ctx.profile, ctx.rng);
  p.hierarchyAuth.endorsement = new Uint8Array(0);
  p.hierarchyPolicy.endorsement = noPolicy();
  if (!ctx.read('stateClear').ehEnable) ctx.write('stateClear').ehEnable = true;
  return {};
};
