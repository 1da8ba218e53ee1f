import { TPM_RC } from '../../../gen/constants.js';
import { policyLocality } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyLocality (Part 3 "TPM2_PolicyLocality"): limits the session to localities. Values
 * below 32 are a mask of localities 0-4, narrowed by each call; 32 and above name one extended
 * locality, which may not change. Zero, a mix of both kinds, or an empty intersection is
 * TPM_RC_RANGE.
 */
export const PolicyLocality: Handler<'PolicyLocality'> = (ctx, { policySession: handle, locality }) => {
  const session = policySession(ctx, handle);
  const range = () => tpmError(TPM_RC.RANGE).at('locality');
  if (locality === 0) throw range();
  const prev = session.commandLocality ?? 0;
  if (prev !== 0 && prev < 32 !== locality < 32) throw range();
  let next: number;
  if (locality < 32) {
    next = (prev === 0 ? 0x1f : prev) & locality;
    if (next === 0) throw range();
  } else {
    if (prev !== 0 && prev !== locality) throw range();
    next = locality;
  }
  session.policyDigest = policyLocality(sessionHash(ctx, session), session.policyDigest, locality);
  session.commandLocality = next;
  return {};
};
