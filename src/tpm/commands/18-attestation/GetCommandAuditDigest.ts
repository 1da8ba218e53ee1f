import { TPM_RH, TPM_ST } from '../../../gen/constants.js';
import { commandAuditInfo, resetCommandAuditDigest } from '../../audit.js';
import type { Handler } from '../handler.js';
import { attestInfo, attestSigner, signAttest } from './attest.js';

/**
 * TPM2_GetCommandAuditDigest (Part 3 "TPM2_GetCommandAuditDigest"): signs the audit counter,
 * the audit hash, the command audit digest and the digest of the audited command codes. A
 * signed report empties the audit digest; the next audited command starts a new one.
 */
export const GetCommandAuditDigest: Handler<'GetCommandAuditDigest'> = (ctx, { signHandle, qualifyingData, inScheme }) => {
  const signer = attestSigner(ctx, signHandle, inScheme);
  const info = attestInfo(ctx, signer, qualifyingData, TPM_ST.ATTEST_COMMAND_AUDIT, commandAuditInfo(ctx));
  const { bytes, signature } = signAttest(ctx, signer, info, qualifyingData);
  if (signHandle !== TPM_RH.NULL) resetCommandAuditDigest(ctx);
  return { auditInfo: bytes, signature };
};
