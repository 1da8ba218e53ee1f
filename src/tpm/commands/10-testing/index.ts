import type { HandlerTable } from '../handler.js';

export const testingHandlers: HandlerTable = {};
