import { TPM_RC } from '../../../gen/constants.js';
import { policyNV } from '../../../protocol/policy.js';
import { nameOf } from '../../dispatch/entities.js';
import { tpmError } from '../../errors.js';
import { nvPinAuthorized, readAccessCheck, requireIndex } from '../../nv.js';
import type { Handler } from '../handler.js';
import { checkCondition, isTrial, policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyNV (Part 3 "TPM2_PolicyNV"): gates the policy on the contents of an NV index:
 * operandA (operandB's size of octets at offset) `operation` operandB, else TPM_RC_POLICY. Reading
 * follows TPM2_NV_Read's access rules. policyDigest := H(policyDigest ‖ TPM_CC_PolicyNV ‖
 * H(operandB ‖ offset ‖ operation) ‖ nvIndex Name). A trial session does not read.
 */
export const PolicyNV: Handler<'PolicyNV'> = (ctx, { authHandle, nvIndex, policySession: handle, operandB, offset, operation }) => {
  const session = policySession(ctx, handle);
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  nvPinAuthorized(ctx, 'authHandle', authHandle);
  if (!isTrial(session)) {
    const rc = readAccessCheck(authHandle, nvIndex, x.public.attributes);
    if (rc) throw tpmError(rc, 'read access');
    if (offset > x.public.dataSize) throw tpmError(TPM_RC.VALUE, 'offset beyond the index').at('offset');
    if (x.public.dataSize - offset < operandB.length) throw tpmError(TPM_RC.SIZE, 'operandB runs beyond the index').at('operandB');
    if (!checkCondition(operation, x.data.subarray(offset, offset + operandB.length), operandB)) throw tpmError(TPM_RC.POLICY, 'the comparison is false');
  }
  session.policyDigest = policyNV(sessionHash(ctx, session), session.policyDigest, nameOf(ctx, nvIndex), operandB, offset, operation);
  return {};
};
