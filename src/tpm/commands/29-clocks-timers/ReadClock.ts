import { LOGIC_VALUES } from '../../../gen/constants.js';
import type { TPMS_CLOCK_INFO } from '../../../gen/types.js';
import type { CommandContext } from '../../context.js';
import { currentClock, currentTime } from '../../state/lifecycle.js';
import type { Handler } from '../handler.js';

/** TPMS_CLOCK_INFO now (Part 2 "TPMS_CLOCK_INFO"; the reference's TimeFillInfo). */
export function clockInfo(ctx: CommandContext): TPMS_CLOCK_INFO {
  const p = ctx.read('persistent');
  return {
    clock: BigInt(Math.max(0, Math.floor(currentClock(ctx.machine)))),
    resetCount: p.resetCount,
    restartCount: ctx.read('stateReset').restartCount,
    safe: p.clockSafe ? LOGIC_VALUES.YES : LOGIC_VALUES.NO,
  };
}

/** Time in milliseconds since _TPM_Init. */
export function timeNow(ctx: CommandContext): bigint {
  return BigInt(Math.max(0, Math.floor(currentTime(ctx.machine))));
}

/**
 * TPM2_ReadClock (Part 3 "TPM2_ReadClock"): Time (ms since _TPM_Init), Clock, resetCount,
 * restartCount and safe (Part 2 "TPMS_TIME_INFO", "TPMS_CLOCK_INFO").
 */
export const ReadClock: Handler<'ReadClock'> = (ctx) => ({ currentTime: { time: timeNow(ctx), clockInfo: clockInfo(ctx) } });
