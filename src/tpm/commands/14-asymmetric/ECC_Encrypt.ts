import { eccGenerateKey } from '../../../crypto/ecc.js';
import { TPM_ALG, TPM_RC } from '../../../gen/constants.js';
import type { TPMS_ECC_POINT } from '../../../gen/types.js';
import { tpmError } from '../../errors.js';
import { requireObject } from '../../object.js';
import { ensureTested } from '../10-testing/self-test.js';
import type { Handler } from '../handler.js';
import { eccEncryptWith, kdf2Hash, selectKdfScheme } from './ecc-crypt.js';
import { keyCurve, parsePoint } from './ecc-points.js';

/**
 * TPM2_ECC_Encrypt (Part 3 "TPM2_ECC_Encrypt"; Part 1 Annex D, ECC encryption): encrypts plainText to
 * the public point of a loaded ECC key, no authorization and, as in the reference, no attribute
 * check (a public-only or signing key encrypts too). The KDF is inScheme, or the key's when
 * inScheme is TPM_ALG_NULL; neither is TPM_RC_SCHEME on inScheme, a KDF other than KDF2 a bare
 * TPM_RC_SCHEME. A key point off its curve (a public-only key with a NULL nameAlg) is a bare
 * TPM_RC_NO_RESULT, as the reference's point multiplication reports it.
 */
export const ECC_Encrypt: Handler<'ECC_Encrypt'> = (ctx, { keyHandle, plainText, inScheme }) => {
  const key = requireObject(ctx, keyHandle, 'keyHandle');
  if (key.public.type !== TPM_ALG.ECC) throw tpmError(TPM_RC.KEY, 'not an ECC key').at('keyHandle');
  const scheme = selectKdfScheme(key, inScheme);
  if (!scheme) throw tpmError(TPM_RC.SCHEME, 'no KDF scheme, or one differing from the key scheme').at('inScheme');
  const curve = keyCurve(ctx, key, 'keyHandle');
  const hash = kdf2Hash(ctx, scheme);
  const PB = parsePoint(curve, key.public.unique as TPMS_ECC_POINT);
  if (!PB) throw tpmError(TPM_RC.NO_RESULT, 'the key point is not on its curve');
  ensureTested(ctx, [TPM_ALG.ECDH, hash.alg]);
  for (;;) {
    const k = eccGenerateKey(curve, ctx.rng).d;
    const c = eccEncryptWith(curve, hash, PB, k, plainText);
    if (c) return { C1: { point: c.C1 }, C2: c.C2, C3: c.C3 };
  }
};
