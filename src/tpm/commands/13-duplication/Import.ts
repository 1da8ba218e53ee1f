import { TPM_ALG, TPM_RC, TPMA_OBJECT as A } from '../../../gen/constants.js';
import { guard } from '../../../protocol/errors.js';
import { duplicateToSensitive, type DuplicationWrap } from '../../../protocol/protection.js';
import { decryptSecret } from '../../../protocol/secret.js';
import { tpmError } from '../../errors.js';
import { checkPublicAttributes, isStorageParent, marshalPublic, objectName, parentSymmetric, requireObject, validateKeys, wrapPrivate } from '../../object.js';
import type { Handler } from '../handler.js';
import { innerKeyBytes } from './_support.js';

/**
 * TPM2_Import (Part 3 "TPM2_Import"; Part 1 "Duplication"): a duplication blob made for the
 * storage parent parentHandle becomes a private area protected by that parent, ready for
 * TPM2_Load. The outer wrapper's seed comes from inSymSeed (label "DUPLICATE"), the inner
 * wrapper's key is encryptionKey; encryptedDuplication objects need both. Under a fixedTPM
 * parent the object is checked as a load would check it, so the load need not.
 */
export const Import: Handler<'Import'> = (ctx, { parentHandle, encryptionKey, objectPublic, duplicate, inSymSeed, symmetricAlg }) => {
  const pub = objectPublic.publicArea;
  const a = pub.objectAttributes;
  if (a & (A.fixedTPM | A.fixedParent)) throw tpmError(TPM_RC.ATTRIBUTES, 'fixedTPM and fixedParent must be CLEAR').at('objectPublic');
  const parent = requireObject(ctx, parentHandle, 'parentHandle');
  if (!isStorageParent(parent)) throw tpmError(TPM_RC.TYPE, 'the parent is not a storage key').at('parentHandle');
  const inner = symmetricAlg.algorithm !== TPM_ALG.NULL;
  if (inner) {
    if (encryptionKey.length !== innerKeyBytes(symmetricAlg)) throw tpmError(TPM_RC.SIZE, 'encryptionKey does not match symmetricAlg').at('encryptionKey');
  } else {
    if (encryptionKey.length !== 0) throw tpmError(TPM_RC.SIZE, 'encryptionKey without symmetricAlg').at('encryptionKey');
    if (a & A.encryptedDuplication) throw tpmError(TPM_RC.ATTRIBUTES, 'encryptedDuplication needs an inner wrapper').at('encryptionKey');
  }
  let seed: Uint8Array = new Uint8Array(0);
  if (inSymSeed.length !== 0) {
    // A symmetric parent cannot share a secret.
    if (parent.public.type === TPM_ALG.SYMCIPHER) throw tpmError(TPM_RC.TYPE, 'a symmetric parent cannot take an outer wrapper').at('parentHandle');
    seed = guard(() => decryptSecret(parent.public, parent.sensitive!, 'DUPLICATE', inSymSeed), 'inSymSeed');
  } else if (a & A.encryptedDuplication) {
    throw tpmError(TPM_RC.ATTRIBUTES, 'encryptedDuplication needs an outer wrapper').at('inSymSeed');
  }
  if (pub.nameAlg === TPM_ALG.NULL || !ctx.crypto.hash(pub.nameAlg)) throw tpmError(TPM_RC.HASH, 'the object has no Name').at('objectPublic');
  const name = objectName(pub.nameAlg, marshalPublic(ctx, pub));

  const wrap: DuplicationWrap = { name, nameAlg: pub.nameAlg };
  if (seed.length !== 0) wrap.outer = { nameAlg: parent.public.nameAlg, symmetric: parentSymmetric(parent), seed };
  if (inner) wrap.inner = { symmetric: symmetricAlg, key: encryptionKey };
  const sensitive = duplicateToSensitive(wrap, duplicate, ctx.codec);

  // Under a fixedTPM parent, the checks of a load with no parent (the reference's ObjectLoad).
  if (parent.public.objectAttributes & A.fixedTPM) {
    if (sensitive.seedValue.length > ctx.crypto.hash(pub.nameAlg)!.digestSize) throw tpmError(TPM_RC.KEY_SIZE, 'seedValue larger than a nameAlg digest').at('duplicate');
    checkPublicAttributes(ctx, null, pub, 'objectPublic');
    validateKeys(ctx, pub, sensitive, 'objectPublic', 'duplicate');
  }
  return { outPrivate: wrapPrivate(ctx, parent, name, sensitive, pub.nameAlg) };
};
