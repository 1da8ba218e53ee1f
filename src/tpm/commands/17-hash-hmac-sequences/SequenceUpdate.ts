import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { sequenceOf, writableSequence } from '../../object.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_SequenceUpdate (Part 3 "TPM2_SequenceUpdate"): adds data to a hash, HMAC or Event
 * sequence; a hash sequence remembers its first block for the ticket decision. Any other object
 * is TPM_RC_MODE on handle 1.
 */
export const SequenceUpdate: Handler<'SequenceUpdate'> = (ctx, { sequenceHandle, buffer }) => {
  if (!sequenceOf(ctx, sequenceHandle)) throw tpmError(TPM_RC.MODE, 'not a sequence object').at('sequenceHandle');
  const seq = writableSequence(ctx, sequenceHandle);
  if (seq.kind === 'hash' && seq.firstBlock === null) seq.firstBlock = buffer.slice(0, 4);
  // An HMAC sequence's data goes to its inner hash only (contexts: inner, outer; HMAC_Start.ts).
  for (const c of seq.kind === 'hmac' ? seq.contexts.slice(0, 1) : seq.contexts) c.update(buffer);
  return {};
};
