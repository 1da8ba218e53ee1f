import { TPM_HT, TPM_RC } from '../../../gen/constants.js';
import { SAVED_OBJECT, SAVED_SEQUENCE, SAVED_STCLEAR_OBJECT, openContext } from '../../context-blob.js';
import { hierarchyCheck } from '../../dispatch/entities.js';
import { tpmError } from '../../errors.js';
import { freeTransientHandle } from '../../object.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_ContextLoad (Part 3 "TPM2_ContextLoad"): checks the context's integrity, then loads an
 * object or sequence into a new transient slot, or a saved session back at its own handle
 * (TPM_RC_HANDLE when that session is not saved with this sequence number: replay, or flushed).
 */
export const ContextLoad: Handler<'ContextLoad'> = (ctx, { context }) => {
  const { savedHandle, hierarchy, sequence, contextBlob } = context;
  const type = savedHandle >>> 24;
  const isObject = savedHandle === SAVED_OBJECT || savedHandle === SAVED_SEQUENCE || savedHandle === SAVED_STCLEAR_OBJECT;
  const isSession = type === TPM_HT.HMAC_SESSION || type === TPM_HT.POLICY_SESSION;
  if (!isObject && !isSession) throw tpmError(TPM_RC.HANDLE, 'not a context handle').at('context');
  const payload = openContext(ctx, hierarchy, sequence, savedHandle, contextBlob);
  if (isObject) {
    if (hierarchyCheck(ctx, hierarchy)) throw tpmError(TPM_RC.HIERARCHY).at('context');
    const handle = freeTransientHandle(ctx);
    if (payload.kind === 'object') ctx.write('volatile').objects[handle] = payload.record;
    else if (payload.kind === 'sequence') ctx.write('volatile').objects[handle] = payload.sequence;
    else throw tpmError(TPM_RC.HANDLE).at('context');
    return { loadedHandle: handle };
  }
  if (payload.kind !== 'session') throw tpmError(TPM_RC.HANDLE).at('context');
  const saved = ctx.read('volatile').savedSessions?.[savedHandle];
  if (saved === undefined || BigInt(saved) !== sequence) throw tpmError(TPM_RC.HANDLE, 'no saved session with this sequence').at('context');
  const loaded = Object.keys(ctx.read('volatile').sessions ?? {}).length;
  if (loaded >= ctx.profile.limits.MAX_LOADED_SESSIONS) throw tpmError(TPM_RC.SESSION_MEMORY);
  const v = ctx.write('volatile');
  delete v.savedSessions![savedHandle];
  (v.sessions ??= {})[savedHandle] = payload.session;
  return { loadedHandle: savedHandle };
};
