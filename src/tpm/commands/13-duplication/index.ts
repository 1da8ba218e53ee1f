import type { HandlerTable } from '../handler.js';
import { Duplicate } from './Duplicate.js';
import { Import } from './Import.js';
import { Rewrap } from './Rewrap.js';

/** Part 3 "Duplication Commands". */
export const duplicationHandlers: HandlerTable = { Duplicate, Rewrap, Import };
