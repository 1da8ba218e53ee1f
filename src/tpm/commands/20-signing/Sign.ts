import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { requireObject } from '../../object.js';
import { hashCheckTicketValid } from '../17-hash-hmac-sequences/ticket.js';
import type { Handler } from '../handler.js';
import { schemeHash, selectSignScheme, signWith } from './signing.js';

/**
 * TPM2_Sign (Part 3 "TPM2_Sign"): signs a digest the caller supplies. A restricted key signs
 * only digests the TPM made itself, proven by a hash-check ticket (so it cannot sign something
 * that looks like a TPM-generated attestation); an unrestricted key takes the NULL ticket, and
 * then the digest must at least have the size of the scheme's hash. Checks in the reference's
 * order: signing key, not x509sign, scheme, ticket or digest size.
 */
export const Sign: Handler<'Sign'> = (ctx, { keyHandle, digest, inScheme, validation }) => {
  const key = requireObject(ctx, keyHandle, 'keyHandle');
  const a = key.public.objectAttributes;
  if (!(a & TPMA_OBJECT.sign_encrypt) || key.public.type === TPM_ALG.SYMCIPHER) throw tpmError(TPM_RC.KEY, 'not a signing key').at('keyHandle');
  if (a & TPMA_OBJECT.x509sign) throw tpmError(TPM_RC.ATTRIBUTES, 'an x509sign key signs only with TPM2_CertifyX509').at('keyHandle');
  const scheme = selectSignScheme(ctx, key, inScheme);
  if (!scheme) throw tpmError(TPM_RC.SCHEME, 'no signing scheme agrees with the key').at('inScheme');
  const hashAlg = schemeHash(scheme);
  if (validation.digest.length !== 0 || a & TPMA_OBJECT.restricted) {
    if (!hashCheckTicketValid(ctx, validation, hashAlg, digest)) throw tpmError(TPM_RC.TICKET, 'not a hash-check ticket for this digest').at('validation');
  } else if (digest.length !== ctx.crypto.hash(hashAlg)!.digestSize) {
    throw tpmError(TPM_RC.SIZE, 'digest size differs from the scheme hash').at('digest');
  }
  return { signature: signWith(ctx, key, scheme, digest, 'keyHandle') };
};
