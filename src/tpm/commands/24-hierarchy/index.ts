import type { HandlerTable } from '../handler.js';
import { ChangeEPS } from './ChangeEPS.js';
import { ChangePPS } from './ChangePPS.js';
import { CreatePrimary } from './CreatePrimary.js';
import { Clear } from './Clear.js';
import { ClearControl } from './ClearControl.js';
import { HierarchyChangeAuth } from './HierarchyChangeAuth.js';
import { HierarchyControl } from './HierarchyControl.js';
import { SetPrimaryPolicy } from './SetPrimaryPolicy.js';

/** Part 3 "Hierarchy Commands". */
export const hierarchyHandlers: HandlerTable = { CreatePrimary, HierarchyControl, SetPrimaryPolicy, ChangePPS, ChangeEPS, Clear, ClearControl, HierarchyChangeAuth };
