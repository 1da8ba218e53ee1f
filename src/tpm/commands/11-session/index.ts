import type { HandlerTable } from '../handler.js';
import { StartAuthSession } from './StartAuthSession.js';

export const sessionHandlers: HandlerTable = { StartAuthSession };
