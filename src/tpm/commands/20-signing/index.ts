import type { HandlerTable } from '../handler.js';
import { Sign } from './Sign.js';
import { VerifySignature } from './VerifySignature.js';

/** Part 3 "Signing and Signature Verification". */
export const signingHandlers: HandlerTable = { VerifySignature, Sign };
