import { LOGIC_VALUES, TPM_RC, TPM_ST } from '../../../gen/constants.js';
import { sessionAuditInfo } from '../../audit.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { attestInfo, attestSigner, signAttest } from './attest.js';

/**
 * TPM2_GetSessionAuditDigest (Part 3 "TPM2_GetSessionAuditDigest"): signs the audit digest of
 * an HMAC session and whether it is the exclusive audit session. A session never used for
 * audit answers TPM_RC_TYPE.
 */
export const GetSessionAuditDigest: Handler<'GetSessionAuditDigest'> = (ctx, { signHandle, sessionHandle, qualifyingData, inScheme }) => {
  const signer = attestSigner(ctx, signHandle, inScheme);
  const audit = sessionAuditInfo(ctx, sessionHandle);
  if (!audit) throw tpmError(TPM_RC.TYPE, 'not an audit session').at('sessionHandle');
  const info = attestInfo(ctx, signer, qualifyingData, TPM_ST.ATTEST_SESSION_AUDIT, {
    exclusiveSession: audit.exclusiveSession ? LOGIC_VALUES.YES : LOGIC_VALUES.NO,
    sessionDigest: audit.sessionDigest,
  });
  const { bytes, signature } = signAttest(ctx, signer, info, qualifyingData);
  return { auditInfo: bytes, signature };
};
