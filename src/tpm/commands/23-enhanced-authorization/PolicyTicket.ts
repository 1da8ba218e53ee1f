import { bytesEqual } from '../../../crypto/bytes.js';
import { TPM_RC, TPM_ST } from '../../../gen/constants.js';
import { policySecret, policySigned } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { applyAuthConditions, authTicketDigest, isTrial, parseTimeout, policyParameterChecks, policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyTicket (Part 3 "TPM2_PolicyTicket"): a ticket from TPM2_PolicySigned or
 * TPM2_PolicySecret stands for that command: the session is extended as it would have been
 * (PolicyUpdate with authName and policyRef), with its timeout and cpHashA. Not in a trial
 * session (TPM_RC_ATTRIBUTES): a trial computes the digest with PolicySigned/PolicySecret.
 */
export const PolicyTicket: Handler<'PolicyTicket'> = (ctx, input) => {
  const { policySession: handle, timeout, cpHashA, policyRef, authName, ticket } = input;
  const session = policySession(ctx, handle);
  if (isTrial(session)) throw tpmError(TPM_RC.ATTRIBUTES, 'a trial session takes no ticket').at('policySession');
  if (timeout.length !== 8) throw tpmError(TPM_RC.SIZE).at('timeout');
  const { timeout: authTimeout } = parseTimeout(timeout);
  policyParameterChecks(ctx, session, authTimeout, cpHashA, null, { cpHash: 'cpHashA', expiration: 'timeout' });
  const expected = authTicketDigest(ctx, ticket.tag, ticket.hierarchy, timeout, cpHashA, policyRef, authName);
  if (!expected || !bytesEqual(expected, ticket.digest)) throw tpmError(TPM_RC.TICKET, 'not a ticket of this TPM for these values').at('ticket');
  const hash = sessionHash(ctx, session);
  const update = ticket.tag === TPM_ST.AUTH_SIGNED ? policySigned : policySecret;
  session.policyDigest = update(hash, session.policyDigest, authName, policyRef);
  applyAuthConditions(session, cpHashA, authTimeout);
  return {};
};
