import { bytesEqual } from '../../../crypto/bytes.js';
import { TPM_RC } from '../../../gen/constants.js';
import { policyAuthorizeNV } from '../../../protocol/policy.js';
import { nameOf } from '../../dispatch/entities.js';
import { tpmError } from '../../errors.js';
import { nvPinAuthorized, readAccessCheck, requireIndex } from '../../nv.js';
import type { Handler } from '../handler.js';
import { isTrial, policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyAuthorizeNV (Part 3 "TPM2_PolicyAuthorizeNV"): a policy approved by the contents of
 * an NV index. The index (read as by TPM2_NV_Read) holds a TPMT_HA; its hashAlg must be the
 * session's (TPM_RC_HASH) and its digest policyDigest (TPM_RC_VALUE). policyDigest then becomes
 * H(0…0 ‖ TPM_CC_PolicyAuthorizeNV ‖ nvIndex Name). A trial session does not read.
 */
export const PolicyAuthorizeNV: Handler<'PolicyAuthorizeNV'> = (ctx, { authHandle, nvIndex, policySession: handle }) => {
  const session = policySession(ctx, handle);
  const x = requireIndex(ctx, nvIndex, 'nvIndex');
  nvPinAuthorized(ctx, 'authHandle', authHandle);
  const hash = sessionHash(ctx, session);
  if (!isTrial(session)) {
    const rc = readAccessCheck(authHandle, nvIndex, x.public.attributes);
    if (rc) throw tpmError(rc, 'read access');
    // TPMT_HA: hashAlg, then a digest of that hash's size (TPM_RC_HASH, TPM_RC_INSUFFICIENT as unmarshalling gives them).
    const data = x.data;
    if (data.length < 2) throw tpmError(TPM_RC.INSUFFICIENT);
    const alg = (data[0] << 8) | data[1];
    const stored = ctx.crypto.hash(alg);
    if (!stored) throw tpmError(TPM_RC.HASH);
    if (data.length < 2 + stored.digestSize) throw tpmError(TPM_RC.INSUFFICIENT);
    if (alg !== session.hashAlg) throw tpmError(TPM_RC.HASH, 'the index holds a policy of another hash');
    if (!bytesEqual(data.subarray(2, 2 + stored.digestSize), session.policyDigest)) throw tpmError(TPM_RC.VALUE, 'policyDigest is not the approved policy');
  }
  session.policyDigest = policyAuthorizeNV(hash, nameOf(ctx, nvIndex));
  return {};
};
