import type { HandlerTable } from '../handler.js';
import { ClockRateAdjust } from './ClockRateAdjust.js';
import { ClockSet } from './ClockSet.js';
import { ReadClock } from './ReadClock.js';

/** Part 3 "Clocks and Timers". */
export const clockHandlers: HandlerTable = { ReadClock, ClockSet, ClockRateAdjust };
