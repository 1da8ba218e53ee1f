import { TPM_ALG, TPM_RC, TPMA_OBJECT as A } from '../../../gen/constants.js';
import type { TPMT_SENSITIVE, TPMT_SYM_DEF_OBJECT } from '../../../gen/types.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import type { ObjectRecord } from '../../state/types.js';

/**
 * Can the object be the new parent of a duplication blob: an RSA or ECC key with restricted and
 * decrypt SET and sign CLEAR, its public area alone being enough (the reference's ObjectIsStorage).
 */
export function isStorageKey(o: ObjectRecord): boolean {
  const a = o.public.objectAttributes;
  return (o.public.type === TPM_ALG.RSA || o.public.type === TPM_ALG.ECC) && (a & A.restricted) !== 0 && (a & A.decrypt) !== 0 && (a & A.sign_encrypt) === 0;
}

/** Octets of the inner wrapper's key for a symmetric definition (not TPM_ALG_NULL). */
export function innerKeyBytes(sym: TPMT_SYM_DEF_OBJECT): number {
  return ((sym.keyBits ?? 0) + 7) >>> 3;
}

/** The sensitive area as the TPM marshals it into a blob: authValue padded to the nameAlg digest (the reference's MarshalSensitive). */
export function marshalPaddedSensitive(ctx: CommandContext, sensitive: TPMT_SENSITIVE, nameAlg: number): Uint8Array {
  const size = ctx.crypto.hash(nameAlg)?.digestSize ?? 0;
  let { authValue } = sensitive;
  if (authValue.length < size) {
    authValue = new Uint8Array(size);
    authValue.set(sensitive.authValue);
  }
  return ctx.codec.encode('TPMT_SENSITIVE', { ...sensitive, authValue });
}

/**
 * The sensitive area of an object a command needs the private part of. A public-only object
 * cannot be authorized by a policy either (the reference's IsAuthPolicyAvailable), so the code
 * is TPM_RC_AUTH_UNAVAILABLE.
 */
export function sensitiveOf(o: ObjectRecord): TPMT_SENSITIVE {
  if (!o.sensitive) throw tpmError(TPM_RC.AUTH_UNAVAILABLE, 'only the public area of the object is loaded');
  return o.sensitive;
}
