import type { HandlerTable } from '../handler.js';
import { Shutdown } from './Shutdown.js';
import { Startup } from './Startup.js';

export const startupHandlers: HandlerTable = { Startup, Shutdown };
