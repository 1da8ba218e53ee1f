import { TPM_RC, TPMA_NV as A } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { has, nvAuthorizationCheck, requireIndex, updateIndex, writeAccessCheck } from '../../nv.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_NV_WriteLock (Part 3 "TPM2_NV_WriteLock"): sets WRITELOCKED on a WRITEDEFINE or
 * WRITE_STCLEAR index; an index already locked is no error.
 */
export const NV_WriteLock: Handler<'NV_WriteLock'> = (ctx, { authHandle, nvIndex }) => {
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  nvAuthorizationCheck(ctx, 'authHandle', authHandle);
  const a = x.public.attributes;
  const rc = writeAccessCheck(authHandle, nvIndex, a);
  if (rc === TPM_RC.NV_AUTHORIZATION) throw tpmError(rc, 'write access');
  if (rc) return {};
  if (!has(a, A.WRITEDEFINE | A.WRITE_STCLEAR)) throw tpmError(TPM_RC.ATTRIBUTES, 'neither WRITEDEFINE nor WRITE_STCLEAR').at('nvIndex');
  updateIndex(ctx, nvIndex, { attributes: (a | A.WRITELOCKED) >>> 0 });
  return {};
};
