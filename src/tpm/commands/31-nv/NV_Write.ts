import { TPM_NT, TPM_RC, TPMA_NV as A } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { has, nvAuthorizationCheck, nvType, requireIndex, writeAccessCheck, writeIndexData } from '../../nv.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_NV_Write (Part 3 "TPM2_NV_Write"): ordinary and PIN indices only; the range must lie in
 * the index, and cover all of it with WRITEALL (TPM_RC_NV_RANGE).
 */
export const NV_Write: Handler<'NV_Write'> = (ctx, { authHandle, nvIndex, data, offset }) => {
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  nvAuthorizationCheck(ctx, 'authHandle', authHandle);
  const a = x.public.attributes;
  const rc = writeAccessCheck(authHandle, nvIndex, a);
  if (rc) throw tpmError(rc, 'write access');
  const t = nvType(a);
  if (t === TPM_NT.COUNTER || t === TPM_NT.BITS || t === TPM_NT.EXTEND) throw tpmError(TPM_RC.ATTRIBUTES, 'counter, bits and extend indices have their own commands');
  if (offset > x.public.dataSize) throw tpmError(TPM_RC.VALUE, 'offset beyond the index').at('offset');
  if (data.length > x.public.dataSize - offset) throw tpmError(TPM_RC.NV_RANGE, 'data beyond the index');
  if (has(a, A.WRITEALL) && data.length < x.public.dataSize) throw tpmError(TPM_RC.NV_RANGE, 'WRITEALL: the whole index at once');
  writeIndexData(ctx, nvIndex, offset, data);
  return {};
};
