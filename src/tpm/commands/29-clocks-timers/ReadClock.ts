import { LOGIC_VALUES } from '../../../gen/constants.js';
import { currentClock, currentTime } from '../../state/lifecycle.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_ReadClock (Part 3 "TPM2_ReadClock"): Time (ms since _TPM_Init), Clock, resetCount,
 * restartCount and safe (Part 2 "TPMS_TIME_INFO", "TPMS_CLOCK_INFO").
 */
export const ReadClock: Handler<'ReadClock'> = (ctx) => {
  const p = ctx.read('persistent');
  return {
    currentTime: {
      time: BigInt(Math.max(0, Math.floor(currentTime(ctx.machine)))),
      clockInfo: {
        clock: BigInt(Math.max(0, Math.floor(currentClock(ctx.machine)))),
        resetCount: p.resetCount,
        restartCount: ctx.read('stateReset').restartCount,
        safe: p.clockSafe ? LOGIC_VALUES.YES : LOGIC_VALUES.NO,
      },
    },
  };
};
