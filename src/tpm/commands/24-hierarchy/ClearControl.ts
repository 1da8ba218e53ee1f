import { LOGIC_VALUES, TPM_RC, TPM_RH } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { requireEnabled } from './enabled.js';

/**
 * TPM2_ClearControl (Part 3 "TPM2_ClearControl"): disable or enable TPM2_Clear. lockoutAuth may
 * only disable it: enabling it needs platformAuth (TPM_RC_AUTH_FAIL, as the reference).
 */
export const ClearControl: Handler<'ClearControl'> = (ctx, { auth, disable }) => {
  requireEnabled(ctx, 'auth', auth);
  const value = disable === LOGIC_VALUES.YES;
  if (auth === TPM_RH.LOCKOUT && !value) throw tpmError(TPM_RC.AUTH_FAIL, 'lockoutAuth cannot enable TPM2_Clear');
  if (ctx.read('persistent').disableClear !== value) ctx.write('persistent').disableClear = value;
  return {};
};
