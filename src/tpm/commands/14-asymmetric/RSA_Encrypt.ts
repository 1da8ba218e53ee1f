import { bytesToBigint } from '../../../crypto/bytes.js';
import { oaepEncrypt, rsaEncryptRaw, rsaesEncrypt } from '../../../crypto/rsa.js';
import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../../../gen/constants.js';
import type { TPMS_SCHEME_HASH } from '../../../gen/types.js';
import { guard } from '../../../protocol/errors.js';
import { rsaPublicKeyOf } from '../../../protocol/keys.js';
import { tpmError } from '../../errors.js';
import { requireObject } from '../../object.js';
import { ensureTested } from '../10-testing/self-test.js';
import type { Handler } from '../handler.js';
import { labelOk, rsaTestAlg, selectRsaScheme } from './rsa.js';

/**
 * TPM2_RSA_Encrypt (Part 3 "TPM2_RSA_Encrypt"): RSAES-PKCS1-v1_5, RSAES-OAEP (with label) or,
 * for the NULL scheme, raw RSA of the message (leading zero octets dropped) with the public
 * key of a decryption key; no authorization. Padding failures are bare codes, as in the
 * reference: TPM_RC_VALUE for a message too long for the padding or the modulus, TPM_RC_SIZE for
 * a raw message not below the modulus, TPM_RC_HASH when the OAEP hash is too large for the key.
 */
export const RSA_Encrypt: Handler<'RSA_Encrypt'> = (ctx, { keyHandle, message, inScheme, label }) => {
  const key = requireObject(ctx, keyHandle, 'keyHandle');
  if (key.public.type !== TPM_ALG.RSA) throw tpmError(TPM_RC.KEY, 'not an RSA key').at('keyHandle');
  if (!(key.public.objectAttributes & TPMA_OBJECT.decrypt)) throw tpmError(TPM_RC.ATTRIBUTES, 'not a decryption key').at('keyHandle');
  if (!labelOk(label)) throw tpmError(TPM_RC.VALUE, 'label does not end in a zero octet').at('label');
  const scheme = selectRsaScheme(key, inScheme);
  if (!scheme) throw tpmError(TPM_RC.SCHEME, 'scheme differs from the key scheme').at('inScheme');
  const pub = guard(() => rsaPublicKeyOf(key.public), 'keyHandle');
  const k = (key.public.unique as Uint8Array).length;
  ensureTested(ctx, [rsaTestAlg(scheme)]);
  switch (scheme.scheme) {
    case TPM_ALG.RSAES:
      return { outData: guard(() => rsaesEncrypt(pub, message, ctx.rng)) };
    case TPM_ALG.OAEP: {
      const hash = ctx.crypto.hash((scheme.details as TPMS_SCHEME_HASH).hashAlg);
      if (!hash) throw tpmError(TPM_RC.VALUE, 'OAEP hash not implemented');
      if (k < 2 * hash.digestSize + 2) throw tpmError(TPM_RC.HASH, 'OAEP hash too large for the key');
      return { outData: guard(() => oaepEncrypt(pub, hash, message, label, ctx.rng)) };
    }
    default: {
      let i = 0;
      while (i < message.length && message[i] === 0) i++;
      if (message.length - i > k) throw tpmError(TPM_RC.VALUE, 'message longer than the modulus');
      // The reference's RSAEP (ModExpB) reports a value not below the modulus as TPM_RC_SIZE.
      if (bytesToBigint(message) >= pub.n) throw tpmError(TPM_RC.SIZE, 'message not below the modulus');
      return { outData: guard(() => rsaEncryptRaw(pub, message.subarray(i))) };
    }
  }
};
