import { bytesEqual } from '../../../crypto/bytes.js';
import { TPM_RC } from '../../../gen/constants.js';
import { policyPCR } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import { pcrCompositeDigest } from '../../pcr.js';
import type { Handler } from '../handler.js';
import { isTrial, policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyPCR (Part 3 "TPM2_PolicyPCR"): gates the policy on the selected PCRs.
 * policyDigest := H(policyDigest ‖ TPM_CC_PolicyPCR ‖ pcrs ‖ digest of the PCR values); a
 * given pcrDigest must equal the current one (TPM_RC_VALUE). The session remembers
 * pcrUpdateCounter: any PCR change since then fails it (TPM_RC_PCR_CHANGED). A trial session
 * uses pcrDigest as given, else the current values.
 */
export const PolicyPCR: Handler<'PolicyPCR'> = (ctx, { policySession: handle, pcrDigest, pcrs }) => {
  const session = policySession(ctx, handle);
  const hash = sessionHash(ctx, session);
  const clear = ctx.read('stateClear');
  let digest = pcrCompositeDigest(hash, ctx.read('persistent').pcrAllocation, clear, ctx.profile.pcrCount, pcrs.pcrSelections);
  if (!isTrial(session)) {
    if (session.pcrUpdateCounter !== undefined && session.pcrUpdateCounter !== clear.pcrUpdateCounter) throw tpmError(TPM_RC.PCR_CHANGED);
    if (pcrDigest.length && !bytesEqual(pcrDigest, digest)) throw tpmError(TPM_RC.VALUE, 'the PCRs have other values').at('pcrDigest');
    session.pcrUpdateCounter = clear.pcrUpdateCounter;
  } else if (pcrDigest.length) {
    digest = pcrDigest;
  }
  session.policyDigest = policyPCR(hash, session.policyDigest, pcrs.pcrSelections, digest);
  return {};
};
