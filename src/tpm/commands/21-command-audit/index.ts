import type { HandlerTable } from '../handler.js';
import { SetCommandCodeAuditStatus } from './SetCommandCodeAuditStatus.js';

/** Part 3 "Command Audit". */
export const commandAuditHandlers: HandlerTable = { SetCommandCodeAuditStatus };
