import type { Handler } from '../handler.js';
import { ensureTested } from '../10-testing/self-test.js';
import { hashCheckTicket, nullHashCheckTicket, ticketSafe } from './ticket.js';

/**
 * TPM2_Hash (Part 3 "TPM2_Hash", clause 15): the digest of data and, unless hierarchy is
 * TPM_RH_NULL or data begins with TPM_GENERATED_VALUE, a hash-check ticket. Data shorter than
 * four octets cannot begin with it and gets a ticket (as in the reference).
 */
export const Hash: Handler<'Hash'> = (ctx, { data, hashAlg, hierarchy }) => {
  ensureTested(ctx, [hashAlg]);
  const outHash = ctx.crypto.hash(hashAlg)!.digest(data);
  const safe = data.length < 4 || ticketSafe(data);
  return { outHash, validation: safe ? hashCheckTicket(ctx, hierarchy, hashAlg, outHash) : nullHashCheckTicket() };
};
