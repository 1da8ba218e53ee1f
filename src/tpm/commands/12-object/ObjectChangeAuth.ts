import { bytesEqual } from '../../../crypto/bytes.js';
import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { checkAuthSize, isStorageParent, objectOf, qualifiedName, wrapPrivate } from '../../object.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_ObjectChangeAuth (Part 3 "TPM2_ObjectChangeAuth"): a new private area for a loaded
 * object, with newAuth as its authValue, protected by its parent; the loaded object keeps its
 * authValue. parentHandle must be the object's parent: its Qualified Name and the object's Name
 * give the object's Qualified Name (as the reference checks it). A sequence object is
 * TPM_RC_TYPE.
 */
export const ObjectChangeAuth: Handler<'ObjectChangeAuth'> = (ctx, { objectHandle, parentHandle, newAuth }) => {
  const o = objectOf(ctx, objectHandle);
  if (!o) throw tpmError(TPM_RC.TYPE, 'a sequence object has no private area').at('objectHandle');
  const nameAlg = o.public.nameAlg;
  const authValue = checkAuthSize(ctx, nameAlg, newAuth, 'newAuth');
  const parent = objectOf(ctx, parentHandle);
  const qn = parent && qualifiedName(nameAlg, parent.qualifiedName, o.name);
  if (!parent || !qn || !bytesEqual(qn, o.qualifiedName)) throw tpmError(TPM_RC.TYPE, 'not the parent of the object').at('parentHandle');
  // A derived object's parent (a derivation parent) has no storage protection to wrap it with.
  if (!isStorageParent(parent) || !o.sensitive) throw tpmError(TPM_RC.TYPE, 'the parent cannot protect a private area').at('parentHandle');
  return { outPrivate: wrapPrivate(ctx, parent, o.name, { ...o.sensitive, authValue }, nameAlg) };
};
