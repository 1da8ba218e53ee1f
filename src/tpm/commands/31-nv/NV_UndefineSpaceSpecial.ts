import { TPM_RC, TPMA_NV as A } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { deleteIndex, has, nvAuthorizationCheck, requireIndex } from '../../nv.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_NV_UndefineSpaceSpecial (Part 3): deletes a POLICY_DELETE index, authorized by the index
 * in the ADMIN role (a policy session) and by the platform.
 */
export const NV_UndefineSpaceSpecial: Handler<'NV_UndefineSpaceSpecial'> = (ctx, { nvIndex }) => {
  nvAuthorizationCheck(ctx, 'nvIndex', nvIndex);
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  if (!has(x.public.attributes, A.POLICY_DELETE)) throw tpmError(TPM_RC.ATTRIBUTES, 'POLICY_DELETE is CLEAR').at('nvIndex');
  deleteIndex(ctx, nvIndex);
  return {};
};
