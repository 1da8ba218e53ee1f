import { TPM_HT, TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';

/** TPM2_FlushContext (Part 3 "TPM2_FlushContext"): removes a loaded object or a loaded or saved session. */
export const FlushContext: Handler<'FlushContext'> = (ctx, { flushHandle }) => {
  const type = flushHandle >>> 24;
  if (type === TPM_HT.TRANSIENT) {
    if (!(flushHandle in ctx.read('volatile').objects)) throw tpmError(TPM_RC.HANDLE).at('flushHandle');
    delete ctx.write('volatile').objects[flushHandle];
    return {};
  }
  if (type === TPM_HT.HMAC_SESSION || type === TPM_HT.POLICY_SESSION) {
    const v = ctx.read('volatile');
    // Flushing the exclusive audit session ends exclusive audit (the reference's TPM2_FlushContext).
    if (v.exclusiveAuditSession === flushHandle && (v.sessions?.[flushHandle] || v.savedSessions?.[flushHandle] !== undefined)) {
      delete ctx.write('volatile').exclusiveAuditSession;
    }
    if (v.sessions?.[flushHandle]) {
      delete ctx.write('volatile').sessions![flushHandle];
      return {};
    }
    if (v.savedSessions?.[flushHandle] !== undefined) {
      delete ctx.write('volatile').savedSessions![flushHandle];
      return {};
    }
  }
  throw tpmError(TPM_RC.HANDLE).at('flushHandle');
};
