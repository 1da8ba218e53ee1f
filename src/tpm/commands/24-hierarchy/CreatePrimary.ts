import { TPM_RH } from '../../../gen/constants.js';
import { checkAuthSize, checkCreate, generatePrimary, hierarchyQN, hierarchySeed, installObject, makeRecord } from '../../object.js';
import { creationOutputs } from '../12-object/creation.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_CreatePrimary (Part 3 "TPM2_CreatePrimary"): a primary object derived from the
 * hierarchy's seed and the template (the same template and data under the same seed give the
 * same key), loaded in a transient slot. Under TPM_RH_NULL the seed changes at every TPM Reset.
 */
export const CreatePrimary: Handler<'CreatePrimary'> = (ctx, { primaryHandle, inSensitive, inPublic, outsideInfo, creationPCR }) => {
  const template = inPublic.publicArea;
  const create = inSensitive.sensitive;
  checkCreate(ctx, null, template, create.data.length, 'inPublic');
  const authValue = checkAuthSize(ctx, template.nameAlg, create.userAuth, 'inSensitive');
  const generated = generatePrimary(ctx, hierarchySeed(ctx, primaryHandle), template, create, authValue);
  const record = makeRecord(ctx, generated.public, generated.sensitive, hierarchyQN(primaryHandle), primaryHandle, { primary: primaryHandle !== TPM_RH.NULL });
  const creation = creationOutputs(ctx, primaryHandle, null, primaryHandle, template.nameAlg, record.name, creationPCR.pcrSelections, outsideInfo);
  const objectHandle = installObject(ctx, record);
  return { objectHandle, outPublic: { publicArea: record.public }, ...creation, name: record.name };
};
