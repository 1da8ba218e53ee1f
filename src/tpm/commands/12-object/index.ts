import type { HandlerTable } from '../handler.js';
import { Create } from './Create.js';
import { Load } from './Load.js';
import { ReadPublic } from './ReadPublic.js';

/** Part 3 "Object Commands". */
export const objectHandlers: HandlerTable = { Create, Load, ReadPublic };
