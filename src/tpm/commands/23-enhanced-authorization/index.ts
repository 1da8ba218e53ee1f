import type { HandlerTable } from '../handler.js';
import { PolicyAuthValue } from './PolicyAuthValue.js';
import { PolicyCommandCode } from './PolicyCommandCode.js';
import { PolicyGetDigest } from './PolicyGetDigest.js';
import { PolicyPassword } from './PolicyPassword.js';

export const policyHandlers: HandlerTable = { PolicyCommandCode, PolicyAuthValue, PolicyPassword, PolicyGetDigest };
