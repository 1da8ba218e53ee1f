import type { HandlerTable } from '../handler.js';

export const sequenceHandlers: HandlerTable = {};
