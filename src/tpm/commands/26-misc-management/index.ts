import type { HandlerTable } from '../handler.js';
import { PP_Commands } from './PP_Commands.js';
import { SetAlgorithmSet } from './SetAlgorithmSet.js';

/** Part 3 "Miscellaneous Management Functions". */
export const miscManagementHandlers: HandlerTable = { PP_Commands, SetAlgorithmSet };
