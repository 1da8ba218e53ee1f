import { TPM_CLOCK } from '../../../gen/constants.js';
import { requireEnabled } from '../24-hierarchy/enabled.js';
import type { Handler } from '../handler.js';

/** Rate steps of the reference platform: 1/30000 of the nominal rate each, at most ±5000 in all. */
const STEP: Record<number, number> = {
  [TPM_CLOCK.COARSE_SLOWER]: 300,
  [TPM_CLOCK.MEDIUM_SLOWER]: 30,
  [TPM_CLOCK.FINE_SLOWER]: 1,
  [TPM_CLOCK.NO_CHANGE]: 0,
  [TPM_CLOCK.FINE_FASTER]: -1,
  [TPM_CLOCK.MEDIUM_FASTER]: -30,
  [TPM_CLOCK.COARSE_FASTER]: -300,
};
const LIMIT = 5000;

/**
 * TPM2_ClockRateAdjust (Part 3 "TPM2_ClockRateAdjust"): records the requested rate adjustment
 * (volatile, as the platform's; see `clockRateAdjustment`). The clock port stays the source of
 * time: Time and Clock are not scaled.
 */
export const ClockRateAdjust: Handler<'ClockRateAdjust'> = (ctx, { auth, rateAdjust }) => {
  requireEnabled(ctx, 'auth', auth);
  const step = STEP[rateAdjust] ?? 0;
  if (step === 0) return {};
  const cur = ctx.read('volatile').clockRateAdjust ?? 0;
  const next = Math.max(-LIMIT, Math.min(LIMIT, cur + step));
  if (next !== cur) ctx.write('volatile').clockRateAdjust = next;
  return {};
};

/** The accumulated rate adjustment in parts per 30000 (positive: slower), 0 when none. */
export function clockRateAdjustment(state: { volatile: { clockRateAdjust?: number } }): number {
  return state.volatile.clockRateAdjust ?? 0;
}
