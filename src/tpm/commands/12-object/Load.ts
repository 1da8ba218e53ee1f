import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { checkPublicAttributes, freeTransientHandle, installObject, isStorageParent, makeRecord, objectName, marshalPublic, requireObject, unwrapPrivate, validateKeys } from '../../object.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_Load (Part 3 "TPM2_Load"): loads an object whose private area is protected by a loaded
 * storage parent; the private area's integrity binds it to the public area's Name.
 */
export const Load: Handler<'Load'> = (ctx, { parentHandle, inPrivate, inPublic }) => {
  freeTransientHandle(ctx);
  if (inPrivate.length === 0) throw tpmError(TPM_RC.SIZE, 'no private area').at('inPrivate');
  const parent = requireObject(ctx, parentHandle, 'parentHandle');
  if (!isStorageParent(parent)) throw tpmError(TPM_RC.TYPE, 'the parent is not a storage key').at('parentHandle');
  const pub = inPublic.publicArea;
  const hash = ctx.crypto.hash(pub.nameAlg);
  if (pub.nameAlg === TPM_ALG.NULL || !hash) throw tpmError(TPM_RC.HASH).at('inPublic');
  const publicBytes = marshalPublic(ctx, pub);
  const name = objectName(pub.nameAlg, publicBytes);
  const sensitive = unwrapPrivate(ctx, parent, name, inPrivate, 'inPrivate');
  // The reference's ObjectLoad: the seedValue fits the nameAlg, the attributes hold under this parent,
  // and a sensitive area not made by this TPM under a fixedTPM parent matches its public area.
  if (sensitive.seedValue.length > hash.digestSize) throw tpmError(TPM_RC.KEY_SIZE).at('inPrivate');
  checkPublicAttributes(ctx, parent, pub, 'inPublic');
  if (!(parent.public.objectAttributes & TPMA_OBJECT.fixedTPM)) validateKeys(ctx, pub, sensitive, 'inPublic', 'inPrivate');
  const record = makeRecord(ctx, pub, sensitive, parent.qualifiedName, parent.hierarchy, {}, publicBytes);
  const objectHandle = installObject(ctx, record);
  return { objectHandle, name: record.name };
};
