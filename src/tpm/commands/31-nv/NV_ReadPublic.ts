import { nvName, requireIndex } from '../../nv.js';
import type { Handler } from '../handler.js';

/** TPM2_NV_ReadPublic (Part 3): the public area (current attributes) and the Name. */
export const NV_ReadPublic: Handler<'NV_ReadPublic'> = (ctx, { nvIndex }) => {
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  return { nvPublic: { nvPublic: x.public }, nvName: nvName(ctx, x.public) };
};
