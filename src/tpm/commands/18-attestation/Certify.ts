import { TPM_ST } from '../../../gen/constants.js';
import { requireObject } from '../../object.js';
import type { Handler } from '../handler.js';
import { attestInfo, attestSigner, isAnonymous, signAttest } from './attest.js';

/**
 * TPM2_Certify (Part 3 "TPM2_Certify"): proves that an object with a given Name is loaded, by
 * signing its Name and qualified Name (the qualified Name is left out for an anonymous scheme).
 */
export const Certify: Handler<'Certify'> = (ctx, { objectHandle, signHandle, qualifyingData, inScheme }) => {
  const signer = attestSigner(ctx, signHandle, inScheme);
  const object = requireObject(ctx, objectHandle, 'objectHandle');
  const info = attestInfo(ctx, signer, qualifyingData, TPM_ST.ATTEST_CERTIFY, {
    name: object.name,
    qualifiedName: isAnonymous(signer.scheme) ? new Uint8Array(0) : object.qualifiedName,
  });
  const { bytes, signature } = signAttest(ctx, signer, info, qualifyingData);
  return { certifyInfo: bytes, signature };
};
