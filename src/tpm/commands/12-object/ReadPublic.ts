import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { objectOf, sequenceOf } from '../../object.js';
import type { Handler } from '../handler.js';

/** TPM2_ReadPublic (Part 3 "TPM2_ReadPublic"): the public area, Name and Qualified Name of a loaded object. */
export const ReadPublic: Handler<'ReadPublic'> = (ctx, { objectHandle }) => {
  if (sequenceOf(ctx, objectHandle)) throw tpmError(TPM_RC.SEQUENCE, 'a sequence object has no public area').at('objectHandle');
  const o = objectOf(ctx, objectHandle);
  if (!o) throw tpmError(TPM_RC.HANDLE).at('objectHandle');
  return { outPublic: { publicArea: o.public }, name: o.name, qualifiedName: o.qualifiedName };
};
