import { policyPhysicalPresence } from '../../../protocol/policy.js';
import type { Handler } from '../handler.js';
import { policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyPhysicalPresence (Part 3 "TPM2_PolicyPhysicalPresence"): physical presence must be
 * asserted when the session authorizes (TPM_RC_PP). policyDigest := H(policyDigest ‖ TPM_CC_PolicyPhysicalPresence).
 */
export const PolicyPhysicalPresence: Handler<'PolicyPhysicalPresence'> = (ctx, { policySession: handle }) => {
  const session = policySession(ctx, handle);
  session.policyDigest = policyPhysicalPresence(sessionHash(ctx, session), session.policyDigest);
  session.isPPRequired = true;
  return {};
};
