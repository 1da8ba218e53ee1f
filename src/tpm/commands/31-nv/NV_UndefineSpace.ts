import { TPM_RC, TPM_RH, TPMA_NV as A } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { deleteIndex, has, requireIndex } from '../../nv.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_NV_UndefineSpace (Part 3 "TPM2_NV_UndefineSpace"): POLICY_DELETE indices only go with
 * NV_UndefineSpaceSpecial; the owner may not delete a platform-created index.
 */
export const NV_UndefineSpace: Handler<'NV_UndefineSpace'> = (ctx, { authHandle, nvIndex }) => {
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  const a = x.public.attributes;
  if (has(a, A.POLICY_DELETE)) throw tpmError(TPM_RC.ATTRIBUTES, 'POLICY_DELETE: use NV_UndefineSpaceSpecial').at('nvIndex');
  if (authHandle === TPM_RH.OWNER && has(a, A.PLATFORMCREATE)) throw tpmError(TPM_RC.NV_AUTHORIZATION, 'the index was created by the platform');
  deleteIndex(ctx, nvIndex);
  return {};
};
