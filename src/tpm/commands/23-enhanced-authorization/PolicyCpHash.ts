import { bytesEqual } from '../../../crypto/bytes.js';
import { TPM_RC } from '../../../gen/constants.js';
import { policyCpHash } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { cpHashUnionOccupied, policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyCpHash (Part 3 "TPM2_PolicyCpHash"): the session authorizes only the command with
 * this cpHash. A different cpHash, or a nameHash, pHash or templateHash already set, is
 * TPM_RC_CPHASH. policyDigest := H(policyDigest ‖ TPM_CC_PolicyCpHash ‖ cpHashA).
 */
export const PolicyCpHash: Handler<'PolicyCpHash'> = (ctx, { policySession: handle, cpHashA }) => {
  const session = policySession(ctx, handle);
  const hash = sessionHash(ctx, session);
  if (cpHashA.length !== hash.digestSize) throw tpmError(TPM_RC.SIZE).at('cpHashA');
  if (cpHashUnionOccupied(session) && !(session.cpHash && bytesEqual(session.cpHash, cpHashA))) throw tpmError(TPM_RC.CPHASH);
  session.policyDigest = policyCpHash(hash, session.policyDigest, cpHashA);
  session.cpHash = cpHashA.slice();
  return {};
};
