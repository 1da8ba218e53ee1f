import { TPM_RC, TPM_RH } from '../../../gen/constants.js';
import { initialDaState } from '../../da.js';
import { tpmError } from '../../errors.js';
import { flushOwnerNvIndices, newSecret, noPolicy } from '../../hierarchy.js';
import { flushObjectsOf } from '../../object.js';
import { countPcrChange } from '../../pcr.js';
import type { Handler } from '../handler.js';
import { requireEnabled } from './enabled.js';

/**
 * TPM2_Clear (Part 3 "TPM2_Clear"): removes the Owner. TPM_RC_DISABLED after ClearControl. A
 * new SPS, shProof and ehProof; shEnable and ehEnable SET; ownerAuth, endorsementAuth,
 * lockoutAuth and their policies empty; owner-created NV indices deleted; the DA parameters as
 * manufactured (the reference's DAPreInstall_Init); Clock, resetCount and restartCount zero
 * with safe YES; the command audit counter zero (as the reference does); PCR authValues empty; pcrUpdateCounter incremented. Owner and endorsement
 * objects are flushed, loaded and persistent.
 */
export const Clear: Handler<'Clear'> = (ctx, { authHandle }) => {
  requireEnabled(ctx, 'authHandle', authHandle);
  if (ctx.read('persistent').disableClear) throw tpmError(TPM_RC.DISABLED, 'TPM2_Clear is disabled (TPM2_ClearControl)');
  const clear = ctx.write('stateClear');
  clear.shEnable = true;
  clear.ehEnable = true;
  flushOwnerNvIndices(ctx);
  flushObjectsOf(ctx, TPM_RH.OWNER, true);
  flushObjectsOf(ctx, TPM_RH.ENDORSEMENT, true);
  const p = ctx.write('persistent');
  p.seeds.owner = newSecret(ctx.profile, ctx.rng);
  p.hierarchyProof.owner = newSecret(ctx.profile, ctx.rng);
  p.hierarchyProof.endorsement = newSecret(ctx.profile, ctx.rng);
  p.hierarchyAuth = { owner: new Uint8Array(0), endorsement: new Uint8Array(0), lockout: new Uint8Array(0) };
  p.hierarchyPolicy = { owner: noPolicy(), endorsement: noPolicy(), lockout: noPolicy() };
  p.da = initialDaState(ctx.profile.limits);
  // Clock to zero: NV and the running value (Clock = clockBase + time since _TPM_Init).
  const v = ctx.write('volatile');
  v.clockBase = -(ctx.now() - v.powerOnAt);
  p.clock = 0;
  p.clockSafe = true;
  p.resetCount = 0;
  p.auditCounter = 0n;
  ctx.write('stateReset').restartCount = 0;
  clear.pcrAuthValues = clear.pcrAuthValues.map(() => new Uint8Array(0));
  countPcrChange(ctx.profile, clear, 0);
  return {};
};
