import type { HandlerTable } from '../handler.js';

export const pcrHandlers: HandlerTable = {};
