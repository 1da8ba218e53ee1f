import type { HandlerTable } from '../handler.js';
import { ChangeEPS } from './ChangeEPS.js';
import { ChangePPS } from './ChangePPS.js';
import { Clear } from './Clear.js';
import { ClearControl } from './ClearControl.js';
import { HierarchyChangeAuth } from './HierarchyChangeAuth.js';
import { HierarchyControl } from './HierarchyControl.js';
import { SetPrimaryPolicy } from './SetPrimaryPolicy.js';

/** Part 3 "Hierarchy Commands" (CreatePrimary comes with objects). */
export const hierarchyHandlers: HandlerTable = { HierarchyControl, SetPrimaryPolicy, ChangePPS, ChangeEPS, Clear, ClearControl, HierarchyChangeAuth };
