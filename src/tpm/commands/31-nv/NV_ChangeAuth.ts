import { TPM_RC } from '../../../gen/constants.js';
import { trimTrailingZeros } from '../../dispatch/entities.js';
import { tpmError } from '../../errors.js';
import { nvAuthorizationCheck, requireIndex, updateIndex } from '../../nv.js';
import type { Handler } from '../handler.js';

/** TPM2_NV_ChangeAuth (Part 3): a new authValue, at most a nameAlg digest long (ADMIN role: policy). */
export const NV_ChangeAuth: Handler<'NV_ChangeAuth'> = (ctx, { nvIndex, newAuth }) => {
  nvAuthorizationCheck(ctx, 'nvIndex', nvIndex);
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  const auth = trimTrailingZeros(newAuth);
  if (auth.length > (ctx.crypto.hash(x.public.nameAlg)?.digestSize ?? 0)) throw tpmError(TPM_RC.SIZE, 'longer than a nameAlg digest').at('newAuth');
  updateIndex(ctx, nvIndex, { authValue: auth.slice() });
  return {};
};
