import { bytesEqual } from '../../../crypto/bytes.js';
import { TPM_RC } from '../../../gen/constants.js';
import { policyAuthorize, policyAuthorizeAHash } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import { verifiedTicketValid } from '../20-signing/verified.js';
import type { Handler } from '../handler.js';
import { isTrial, policySession } from './_support.js';

/**
 * TPM2_PolicyAuthorize (Part 3 "TPM2_PolicyAuthorize"): replaces policyDigest, when it equals
 * approvedPolicy, by PolicyUpdate(TPM_CC_PolicyAuthorize, keySign, policyRef) from a reset
 * digest, given a TPM2_VerifySignature ticket that keySign signed
 * aHash = H_keySignAlg(approvedPolicy ‖ policyRef). keySign must be a Name with a digest
 * (TPM_RC_SIZE, TPM_RC_HASH); the rest is TPM_RC_VALUE. A trial session does not check.
 */
export const PolicyAuthorize: Handler<'PolicyAuthorize'> = (ctx, input) => {
  const { policySession: handle, approvedPolicy, policyRef, keySign, checkTicket } = input;
  const session = policySession(ctx, handle);
  if (keySign.length < 2) throw tpmError(TPM_RC.SIZE, 'keySign is not a Name with a digest').at('keySign');
  const keyHash = ctx.crypto.hash((keySign[0] << 8) | keySign[1]);
  if (!keyHash) throw tpmError(TPM_RC.HASH).at('keySign');
  if (keyHash.digestSize !== keySign.length - 2) throw tpmError(TPM_RC.SIZE).at('keySign');
  if (!isTrial(session)) {
    if (!bytesEqual(session.policyDigest, approvedPolicy)) throw tpmError(TPM_RC.VALUE, 'policyDigest is not approvedPolicy').at('approvedPolicy');
    const aHash = policyAuthorizeAHash(keyHash, approvedPolicy, policyRef);
    if (!verifiedTicketValid(ctx, checkTicket, aHash, keySign)) throw tpmError(TPM_RC.VALUE, 'not a verified ticket for this policy').at('checkTicket');
  }
  const hash = ctx.crypto.hash(session.hashAlg)!;
  session.policyDigest = policyAuthorize(hash, keySign, policyRef);
  return {};
};
