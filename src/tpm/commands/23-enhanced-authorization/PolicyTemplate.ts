import { bytesEqual } from '../../../crypto/bytes.js';
import { TPM_RC } from '../../../gen/constants.js';
import { policyTemplate } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { cpHashUnionOccupied, policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyTemplate (Part 3 "TPM2_PolicyTemplate"): the session authorizes only a Create,
 * CreatePrimary or CreateLoaded whose inPublic hashes to templateHash. Another cpHash-like value
 * already set is TPM_RC_CPHASH. policyDigest := H(policyDigest ‖ TPM_CC_PolicyTemplate ‖ templateHash).
 */
export const PolicyTemplate: Handler<'PolicyTemplate'> = (ctx, { policySession: handle, templateHash }) => {
  const session = policySession(ctx, handle);
  const hash = sessionHash(ctx, session);
  if (cpHashUnionOccupied(session) && !(session.templateHash && bytesEqual(session.templateHash, templateHash))) throw tpmError(TPM_RC.CPHASH);
  if (templateHash.length !== hash.digestSize) throw tpmError(TPM_RC.SIZE).at('templateHash');
  session.policyDigest = policyTemplate(hash, session.policyDigest, templateHash);
  session.templateHash = templateHash.slice();
  return {};
};
