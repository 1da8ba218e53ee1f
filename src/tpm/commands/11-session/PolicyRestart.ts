import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_PolicyRestart (Part 3 "TPM2_PolicyRestart"): back to an empty policyDigest and no policy
 * conditions (the reference's SessionResetPolicyData); a trial session stays a trial session.
 */
export const PolicyRestart: Handler<'PolicyRestart'> = (ctx, { sessionHandle }) => {
  const s = ctx.read('volatile').sessions?.[sessionHandle];
  if (!s || s.type === 'hmac') throw tpmError(TPM_RC.HANDLE).at('sessionHandle');
  const w = ctx.write('volatile').sessions![sessionHandle];
  w.policyDigest = new Uint8Array(w.policyDigest.length);
  delete w.commandCode;
  delete w.isAuthValueNeeded;
  delete w.isPasswordNeeded;
  delete w.timeout;
  delete w.cpHash;
  delete w.nameHash;
  delete w.pHash;
  delete w.templateHash;
  delete w.pcrUpdateCounter;
  delete w.commandLocality;
  delete w.isPPRequired;
  delete w.nvWrittenState;
  return {};
};
