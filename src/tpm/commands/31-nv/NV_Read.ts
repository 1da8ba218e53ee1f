import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { nvAuthorizationCheck, nvIndexOf, nvPinAuthorized, readAccessCheck, requireIndex } from '../../nv.js';
import type { Handler } from '../handler.js';

/** TPM2_NV_Read (Part 3 "TPM2_NV_Read"): `size` octets from `offset` of a written index. */
export const NV_Read: Handler<'NV_Read'> = (ctx, { authHandle, nvIndex, size, offset }) => {
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  nvAuthorizationCheck(ctx, 'authHandle', authHandle);
  nvPinAuthorized(ctx, 'authHandle', authHandle);
  const rc = readAccessCheck(authHandle, nvIndex, x.public.attributes);
  if (rc) throw tpmError(rc, 'read access');
  const data = nvIndexOf(ctx, nvIndex)!.data;
  if (size > ctx.profile.limits.MAX_NV_BUFFER_SIZE) throw tpmError(TPM_RC.VALUE, 'larger than MAX_NV_BUFFER_SIZE').at('size');
  if (offset > x.public.dataSize) throw tpmError(TPM_RC.VALUE, 'offset beyond the index').at('offset');
  if (size > x.public.dataSize - offset) throw tpmError(TPM_RC.NV_RANGE, 'beyond the index');
  return { data: data.slice(offset, offset + size) };
};
