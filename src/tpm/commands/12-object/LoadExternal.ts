import { TPM_ALG, TPM_RC, TPM_RH, TPMA_OBJECT } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { hierarchyEnabled } from '../../hierarchy.js';
import { checkPublicAttributes, checkSchemes, freeTransientHandle, installObject, makeRecord, marshalPublic, validateKeys } from '../../object.js';
import type { Handler } from '../handler.js';

const FIXED_OR_RESTRICTED = TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent | TPMA_OBJECT.restricted;

/**
 * TPM2_LoadExternal (Part 3 "TPM2_LoadExternal"; Part 1 "External Objects"): loads a public
 * area, or a public and a sensitive area, that this TPM does not protect. With a sensitive area
 * the object goes in TPM_RH_NULL and may not be fixedTPM, fixedParent or restricted, so that it
 * cannot pass for a key of this TPM. The areas are checked against each other (the reference's
 * ObjectLoad with no parent); the Qualified Name is the Name.
 */
export const LoadExternal: Handler<'LoadExternal'> = (ctx, { inPrivate, inPublic, hierarchy }) => {
  freeTransientHandle(ctx);
  if (!hierarchyEnabled(ctx.read('stateClear'), hierarchy)) throw tpmError(TPM_RC.HIERARCHY, 'the hierarchy is disabled').at('hierarchy');
  const pub = inPublic.publicArea;
  const sensitive = inPrivate.sensitiveArea ?? null;
  if (sensitive) {
    if (hierarchy !== TPM_RH.NULL) throw tpmError(TPM_RC.HIERARCHY, 'an external object with a sensitive area is in TPM_RH_NULL').at('hierarchy');
    if (pub.objectAttributes & FIXED_OR_RESTRICTED) throw tpmError(TPM_RC.ATTRIBUTES, 'fixedTPM, fixedParent or restricted with a sensitive area').at('inPublic');
  }
  if (!sensitive || pub.nameAlg === TPM_ALG.NULL) {
    checkSchemes(ctx, null, pub, 'inPublic');
  } else {
    if (sensitive.seedValue.length > (ctx.crypto.hash(pub.nameAlg)?.digestSize ?? 0)) throw tpmError(TPM_RC.KEY_SIZE, 'seedValue larger than a nameAlg digest').at('inPrivate');
    checkPublicAttributes(ctx, null, pub, 'inPublic');
  }
  validateKeys(ctx, pub, sensitive, 'inPublic', 'inPrivate');
  const record = makeRecord(ctx, pub, sensitive, new Uint8Array(0), hierarchy, { external: true }, marshalPublic(ctx, pub));
  const objectHandle = installObject(ctx, record);
  return { objectHandle, name: record.name };
};
