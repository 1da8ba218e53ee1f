import { policyAuthValue } from '../../../protocol/policy.js';
import type { Handler } from '../handler.js';
import { policySession, sessionHash } from './_support.js';

/** TPM2_PolicyAuthValue (Part 3): the authorizing HMAC must include the entity's authValue. */
export const PolicyAuthValue: Handler<'PolicyAuthValue'> = (ctx, { policySession: handle }) => {
  const session = policySession(ctx, handle);
  session.policyDigest = policyAuthValue(sessionHash(ctx, session), session.policyDigest);
  session.isAuthValueNeeded = true;
  session.isPasswordNeeded = false;
  return {};
};
