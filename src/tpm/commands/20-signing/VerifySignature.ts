import { TPM_ALG, TPM_RC, TPM_RH, TPMA_OBJECT } from '../../../gen/constants.js';
import { guard } from '../../../protocol/errors.js';
import { checkSignature } from '../../../protocol/signature.js';
import { tpmError } from '../../errors.js';
import { requireObject } from '../../object.js';
import { ensureTested } from '../10-testing/self-test.js';
import type { Handler } from '../handler.js';
import { verifiedTicket } from './verified.js';

/**
 * TPM2_VerifySignature (Part 3 "TPM2_VerifySignature"): checks a signature over a digest with a
 * loaded signing key (a public part is enough, except for HMAC) and returns a verified ticket,
 * the NULL ticket for a key of TPM_RH_NULL or with nameAlg TPM_ALG_NULL. Failures are on
 * `signature`: TPM_RC_SIGNATURE (not genuine), TPM_RC_SCHEME (not a scheme of the key type),
 * TPM_RC_HANDLE (an HMAC key without its sensitive area).
 */
export const VerifySignature: Handler<'VerifySignature'> = (ctx, { keyHandle, digest, signature }) => {
  const key = requireObject(ctx, keyHandle, 'keyHandle');
  if (!(key.public.objectAttributes & TPMA_OBJECT.sign_encrypt)) throw tpmError(TPM_RC.ATTRIBUTES, 'not a signing key').at('keyHandle');
  ensureTested(ctx, [signature.sigAlg]);
  guard(() => checkSignature(key.public, digest, signature, key.sensitive ?? undefined), 'signature');
  const hierarchy = key.public.nameAlg === TPM_ALG.NULL ? TPM_RH.NULL : key.hierarchy;
  return { validation: verifiedTicket(ctx, hierarchy, digest, key.name) };
};
