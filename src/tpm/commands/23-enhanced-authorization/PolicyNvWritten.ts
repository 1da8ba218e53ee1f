import { LOGIC_VALUES, TPM_RC } from '../../../gen/constants.js';
import { policyNvWritten } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyNvWritten (Part 3 "TPM2_PolicyNvWritten"): the NV index the session authorizes must
 * have TPMA_NV_WRITTEN as writtenSet says (checked at use); asking both ways is TPM_RC_VALUE.
 * policyDigest := H(policyDigest ‖ TPM_CC_PolicyNvWritten ‖ writtenSet).
 */
export const PolicyNvWritten: Handler<'PolicyNvWritten'> = (ctx, { policySession: handle, writtenSet }) => {
  const session = policySession(ctx, handle);
  const yes = writtenSet === LOGIC_VALUES.YES;
  if (session.nvWrittenState !== undefined && session.nvWrittenState !== yes) throw tpmError(TPM_RC.VALUE).at('writtenSet');
  session.nvWrittenState = yes;
  session.policyDigest = policyNvWritten(sessionHash(ctx, session), session.policyDigest, yes);
  return {};
};
