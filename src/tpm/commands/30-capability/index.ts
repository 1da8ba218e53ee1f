import type { HandlerTable } from '../handler.js';
import { GetCapability } from './GetCapability.js';
import { TestParms } from './TestParms.js';

export const capabilityHandlers: HandlerTable = { GetCapability, TestParms };
