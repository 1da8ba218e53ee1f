import type { HandlerTable } from '../handler.js';
import { GetRandom } from './GetRandom.js';
import { StirRandom } from './StirRandom.js';

export const randomHandlers: HandlerTable = { GetRandom, StirRandom };
