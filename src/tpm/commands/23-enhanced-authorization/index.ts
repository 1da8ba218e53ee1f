import type { HandlerTable } from '../handler.js';
import { PolicyAuthValue } from './PolicyAuthValue.js';
import { PolicyCommandCode } from './PolicyCommandCode.js';
import { PolicyGetDigest } from './PolicyGetDigest.js';
import { PolicyPassword } from './PolicyPassword.js';
import { PolicySecret } from './PolicySecret.js';

export const policyHandlers: HandlerTable = { PolicySecret, PolicyCommandCode, PolicyAuthValue, PolicyPassword, PolicyGetDigest };
