import type { HandlerTable } from '../handler.js';
import { EncryptDecrypt } from './EncryptDecrypt.js';
import { EncryptDecrypt2 } from './EncryptDecrypt2.js';
import { HMAC } from './HMAC.js';

/** Part 3 "Symmetric Primitives" (TPM2_Hash is with the sequences, which share its ticket). */
export const symmetricHandlers: HandlerTable = { EncryptDecrypt, EncryptDecrypt2, HMAC };
