/**
 * The HMAC key of TPM2_HMAC and TPM2_HMAC_Start (Part 3 "TPM2_HMAC", "TPM2_HMAC_Start"): an
 * unrestricted keyedHash signing key; the hash is the key's scheme hash, or the command's when
 * the key's scheme is TPM_ALG_NULL. Errors are on `handle` and `hashAlg`.
 */
import type { HashAlgorithm } from '../../../crypto/hash.js';
import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../../../gen/constants.js';
import type { TPMS_KEYEDHASH_PARMS, TPMS_SCHEME_HMAC } from '../../../gen/types.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import { objectOf } from '../../object.js';
import { ensureTested } from '../10-testing/self-test.js';

export function hmacKey(ctx: CommandContext, handle: number, hashAlgIn: number): { hash: HashAlgorithm; key: Uint8Array } {
  const o = objectOf(ctx, handle);
  // A sequence object has no type (TPM_ALG_NULL in the reference).
  if (!o || o.public.type !== TPM_ALG.KEYEDHASH) throw tpmError(TPM_RC.TYPE, 'not a keyedHash object').at('handle');
  const a = o.public.objectAttributes;
  if (a & TPMA_OBJECT.restricted) throw tpmError(TPM_RC.ATTRIBUTES, 'a restricted key').at('handle');
  if (!(a & TPMA_OBJECT.sign_encrypt)) throw tpmError(TPM_RC.KEY, 'not a signing key').at('handle');
  const scheme = (o.public.parameters as TPMS_KEYEDHASH_PARMS).scheme;
  let hashAlg = hashAlgIn;
  if (scheme.scheme !== TPM_ALG.NULL) {
    hashAlg = (scheme.details as TPMS_SCHEME_HMAC).hashAlg;
    if (hashAlgIn !== TPM_ALG.NULL && hashAlgIn !== hashAlg) hashAlg = TPM_ALG.NULL;
  }
  const hash = hashAlg === TPM_ALG.NULL ? undefined : ctx.crypto.hash(hashAlg);
  if (!hash) throw tpmError(TPM_RC.VALUE, 'no hash, or not the key scheme hash').at('hashAlg');
  // A public-only key (TPM2_LoadExternal) has no key to use.
  if (!o.sensitive) throw tpmError(TPM_RC.KEY, 'no HMAC key').at('handle');
  ensureTested(ctx, [hashAlg, TPM_ALG.HMAC]);
  return { hash, key: o.sensitive.sensitive as Uint8Array };
}
