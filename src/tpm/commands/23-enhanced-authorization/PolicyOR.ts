import { bytesEqual } from '../../../crypto/bytes.js';
import { TPM_RC } from '../../../gen/constants.js';
import { policyOR } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { isTrial, policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyOR (Part 3 "TPM2_PolicyOR"): when policyDigest is one of pHashList (any, in a trial
 * session), it becomes H(0…0 ‖ TPM_CC_PolicyOR ‖ pHashList digests); else TPM_RC_VALUE.
 */
export const PolicyOR: Handler<'PolicyOR'> = (ctx, { policySession: handle, pHashList }) => {
  const session = policySession(ctx, handle);
  const digests = pHashList.digests;
  if (!isTrial(session) && !digests.some((d) => bytesEqual(d, session.policyDigest))) {
    throw tpmError(TPM_RC.VALUE, 'policyDigest is none of the list').at('pHashList');
  }
  session.policyDigest = policyOR(sessionHash(ctx, session), digests);
  return {};
};
