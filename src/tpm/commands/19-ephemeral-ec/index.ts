import type { HandlerTable } from '../handler.js';
import { Commit } from './Commit.js';
import { EC_Ephemeral } from './EC_Ephemeral.js';

/** Part 3 "Ephemeral EC Keys". */
export const ephemeralEcHandlers: HandlerTable = { Commit, EC_Ephemeral };
