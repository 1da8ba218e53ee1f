import { TPM_RC, TPMA_NV as A } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { has, isCounter, nvAuthorizationCheck, readUint64, requireIndex, saveOrderlyIndices, uint64Bytes, writeAccessCheck, writeIndexData } from '../../nv.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_NV_Increment (Part 3 "TPM2_NV_Increment"): a counter's first increment starts from the
 * highest count of any deleted counter; an ORDERLY counter is written to NV whenever its low
 * MAX_ORDERLY_COUNT bits roll over to zero.
 */
export const NV_Increment: Handler<'NV_Increment'> = (ctx, { authHandle, nvIndex }) => {
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  nvAuthorizationCheck(ctx, 'authHandle', authHandle);
  const a = x.public.attributes;
  const rc = writeAccessCheck(authHandle, nvIndex, a);
  if (rc) throw tpmError(rc, 'write access');
  if (!isCounter(a)) throw tpmError(TPM_RC.ATTRIBUTES, 'not a counter index').at('nvIndex');
  const before = has(a, A.WRITTEN) ? readUint64(x.data) : (ctx.read('persistent').nvMaxCounter ?? 0n);
  const value = BigInt.asUintN(64, before + 1n);
  writeIndexData(ctx, nvIndex, 0, uint64Bytes(value));
  if (has(a, A.ORDERLY) && (value & BigInt(ctx.profile.limits.MAX_ORDERLY_COUNT ?? 255)) === 0n) saveOrderlyIndices(ctx);
  return {};
};
