import { TPM_RC } from '../../../gen/constants.js';
import { policyParameters } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { cpHashUnionOccupied, policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyParameters (TPM 2.0 Library 1.83, Part 3 "TPM2_PolicyParameters"): the session
 * authorizes only a command whose parameters hash to pHash (H(commandCode ‖ parameters)), with
 * any handles. Not with another cpHash-like value (TPM_RC_CPHASH).
 * policyDigest := H(policyDigest ‖ TPM_CC_PolicyParameters ‖ pHash).
 */
export const PolicyParameters: Handler<'PolicyParameters'> = (ctx, { policySession: handle, pHash }) => {
  const session = policySession(ctx, handle);
  const hash = sessionHash(ctx, session);
  if (pHash.length !== hash.digestSize) throw tpmError(TPM_RC.SIZE).at('pHash');
  if (cpHashUnionOccupied(session)) throw tpmError(TPM_RC.CPHASH);
  session.policyDigest = policyParameters(hash, session.policyDigest, pHash);
  session.pHash = pHash.slice();
  return {};
};
