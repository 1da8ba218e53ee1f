import { LOGIC_VALUES, TPM_CC, TPM_RC } from '../../../gen/constants.js';
import { nameHashOf, policyDuplicationSelect } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { cpHashUnionOccupied, policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyDuplicationSelect (Part 3 "TPM2_PolicyDuplicationSelect"): the session authorizes
 * only TPM2_Duplicate of objectName to newParentName (nameHash := H(objectName ‖ newParentName),
 * commandCode := TPM_CC_Duplicate). TPM_RC_CPHASH when a cpHash-like value is set,
 * TPM_RC_COMMAND_CODE when a command code is. policyDigest := H(policyDigest ‖
 * TPM_CC_PolicyDuplicationSelect ‖ [objectName] ‖ newParentName ‖ includeObject).
 */
export const PolicyDuplicationSelect: Handler<'PolicyDuplicationSelect'> = (ctx, input) => {
  const { policySession: handle, objectName, newParentName, includeObject } = input;
  const session = policySession(ctx, handle);
  const hash = sessionHash(ctx, session);
  if (cpHashUnionOccupied(session)) throw tpmError(TPM_RC.CPHASH);
  if (session.commandCode !== undefined) throw tpmError(TPM_RC.COMMAND_CODE);
  session.nameHash = nameHashOf(hash, [objectName, newParentName]);
  session.policyDigest = policyDuplicationSelect(hash, session.policyDigest, objectName, newParentName, includeObject === LOGIC_VALUES.YES);
  session.commandCode = TPM_CC.Duplicate;
  return {};
};
