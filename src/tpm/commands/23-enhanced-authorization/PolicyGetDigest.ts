import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';

/** TPM2_PolicyGetDigest (Part 3): the current policyDigest of a policy or trial session. */
export const PolicyGetDigest: Handler<'PolicyGetDigest'> = (ctx, { policySession }) => {
  const s = ctx.read('volatile').sessions?.[policySession];
  if (!s || s.type === 'hmac') throw tpmError(TPM_RC.HANDLE).at('policySession');
  return { policyDigest: s.policyDigest };
};
