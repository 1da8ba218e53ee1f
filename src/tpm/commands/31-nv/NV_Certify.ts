import { TPM_RC, TPM_ST } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { nvAuthorizationCheck, nvIndexOf, nvName, nvPinAuthorized, readAccessCheck, requireIndex } from '../../nv.js';
import { attestInfo, attestSigner, signAttest, signerHash } from '../18-attestation/attest.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_NV_Certify (Part 3 "TPM2_NV_Certify"): signs `size` octets of an NV index from
 * `offset` (TPM_ST_ATTEST_NV), or, with size and offset both zero, the digest of the whole
 * index with the scheme's hash (TPM_ST_ATTEST_NV_DIGEST). Read access is checked as for
 * TPM2_NV_Read.
 */
export const NV_Certify: Handler<'NV_Certify'> = (ctx, { signHandle, authHandle, nvIndex, qualifyingData, inScheme, size, offset }) => {
  const signer = attestSigner(ctx, signHandle, inScheme);
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  nvAuthorizationCheck(ctx, 'authHandle', authHandle);
  nvPinAuthorized(ctx, 'authHandle', authHandle);
  const rc = readAccessCheck(authHandle, nvIndex, x.public.attributes);
  if (rc) throw tpmError(rc, 'read access');
  if (size + offset > x.public.dataSize) throw tpmError(TPM_RC.NV_RANGE, 'beyond the index');
  if (size > ctx.profile.limits.MAX_NV_BUFFER_SIZE) throw tpmError(TPM_RC.VALUE, 'larger than MAX_NV_BUFFER_SIZE').at('size');
  const data = nvIndexOf(ctx, nvIndex)!.data;
  const indexName = nvName(ctx, x.public);
  const info =
    size !== 0 || offset !== 0
      ? attestInfo(ctx, signer, qualifyingData, TPM_ST.ATTEST_NV, { indexName, offset, nvContents: data.slice(offset, offset + size) })
      : attestInfo(ctx, signer, qualifyingData, TPM_ST.ATTEST_NV_DIGEST, {
          indexName,
          nvDigest: ctx.crypto.hash(signerHash(signer))?.digest(data.slice(0, x.public.dataSize)) ?? new Uint8Array(0),
        });
  const { bytes, signature } = signAttest(ctx, signer, info, qualifyingData);
  return { certifyInfo: bytes, signature };
};
