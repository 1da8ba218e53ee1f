import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { sequenceOf } from '../../object.js';
import type { SequenceObject } from '../../state/types.js';
import type { Handler } from '../handler.js';
import { hashCheckTicket, nullHashCheckTicket, ticketSafe } from './ticket.js';

/**
 * TPM2_SequenceComplete (Part 3 "TPM2_SequenceComplete"): the digest of a hash sequence with a
 * hash-check ticket when hierarchy is not TPM_RH_NULL and the first block (of an update, or this
 * buffer) has four octets other than TPM_GENERATED_VALUE; the sequence is flushed. An Event
 * sequence is TPM_RC_MODE on handle 1.
 */
export const SequenceComplete: Handler<'SequenceComplete'> = (ctx, { sequenceHandle, buffer, hierarchy }) => {
  const found = sequenceOf(ctx, sequenceHandle);
  if (!found || found.kind === 'event') throw tpmError(TPM_RC.MODE, 'not a hash or HMAC sequence').at('sequenceHandle');
  const v = ctx.write('volatile');
  const seq = v.objects[sequenceHandle] as SequenceObject;
  delete v.objects[sequenceHandle];
  const inner = seq.contexts[0].update(buffer).digest();
  // An HMAC sequence finishes with its outer hash over the inner digest (HMAC_Start.ts).
  const result = seq.kind === 'hmac' ? seq.contexts[1].update(inner).digest() : inner;
  if (seq.kind !== 'hash') return { result, validation: nullHashCheckTicket() };
  const safe = ticketSafe(seq.firstBlock ?? buffer.subarray(0, 4));
  return { result, validation: safe ? hashCheckTicket(ctx, hierarchy, seq.hashAlg, result) : nullHashCheckTicket() };
};
