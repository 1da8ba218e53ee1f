import { TPM_HT, TPM_RC, TPM_RH, TPMA_OBJECT } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { requireObject } from '../../object.js';
import type { Handler } from '../handler.js';

const OWNER_PERSISTENT_LAST = 0x817fffff;

/**
 * TPM2_EvictControl (Part 3 "TPM2_EvictControl"): makes a loaded object persistent at
 * persistentHandle (owner range 81 00 00 00–81 7F FF FF, platform range 81 80 00 00–81 FF FF
 * FF), or removes a persistent object. The platform may evict any object; the owner not
 * platform-hierarchy objects.
 */
export const EvictControl: Handler<'EvictControl'> = (ctx, { auth, objectHandle, persistentHandle }) => {
  const o = requireObject(ctx, objectHandle, 'objectHandle');
  const evict = objectHandle >>> 24 === TPM_HT.PERSISTENT;
  // Temporary objects (the null hierarchy), public-only and external objects cannot persist.
  if (o.hierarchy === TPM_RH.NULL || !o.sensitive || o.external) throw tpmError(TPM_RC.ATTRIBUTES, 'not a persistable object').at('objectHandle');
  if (o.public.objectAttributes & TPMA_OBJECT.stClear) throw tpmError(TPM_RC.ATTRIBUTES, 'stClear objects cannot persist').at('objectHandle');
  if (evict && objectHandle !== persistentHandle) throw tpmError(TPM_RC.HANDLE, 'persistentHandle differs from the object handle').at('objectHandle');
  const ownerRange = persistentHandle <= OWNER_PERSISTENT_LAST;
  if (auth === TPM_RH.PLATFORM) {
    if (!evict) {
      if (o.hierarchy !== TPM_RH.PLATFORM) throw tpmError(TPM_RC.HIERARCHY, 'the platform persists platform objects').at('objectHandle');
      if (ownerRange) throw tpmError(TPM_RC.RANGE, 'not a platform persistent handle').at('persistentHandle');
    }
  } else {
    if (o.hierarchy === TPM_RH.PLATFORM) throw tpmError(TPM_RC.HIERARCHY, 'the owner cannot evict platform objects').at('objectHandle');
    if (!evict && !ownerRange) throw tpmError(TPM_RC.RANGE, 'not an owner persistent handle').at('persistentHandle');
  }
  const objects = ctx.read('persistent').objects ?? {};
  if (evict) {
    delete ctx.write('persistent').objects![persistentHandle];
    return {};
  }
  if (objects[persistentHandle]) throw tpmError(TPM_RC.NV_DEFINED, 'a persistent object has this handle');
  if (Object.keys(objects).length >= ctx.profile.limits.MAX_EVICT_OBJECTS) throw tpmError(TPM_RC.NV_SPACE);
  const p = ctx.write('persistent');
  (p.objects ??= {})[persistentHandle] = Object.freeze({ ...o, evictHandle: persistentHandle });
  return {};
};
