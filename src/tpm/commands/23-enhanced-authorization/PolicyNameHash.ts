import { TPM_RC } from '../../../gen/constants.js';
import { policyNameHash } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { cpHashUnionOccupied, policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyNameHash (Part 3 "TPM2_PolicyNameHash"): the session authorizes only a command whose
 * handles' Names hash to nameHash (H(Name1 ‖ Name2 ‖ …)). Set once, and not with a cpHash, pHash
 * or templateHash (TPM_RC_CPHASH). policyDigest := H(policyDigest ‖ TPM_CC_PolicyNameHash ‖ nameHash).
 */
export const PolicyNameHash: Handler<'PolicyNameHash'> = (ctx, { policySession: handle, nameHash }) => {
  const session = policySession(ctx, handle);
  const hash = sessionHash(ctx, session);
  if (nameHash.length !== hash.digestSize) throw tpmError(TPM_RC.SIZE).at('nameHash');
  if (cpHashUnionOccupied(session)) throw tpmError(TPM_RC.CPHASH);
  session.policyDigest = policyNameHash(hash, session.policyDigest, nameHash);
  session.nameHash = nameHash.slice();
  return {};
};
