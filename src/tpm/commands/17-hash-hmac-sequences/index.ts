import type { HandlerTable } from '../handler.js';
import { EventSequenceComplete } from './EventSequenceComplete.js';
import { Hash } from './Hash.js';
import { HashSequenceStart } from './HashSequenceStart.js';
import { HMAC_Start } from './HMAC_Start.js';
import { SequenceComplete } from './SequenceComplete.js';
import { SequenceUpdate } from './SequenceUpdate.js';

/** Clause 17, and TPM2_Hash (clause 15 "Symmetric Primitives"), which shares the hash-check ticket. */
export const sequenceHandlers: HandlerTable = { Hash, HashSequenceStart, HMAC_Start, SequenceUpdate, SequenceComplete, EventSequenceComplete };
