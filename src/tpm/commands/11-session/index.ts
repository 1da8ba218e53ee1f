import type { HandlerTable } from '../handler.js';
import { PolicyRestart } from './PolicyRestart.js';
import { StartAuthSession } from './StartAuthSession.js';

export const sessionHandlers: HandlerTable = { StartAuthSession, PolicyRestart };
