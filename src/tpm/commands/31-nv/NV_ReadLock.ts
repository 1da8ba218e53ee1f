import { TPM_RC, TPMA_NV as A } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { has, nvAuthorizationCheck, nvIndexOf, nvPinAuthorized, readAccessCheck, requireIndex, updateIndex } from '../../nv.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_NV_ReadLock (Part 3 "TPM2_NV_ReadLock"): sets READLOCKED on a READ_STCLEAR index until
 * the next TPM Reset or Restart; already locked is no error, nor is an unwritten index.
 */
export const NV_ReadLock: Handler<'NV_ReadLock'> = (ctx, { authHandle, nvIndex }) => {
  requireIndex(ctx, nvIndex, 'nvIndex');
  nvAuthorizationCheck(ctx, 'authHandle', authHandle);
  nvPinAuthorized(ctx, 'authHandle', authHandle);
  const a = nvIndexOf(ctx, nvIndex)!.public.attributes;
  const rc = readAccessCheck(authHandle, nvIndex, a);
  if (rc === TPM_RC.NV_AUTHORIZATION) throw tpmError(rc, 'read access');
  if (rc === TPM_RC.NV_LOCKED) return {};
  if (!has(a, A.READ_STCLEAR)) throw tpmError(TPM_RC.ATTRIBUTES, 'READ_STCLEAR is CLEAR').at('nvIndex');
  updateIndex(ctx, nvIndex, { attributes: (a | A.READLOCKED) >>> 0 });
  return {};
};
