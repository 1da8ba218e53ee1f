import { TPM_RC, TPM_RH } from '../../../gen/constants.js';
import { trimTrailingZeros } from '../../dispatch/entities.js';
import { tpmError } from '../../errors.js';
import { contextHash } from '../../properties.js';
import type { Handler } from '../handler.js';
import { requireEnabled } from './enabled.js';

/**
 * TPM2_HierarchyChangeAuth (Part 3 "TPM2_HierarchyChangeAuth"): a new authValue for a
 * hierarchy, trailing zeros removed, no longer than the context-integrity hash's digest
 * (TPM_RC_SIZE). platformAuth is TPM Reset data; the others are persistent.
 */
export const HierarchyChangeAuth: Handler<'HierarchyChangeAuth'> = (ctx, { authHandle, newAuth }) => {
  requireEnabled(ctx, 'authHandle', authHandle);
  const auth = trimTrailingZeros(newAuth).slice();
  if (auth.length > contextHash(ctx.profile).digestSize) {
    throw tpmError(TPM_RC.SIZE, 'newAuth is longer than the context-integrity digest').at('newAuth');
  }
  switch (authHandle) {
    case TPM_RH.PLATFORM:
      ctx.write('stateClear').platformAuth = auth;
      break;
    case TPM_RH.OWNER:
      ctx.write('persistent').hierarchyAuth.owner = auth;
      break;
    case TPM_RH.ENDORSEMENT:
      ctx.write('persistent').hierarchyAuth.endorsement = auth;
      break;
    case TPM_RH.LOCKOUT:
      ctx.write('persistent').hierarchyAuth.lockout = auth;
      break;
  }
  return {};
};
