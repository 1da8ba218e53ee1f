import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { requireEnabled } from '../24-hierarchy/enabled.js';
import { currentClock } from '../../state/lifecycle.js';
import type { Handler } from '../handler.js';

/** The largest Clock TPM2_ClockSet accepts (Part 3 "TPM2_ClockSet"). */
const MAX_CLOCK = 0xffff000000000000n;

/**
 * TPM2_ClockSet (Part 3 "TPM2_ClockSet"): Clock may only go forward (TPM_RC_VALUE on newTime
 * below the current Clock or above 0xFFFF000000000000). Clock goes to NV, safe YES, when the
 * new value passes an NV update interval beyond the saved one (the reference's TimeClockUpdate).
 */
export const ClockSet: Handler<'ClockSet'> = (ctx, { auth, newTime }) => {
  requireEnabled(ctx, 'auth', auth);
  const now = Math.floor(currentClock(ctx.machine));
  if (newTime > MAX_CLOCK || newTime < BigInt(now)) throw tpmError(TPM_RC.VALUE, 'Clock may only be set forward').at('newTime');
  const clock = Number(newTime);
  const v = ctx.write('volatile');
  v.clockBase = clock - (ctx.now() - v.powerOnAt);
  const interval = 2 ** (ctx.profile.limits.NV_CLOCK_UPDATE_INTERVAL ?? 12);
  const p = ctx.read('persistent');
  if (Math.floor(clock / interval) > Math.floor(p.clock / interval)) {
    const w = ctx.write('persistent');
    w.clock = clock;
    w.clockSafe = true;
  }
  return {};
};
