import { TPM_RC, TPM_RH } from '../../../gen/constants.js';
import { asProtocolError, guard } from '../../../protocol/errors.js';
import { unwrapOuter, wrapOuter } from '../../../protocol/protection.js';
import { decryptSecret, encryptSecret } from '../../../protocol/secret.js';
import { tpmError } from '../../errors.js';
import { parentSymmetric, requireObject } from '../../object.js';
import type { Handler } from '../handler.js';
import { isStorageKey, sensitiveOf } from './_support.js';

const EMPTY = new Uint8Array(0);

/**
 * TPM2_Rewrap (Part 3 "TPM2_Rewrap"; Part 1 "Duplication Authority"): replaces the outer wrapper
 * of a duplication blob made for oldParent by one for newParent, leaving the inner wrapper as it
 * is. TPM_RH_NULL on either side means no outer wrapper there (and then no seed).
 */
export const Rewrap: Handler<'Rewrap'> = (ctx, { oldParent, newParent, inDuplicate, name, inSymSeed }) => {
  if ((inSymSeed.length === 0) !== (oldParent === TPM_RH.NULL)) throw tpmError(TPM_RC.HANDLE, 'inSymSeed and oldParent disagree on an outer wrapper').at('oldParent');
  let inner = inDuplicate;
  if (oldParent !== TPM_RH.NULL) {
    const old = requireObject(ctx, oldParent, 'oldParent');
    if (!isStorageKey(old)) throw tpmError(TPM_RC.TYPE, 'the old parent is not an asymmetric storage key').at('oldParent');
    const sensitive = sensitiveOf(old);
    let seed: Uint8Array;
    try {
      seed = decryptSecret(old.public, sensitive, 'DUPLICATE', inSymSeed);
    } catch (e) {
      // Every failure to recover the seed is TPM_RC_VALUE here (the reference's TPM2_Rewrap).
      if (asProtocolError(e)) throw tpmError(TPM_RC.VALUE, 'inSymSeed does not decrypt').at('inSymSeed');
      throw e;
    }
    inner = guard(() => unwrapOuter({ nameAlg: old.public.nameAlg, symmetric: parentSymmetric(old), seed, name }, inDuplicate), 'inDuplicate');
  }
  if (newParent === TPM_RH.NULL) return { outDuplicate: inner, outSymSeed: EMPTY };
  const np = requireObject(ctx, newParent, 'newParent');
  if (!isStorageKey(np)) throw tpmError(TPM_RC.TYPE, 'the new parent is not an asymmetric storage key').at('newParent');
  const shared = encryptSecret(np.public, 'DUPLICATE', ctx.rng);
  const integrity = 2 + ctx.crypto.hash(np.public.nameAlg)!.digestSize;
  if (inner.length + integrity > ctx.profile.limits['sizeof(_PRIVATE)']) throw tpmError(TPM_RC.VALUE, 'the blob does not fit an outer wrapper').at('inDuplicate');
  const outDuplicate = wrapOuter({ nameAlg: np.public.nameAlg, symmetric: parentSymmetric(np), seed: shared.seed, name }, inner);
  return { outDuplicate, outSymSeed: shared.encryptedSecret };
};
