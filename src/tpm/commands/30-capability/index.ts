import type { HandlerTable } from '../handler.js';

export const capabilityHandlers: HandlerTable = {};
