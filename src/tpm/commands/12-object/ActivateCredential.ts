import { activateCredential } from '../../../protocol/credential.js';
import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { requireObject } from '../../object.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_ActivateCredential (Part 3 "TPM2_ActivateCredential"; Part 1 "Credential Protection"):
 * keyHandle (an asymmetric restricted decryption key, else TPM_RC_TYPE) recovers the seed from
 * `secret` (label "IDENTITY"), and the credential comes out only if credentialBlob was made for
 * the Name of activateHandle (else TPM_RC_INTEGRITY on credentialBlob).
 */
export const ActivateCredential: Handler<'ActivateCredential'> = (ctx, { activateHandle, keyHandle, credentialBlob, secret }) => {
  const key = requireObject(ctx, keyHandle, 'keyHandle');
  const activate = requireObject(ctx, activateHandle, 'activateHandle');
  // A public-only key cannot be authorized by a policy either (the reference's IsAuthPolicyAvailable).
  if (!key.sensitive) throw tpmError(TPM_RC.AUTH_UNAVAILABLE, 'only the public area of keyHandle is loaded');
  return { certInfo: activateCredential(key.public, key.sensitive, credentialBlob, secret, activate.name) };
};
