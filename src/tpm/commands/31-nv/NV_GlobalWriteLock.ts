import { TPMA_NV as A } from '../../../gen/constants.js';
import { has, nvHandles, nvIndexOf, updateIndex } from '../../nv.js';
import type { Handler } from '../handler.js';

/** TPM2_NV_GlobalWriteLock (Part 3): write-locks every GLOBALLOCK index until its next unlock. */
export const NV_GlobalWriteLock: Handler<'NV_GlobalWriteLock'> = (ctx) => {
  for (const h of nvHandles({ persistent: ctx.read('persistent') })) {
    const x = nvIndexOf(ctx, h);
    if (!x || !has(x.public.attributes, A.GLOBALLOCK) || has(x.public.attributes, A.WRITELOCKED)) continue;
    updateIndex(ctx, h, { attributes: (x.public.attributes | A.WRITELOCKED) >>> 0 });
  }
  return {};
};
