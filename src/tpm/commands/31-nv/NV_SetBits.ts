import { TPM_NT, TPM_RC, TPMA_NV as A } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { has, nvAuthorizationCheck, nvType, readUint64, requireIndex, uint64Bytes, writeAccessCheck, writeIndexData } from '../../nv.js';
import type { Handler } from '../handler.js';

/** TPM2_NV_SetBits (Part 3 "TPM2_NV_SetBits"): ORs bits into a bit field index (zero when unwritten). */
export const NV_SetBits: Handler<'NV_SetBits'> = (ctx, { authHandle, nvIndex, bits }) => {
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  nvAuthorizationCheck(ctx, 'authHandle', authHandle);
  const a = x.public.attributes;
  const rc = writeAccessCheck(authHandle, nvIndex, a);
  if (rc) throw tpmError(rc, 'write access');
  if (nvType(a) !== TPM_NT.BITS) throw tpmError(TPM_RC.ATTRIBUTES, 'not a bit field index').at('nvIndex');
  const old = has(a, A.WRITTEN) ? readUint64(x.data) : 0n;
  writeIndexData(ctx, nvIndex, 0, uint64Bytes(old | BigInt.asUintN(64, bits)));
  return {};
};
