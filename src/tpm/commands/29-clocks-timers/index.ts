import type { HandlerTable } from '../handler.js';
import { ReadClock } from './ReadClock.js';

/** Part 3 "Clocks and Timers". */
export const clockHandlers: HandlerTable = { ReadClock };
