import { policyAuthValue } from '../../../protocol/policy.js';
import type { Handler } from '../handler.js';
import { policySession, sessionHash } from './_support.js';

/** TPM2_PolicyPassword (Part 3): the entity's authValue travels as a password; same digest as PolicyAuthValue. */
export const PolicyPassword: Handler<'PolicyPassword'> = (ctx, { policySession: handle }) => {
  const session = policySession(ctx, handle);
  session.policyDigest = policyAuthValue(sessionHash(ctx, session), session.policyDigest);
  session.isPasswordNeeded = true;
  session.isAuthValueNeeded = false;
  return {};
};
