import { TPM_HT, TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';

/** TPM2_FlushContext (Part 3 "TPM2_FlushContext"): removes a loaded object or session. */
export const FlushContext: Handler<'FlushContext'> = (ctx, { flushHandle }) => {
  const type = flushHandle >>> 24;
  if (type === TPM_HT.TRANSIENT) {
    if (!(flushHandle in ctx.read('volatile').objects)) throw tpmError(TPM_RC.HANDLE).at('flushHandle');
    delete ctx.write('volatile').objects[flushHandle];
    return {};
  }
  if (type === TPM_HT.HMAC_SESSION || type === TPM_HT.POLICY_SESSION) {
    if (!ctx.read('volatile').sessions?.[flushHandle]) throw tpmError(TPM_RC.HANDLE).at('flushHandle');
    delete ctx.write('volatile').sessions![flushHandle];
    return {};
  }
  throw tpmError(TPM_RC.HANDLE).at('flushHandle');
};
