import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { eccPrivateKey } from '../../keys.js';
import { requireObject } from '../../object.js';
import { ensureTested } from '../10-testing/self-test.js';
import type { Handler } from '../handler.js';
import { eccDecryptWith, kdf2Hash, selectKdfScheme } from './ecc-crypt.js';
import { keyCurve, parsePoint } from './ecc-points.js';

/**
 * TPM2_ECC_Decrypt (Part 3 "TPM2_ECC_Decrypt"; Part 1 Annex D, ECC encryption): recovers M = C2 ⊕ t
 * with the private key of an unrestricted ECC decryption key and returns it only when
 * H(x2 ‖ M ‖ y2) equals C3. Any ciphertext that does not check out, a C1 off the key's curve
 * included, is a bare TPM_RC_VALUE, the code the reference answers for it (the reference
 * multiplies nothing with such a point, nor does vtpm). Scheme errors as in TPM2_ECC_Encrypt.
 */
export const ECC_Decrypt: Handler<'ECC_Decrypt'> = (ctx, { keyHandle, C1, C2, C3, inScheme }) => {
  const key = requireObject(ctx, keyHandle, 'keyHandle');
  if (key.public.type !== TPM_ALG.ECC) throw tpmError(TPM_RC.KEY, 'not an ECC key').at('keyHandle');
  const a = key.public.objectAttributes;
  if (a & TPMA_OBJECT.restricted || !(a & TPMA_OBJECT.decrypt)) throw tpmError(TPM_RC.ATTRIBUTES, 'not an unrestricted decryption key').at('keyHandle');
  const scheme = selectKdfScheme(key, inScheme);
  if (!scheme) throw tpmError(TPM_RC.SCHEME, 'no KDF scheme, or one differing from the key scheme').at('inScheme');
  const curve = keyCurve(ctx, key, 'keyHandle');
  const hash = kdf2Hash(ctx, scheme);
  const d = eccPrivateKey(key, 'keyHandle');
  const P = parsePoint(curve, C1.point);
  if (!P) throw tpmError(TPM_RC.VALUE, 'C1 is not a point of the key curve');
  ensureTested(ctx, [TPM_ALG.ECDH, hash.alg]);
  const plainText = eccDecryptWith(curve, hash, d, P, C2, C3);
  if (!plainText) throw tpmError(TPM_RC.VALUE, 'C3 does not match the recovered data');
  return { plainText };
};
