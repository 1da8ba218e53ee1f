import { bytesToBigint } from '../../../crypto/bytes.js';
import { oaepDecrypt, rsaDecryptRaw, rsaesDecrypt } from '../../../crypto/rsa.js';
import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../../../gen/constants.js';
import type { TPMS_SCHEME_HASH } from '../../../gen/types.js';
import { guard } from '../../../protocol/errors.js';
import { tpmError } from '../../errors.js';
import { rsaPrivateKey } from '../../keys.js';
import { requireObject } from '../../object.js';
import { ensureTested } from '../10-testing/self-test.js';
import type { Handler } from '../handler.js';
import { labelOk, rsaTestAlg, selectRsaScheme } from './rsa.js';

/**
 * TPM2_RSA_Decrypt (Part 3 "TPM2_RSA_Decrypt"): decrypts with an unrestricted RSA decryption
 * key (a restricted one decrypts only what the TPM itself protects) and removes the padding of
 * the selected scheme; NULL returns the raw RSA result (modulus size). As in the reference,
 * the cipher text must be the modulus size and below it (bare TPM_RC_SIZE) and any padding or
 * label mismatch is a bare TPM_RC_VALUE.
 */
export const RSA_Decrypt: Handler<'RSA_Decrypt'> = (ctx, { keyHandle, cipherText, inScheme, label }) => {
  const key = requireObject(ctx, keyHandle, 'keyHandle');
  if (key.public.type !== TPM_ALG.RSA) throw tpmError(TPM_RC.KEY, 'not an RSA key').at('keyHandle');
  const a = key.public.objectAttributes;
  if (a & TPMA_OBJECT.restricted || !(a & TPMA_OBJECT.decrypt)) throw tpmError(TPM_RC.ATTRIBUTES, 'not an unrestricted decryption key').at('keyHandle');
  if (!labelOk(label)) throw tpmError(TPM_RC.VALUE, 'label does not end in a zero octet').at('label');
  const scheme = selectRsaScheme(key, inScheme);
  if (!scheme) throw tpmError(TPM_RC.SCHEME, 'scheme differs from the key scheme').at('inScheme');
  const modulus = key.public.unique as Uint8Array;
  if (cipherText.length !== modulus.length) throw tpmError(TPM_RC.SIZE, 'cipher text is not the modulus size');
  if (bytesToBigint(cipherText) >= bytesToBigint(modulus)) throw tpmError(TPM_RC.SIZE, 'cipher text not below the modulus');
  const rsa = rsaPrivateKey(key, 'keyHandle');
  ensureTested(ctx, [rsaTestAlg(scheme)]);
  switch (scheme.scheme) {
    case TPM_ALG.RSAES:
      return { message: guard(() => rsaesDecrypt(rsa, cipherText)) };
    case TPM_ALG.OAEP: {
      const hash = ctx.crypto.hash((scheme.details as TPMS_SCHEME_HASH).hashAlg);
      if (!hash || modulus.length < 2 * hash.digestSize + 2) throw tpmError(TPM_RC.VALUE, 'OAEP hash too large for the key');
      return { message: guard(() => oaepDecrypt(rsa, hash, cipherText, label)) };
    }
    default:
      return { message: guard(() => rsaDecryptRaw(rsa, cipherText)) };
  }
};
