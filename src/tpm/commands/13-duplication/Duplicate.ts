import { TPM_ALG, TPM_RC, TPM_RH, TPMA_OBJECT as A } from '../../../gen/constants.js';
import { wrapDuplicate, type DuplicationWrap } from '../../../protocol/protection.js';
import { encryptSecret } from '../../../protocol/secret.js';
import { tpmError } from '../../errors.js';
import { parentSymmetric, requireObject } from '../../object.js';
import type { Handler } from '../handler.js';
import { innerKeyBytes, isStorageKey, marshalPaddedSensitive, sensitiveOf } from './_support.js';

const EMPTY: Uint8Array = new Uint8Array(0);

/**
 * TPM2_Duplicate (Part 3 "TPM2_Duplicate"; Part 1 "Duplication"): the sensitive area of a loaded
 * object that is not fixedParent, with an optional inner wrapper (symmetricAlg with the
 * caller's encryptionKeyIn or a key the TPM draws and returns) and an outer wrapper keyed by a
 * seed shared with newParentHandle (label "DUPLICATE"; none for TPM_RH_NULL). An object with
 * encryptedDuplication needs both wrappers. The DUP role (a policy session) authorizes it.
 */
export const Duplicate: Handler<'Duplicate'> = (ctx, { objectHandle, newParentHandle, encryptionKeyIn, symmetricAlg }) => {
  const object = requireObject(ctx, objectHandle, 'objectHandle');
  const newParent = newParentHandle === TPM_RH.NULL ? null : requireObject(ctx, newParentHandle, 'newParentHandle');
  const a = object.public.objectAttributes;
  if (a & A.fixedParent) throw tpmError(TPM_RC.ATTRIBUTES, 'a fixedParent object cannot be duplicated').at('objectHandle');
  if (object.public.nameAlg === TPM_ALG.NULL) throw tpmError(TPM_RC.TYPE, 'an object without a Name cannot be duplicated').at('objectHandle');
  if (newParent && !isStorageKey(newParent)) throw tpmError(TPM_RC.TYPE, 'the new parent is not an asymmetric storage key').at('newParentHandle');
  const inner = symmetricAlg.algorithm !== TPM_ALG.NULL;
  if (a & A.encryptedDuplication) {
    if (!inner) throw tpmError(TPM_RC.SYMMETRIC, 'encryptedDuplication needs an inner wrapper').at('symmetricAlg');
    if (!newParent) throw tpmError(TPM_RC.HIERARCHY, 'encryptedDuplication needs a new parent').at('newParentHandle');
  }
  const keyBytes = inner ? innerKeyBytes(symmetricAlg) : 0;
  if (encryptionKeyIn.length !== 0 && encryptionKeyIn.length !== keyBytes) {
    throw tpmError(TPM_RC.SIZE, inner ? 'encryptionKeyIn does not match symmetricAlg' : 'encryptionKeyIn without symmetricAlg').at('encryptionKeyIn');
  }
  const sensitive = sensitiveOf(object);

  const wrap: DuplicationWrap = { name: object.name, nameAlg: object.public.nameAlg };
  let outSymSeed = EMPTY;
  if (newParent) {
    // The seed first, then the inner key, as the reference draws them; its codes carry no parameter.
    const shared = encryptSecret(newParent.public, 'DUPLICATE', ctx.rng);
    outSymSeed = shared.encryptedSecret;
    wrap.outer = { nameAlg: newParent.public.nameAlg, symmetric: parentSymmetric(newParent), seed: shared.seed };
  }
  let encryptionKeyOut = EMPTY;
  if (inner) {
    let key = encryptionKeyIn;
    if (key.length === 0) key = encryptionKeyOut = ctx.rng.bytes(keyBytes);
    wrap.inner = { symmetric: symmetricAlg, key };
  }
  const duplicate = wrapDuplicate(wrap, marshalPaddedSensitive(ctx, sensitive, object.public.nameAlg));
  return { encryptionKeyOut, duplicate, outSymSeed };
};
