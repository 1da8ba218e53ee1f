import { TPM_HT, TPM_RC, TPM_RH, TPMA_OBJECT } from '../../../gen/constants.js';
import { SAVED_OBJECT, SAVED_SEQUENCE, SAVED_STCLEAR_OBJECT, sealContext } from '../../context-blob.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import { objectOf, sequenceOf } from '../../object.js';
import type { Handler } from '../handler.js';

/** The next context sequence number (Part 1 "Context Management": contextCounter). */
export function nextContextSequence(ctx: CommandContext): number {
  const sr = ctx.write('stateReset');
  sr.contextCounter = (sr.contextCounter ?? 0) + 1;
  return sr.contextCounter;
}

/**
 * TPM2_ContextSave (Part 3 "TPM2_ContextSave"): an object stays loaded and its context may be
 * loaded again any number of times; a session becomes saved, keeps its handle, and only this
 * context (by its sequence number) can load it back.
 */
export const ContextSave: Handler<'ContextSave'> = (ctx, { saveHandle }) => {
  const type = saveHandle >>> 24;
  if (type === TPM_HT.TRANSIENT) {
    const sequence = nextContextSequence(ctx);
    const seq = sequenceOf(ctx, saveHandle);
    if (seq) {
      const blob = sealContext(ctx, TPM_RH.NULL, sequence, SAVED_SEQUENCE, { kind: 'sequence', sequence: seq });
      return { context: { sequence: BigInt(sequence), savedHandle: SAVED_SEQUENCE, hierarchy: TPM_RH.NULL, contextBlob: blob } };
    }
    const o = objectOf(ctx, saveHandle);
    if (!o) throw tpmError(TPM_RC.HANDLE).at('saveHandle');
    const savedHandle = o.public.objectAttributes & TPMA_OBJECT.stClear ? SAVED_STCLEAR_OBJECT : SAVED_OBJECT;
    const blob = sealContext(ctx, o.hierarchy, sequence, savedHandle, { kind: 'object', record: o });
    return { context: { sequence: BigInt(sequence), savedHandle, hierarchy: o.hierarchy, contextBlob: blob } };
  }
  if (type === TPM_HT.HMAC_SESSION || type === TPM_HT.POLICY_SESSION) {
    const session = ctx.read('volatile').sessions?.[saveHandle];
    if (!session) throw tpmError(TPM_RC.HANDLE).at('saveHandle');
    const sequence = nextContextSequence(ctx);
    // The oldest saved session may not fall more than CONTEXT_GAP_MAX behind (Part 1 "Context Gap").
    const saved = Object.values(ctx.read('volatile').savedSessions ?? {});
    if (saved.some((s) => sequence - s > ctx.profile.limits.CONTEXT_GAP_MAX)) throw tpmError(TPM_RC.CONTEXT_GAP);
    const blob = sealContext(ctx, TPM_RH.NULL, sequence, saveHandle, { kind: 'session', session });
    const v = ctx.write('volatile');
    delete v.sessions![saveHandle];
    (v.savedSessions ??= {})[saveHandle] = sequence;
    return { context: { sequence: BigInt(sequence), savedHandle: saveHandle, hierarchy: TPM_RH.NULL, contextBlob: blob } };
  }
  throw tpmError(TPM_RC.HANDLE).at('saveHandle');
};
