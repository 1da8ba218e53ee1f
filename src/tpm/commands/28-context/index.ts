import type { HandlerTable } from '../handler.js';
import { FlushContext } from './FlushContext.js';

export const contextHandlers: HandlerTable = { FlushContext };
