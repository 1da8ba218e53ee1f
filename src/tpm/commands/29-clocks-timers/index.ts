import type { HandlerTable } from '../handler.js';

export const clockHandlers: HandlerTable = {};
