import { TPM_ALG, TPM_RC, TPM_RH } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { requireEnabled } from './enabled.js';

/**
 * TPM2_SetPrimaryPolicy (Part 3 "TPM2_SetPrimaryPolicy"): the authPolicy of a hierarchy. Its
 * size must be the digest size of hashAlg (0 with TPM_ALG_NULL): TPM_RC_SIZE on authPolicy.
 * platformPolicy is reset by Startup(CLEAR); the others are persistent.
 */
export const SetPrimaryPolicy: Handler<'SetPrimaryPolicy'> = (ctx, { authHandle, authPolicy, hashAlg }) => {
  requireEnabled(ctx, 'authHandle', authHandle);
  const size = hashAlg === TPM_ALG.NULL ? 0 : (ctx.crypto.hash(hashAlg)?.digestSize ?? -1);
  if (authPolicy.length !== size) throw tpmError(TPM_RC.SIZE, 'authPolicy does not match hashAlg').at('authPolicy');
  const policy = { hashAlg, digest: authPolicy.slice() };
  switch (authHandle) {
    case TPM_RH.PLATFORM:
      ctx.write('stateClear').platformPolicy = policy;
      break;
    case TPM_RH.OWNER:
      ctx.write('persistent').hierarchyPolicy.owner = policy;
      break;
    case TPM_RH.ENDORSEMENT:
      ctx.write('persistent').hierarchyPolicy.endorsement = policy;
      break;
    case TPM_RH.LOCKOUT:
      ctx.write('persistent').hierarchyPolicy.lockout = policy;
      break;
    default:
      throw tpmError(TPM_RC.VALUE).at('authHandle');
  }
  return {};
};
