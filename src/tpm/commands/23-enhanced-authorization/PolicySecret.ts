import { TPM_NT, TPM_RC, TPM_RH, TPM_ST } from '../../../gen/constants.js';
import { policySecret } from '../../../protocol/policy.js';
import { entityHierarchy, nameOf } from '../../dispatch/entities.js';
import { tpmError } from '../../errors.js';
import { nvIndexOf, nvType } from '../../nv.js';
import type { Handler } from '../handler.js';
import { applyAuthConditions, authTicketDigest, authTimeout, isTrial, policyParameterChecks, policySession, sessionHash, timeoutBytes } from './_support.js';

/**
 * TPM2_PolicySecret (Part 3 "TPM2_PolicySecret"): the authorization of authHandle (checked by
 * the dispatcher) satisfies the policy; policyDigest extends with the entity's Name and then
 * policyRef. nonceTPM, when given, binds it to this session; a non-zero expiration limits the
 * session's life, and a negative one also returns a ticket (Part 2 "TPMT_TK_AUTH") for
 * TPM2_PolicyTicket. cpHashA limits the session to one command's parameters. A trial session
 * checks nothing.
 */
export const PolicySecret: Handler<'PolicySecret'> = (ctx, input) => {
  const { authHandle, policySession: handle, nonceTPM, cpHashA, policyRef, expiration } = input;
  const session = policySession(ctx, handle);
  const trial = isTrial(session);
  const authName = nameOf(ctx, authHandle);
  const timeout = trial ? 0 : authTimeout(ctx, session, expiration, nonceTPM);
  if (!trial) policyParameterChecks(ctx, session, timeout, cpHashA, nonceTPM, { nonce: 'nonceTPM', cpHash: 'cpHashA', expiration: 'expiration' });
  session.policyDigest = policySecret(sessionHash(ctx, session), session.policyDigest, authName, policyRef);
  applyAuthConditions(session, cpHashA, timeout);

  // No ticket for a PIN pass index (its uses are counted).
  const index = nvIndexOf(ctx, authHandle);
  const pinPass = index !== undefined && nvType(index.public.attributes) === TPM_NT.PIN_PASS;
  if (expiration < 0 && !trial && !pinPass) {
    const hierarchy = entityHierarchy(ctx, authHandle);
    const t = timeoutBytes(timeout, nonceTPM.length === 0);
    const digest = authTicketDigest(ctx, TPM_ST.AUTH_SECRET, hierarchy, t, cpHashA, policyRef, authName);
    if (!digest) throw tpmError(TPM_RC.HIERARCHY).at('authHandle');
    return { timeout: t, policyTicket: { tag: TPM_ST.AUTH_SECRET, hierarchy, digest } };
  }
  return { timeout: new Uint8Array(0), policyTicket: { tag: TPM_ST.AUTH_SECRET, hierarchy: TPM_RH.NULL, digest: new Uint8Array(0) } };
};
