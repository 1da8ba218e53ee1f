import { TPM_NT, TPM_RC, TPMA_NV as A } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { has, nvAuthorizationCheck, nvType, requireIndex, writeAccessCheck, writeIndexData } from '../../nv.js';
import type { Handler } from '../handler.js';

/** TPM2_NV_Extend (Part 3 "TPM2_NV_Extend"): data = H_nameAlg(data ‖ input), from zeros when unwritten. */
export const NV_Extend: Handler<'NV_Extend'> = (ctx, { authHandle, nvIndex, data }) => {
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  nvAuthorizationCheck(ctx, 'authHandle', authHandle);
  const a = x.public.attributes;
  const rc = writeAccessCheck(authHandle, nvIndex, a);
  if (rc) throw tpmError(rc, 'write access');
  if (nvType(a) !== TPM_NT.EXTEND) throw tpmError(TPM_RC.ATTRIBUTES, 'not an extend index').at('nvIndex');
  const hash = ctx.crypto.hash(x.public.nameAlg)!;
  const old = has(a, A.WRITTEN) ? x.data : new Uint8Array(hash.digestSize);
  const h = hash.create();
  h.update(old);
  h.update(data);
  writeIndexData(ctx, nvIndex, 0, h.digest());
  return {};
};
