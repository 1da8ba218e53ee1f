import type { HandlerTable } from '../handler.js';
import { PCR_Allocate } from './PCR_Allocate.js';
import { PCR_Event } from './PCR_Event.js';
import { PCR_Extend } from './PCR_Extend.js';
import { PCR_Read } from './PCR_Read.js';
import { PCR_Reset } from './PCR_Reset.js';
import { PCR_SetAuthPolicy } from './PCR_SetAuthPolicy.js';
import { PCR_SetAuthValue } from './PCR_SetAuthValue.js';

/** Part 3 "Integrity Collection (PCR)". */
export const pcrHandlers: HandlerTable = { PCR_Extend, PCR_Event, PCR_Read, PCR_Allocate, PCR_SetAuthPolicy, PCR_SetAuthValue, PCR_Reset };
