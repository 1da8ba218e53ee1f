import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { checkAuthSize, checkCreate, freeTransientHandle, generateObject, isStorageParent, makeRecord, requireObject, wrapPrivate } from '../../object.js';
import type { Handler } from '../handler.js';
import { creationOutputs } from './creation.js';

/**
 * TPM2_Create (Part 3 "TPM2_Create"): a new object under a loaded storage parent, returned as
 * its public area and its private area wrapped with the parent's protection (Part 1
 * "Protected Storage"); it is not loaded.
 */
export const Create: Handler<'Create'> = (ctx, { parentHandle, inSensitive, inPublic, outsideInfo, creationPCR }) => {
  const parent = requireObject(ctx, parentHandle, 'parentHandle');
  if (!isStorageParent(parent)) throw tpmError(TPM_RC.TYPE, 'the parent is not a storage key').at('parentHandle');
  // An object slot must be free, as for a load (the reference's FindEmptyObjectSlot).
  freeTransientHandle(ctx);
  const template = inPublic.publicArea;
  const create = inSensitive.sensitive;
  checkCreate(ctx, parent, template, create.data.length, 'inPublic');
  const authValue = checkAuthSize(ctx, template.nameAlg, create.userAuth, 'inSensitive');
  const generated = generateObject(ctx, template, create, authValue, ctx.rng);
  const record = makeRecord(ctx, generated.public, generated.sensitive, parent.qualifiedName, parent.hierarchy);
  const creation = creationOutputs(ctx, parentHandle, parent, parent.hierarchy, template.nameAlg, record.name, creationPCR.pcrSelections, outsideInfo);
  return {
    outPrivate: wrapPrivate(ctx, parent, record.name, generated.sensitive, template.nameAlg),
    outPublic: { publicArea: record.public },
    ...creation,
  };
};
