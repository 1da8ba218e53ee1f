import type { HandlerTable } from '../handler.js';
import { ContextLoad } from './ContextLoad.js';
import { ContextSave } from './ContextSave.js';
import { EvictControl } from './EvictControl.js';
import { FlushContext } from './FlushContext.js';

/** Part 3 "Context Management". */
export const contextHandlers: HandlerTable = { ContextSave, ContextLoad, FlushContext, EvictControl };
