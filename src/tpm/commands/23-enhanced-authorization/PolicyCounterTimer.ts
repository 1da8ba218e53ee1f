import { TPM_RC } from '../../../gen/constants.js';
import { policyCounterTimer } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { checkCondition, isTrial, policySession, sessionHash, timeInfoBytes } from './_support.js';

/**
 * TPM2_PolicyCounterTimer (Part 3 "TPM2_PolicyCounterTimer"): gates the policy on the marshalled
 * TPMS_TIME_INFO (time at offset 0, clock 8, resetCount 16, restartCount 20, safe 24):
 * operandA `operation` operandB, else TPM_RC_POLICY. policyDigest := H(policyDigest ‖
 * TPM_CC_PolicyCounterTimer ‖ H(operandB ‖ offset ‖ operation)). A trial session does not compare.
 */
export const PolicyCounterTimer: Handler<'PolicyCounterTimer'> = (ctx, { policySession: handle, operandB, offset, operation }) => {
  const info = timeInfoBytes(ctx);
  if (offset > info.length) throw tpmError(TPM_RC.VALUE, 'offset beyond TPMS_TIME_INFO').at('offset');
  if (offset + operandB.length > info.length) throw tpmError(TPM_RC.RANGE, 'operandB runs beyond TPMS_TIME_INFO');
  const session = policySession(ctx, handle);
  if (!isTrial(session) && !checkCondition(operation, info.subarray(offset, offset + operandB.length), operandB)) {
    throw tpmError(TPM_RC.POLICY, 'the comparison is false');
  }
  session.policyDigest = policyCounterTimer(sessionHash(ctx, session), session.policyDigest, operandB, offset, operation);
  return {};
};
