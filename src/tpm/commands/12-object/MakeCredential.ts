import { makeCredential } from '../../../protocol/credential.js';
import { requireObject } from '../../object.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_MakeCredential (Part 3 "TPM2_MakeCredential"; Part 1 "Credential Protection"): what a
 * certificate authority does, with a loaded public key: the credential protected for the holder
 * of `handle` (an asymmetric restricted decryption key, else TPM_RC_TYPE), bound to objectName.
 * The credential is at most a nameAlg digest (TPM_RC_SIZE).
 */
export const MakeCredential: Handler<'MakeCredential'> = (ctx, { handle, credential, objectName }) => {
  const key = requireObject(ctx, handle, 'handle');
  const { credentialBlob, secret } = makeCredential(key.public, credential, objectName, ctx.rng);
  return { credentialBlob, secret };
};
