import { TPM_ALG, TPM_RC, TPM_RH, TPM_ST } from '../../../gen/constants.js';
import type { TPMS_SIGNATURE_ECC, TPMS_SIGNATURE_RSA, TPMT_HA, TPMT_SIGNATURE } from '../../../gen/types.js';
import { guard } from '../../../protocol/errors.js';
import { policySignedAHash, policySigned } from '../../../protocol/policy.js';
import { verifySignature } from '../../../protocol/signature.js';
import { tpmError } from '../../errors.js';
import { requireObject } from '../../object.js';
import type { Handler } from '../handler.js';
import { applyAuthConditions, authTicketDigest, authTimeout, isTrial, policyParameterChecks, policySession, sessionHash, timeoutBytes } from './_support.js';

/** The hash a signature was made with (the reference's CryptGetSignHashAlg). */
function signatureHash(sig: TPMT_SIGNATURE): number {
  switch (sig.sigAlg) {
    case TPM_ALG.RSASSA:
    case TPM_ALG.RSAPSS:
      return (sig.signature as TPMS_SIGNATURE_RSA).hash;
    case TPM_ALG.ECDSA:
    case TPM_ALG.ECDAA:
    case TPM_ALG.SM2:
    case TPM_ALG.ECSCHNORR:
      return (sig.signature as TPMS_SIGNATURE_ECC).hash;
    case TPM_ALG.HMAC:
      return (sig.signature as TPMT_HA).hashAlg;
  }
  return TPM_ALG.NULL;
}

/**
 * TPM2_PolicySigned (Part 3 "TPM2_PolicySigned"): authObject's signature over
 * aHash = H(nonceTPM ‖ expiration ‖ cpHashA ‖ policyRef) satisfies the policy; policyDigest
 * extends with authObject's Name and then policyRef. nonceTPM, expiration and cpHashA act as in
 * TPM2_PolicySecret; a negative expiration returns a TPM_ST_AUTH_SIGNED ticket. A trial session
 * neither checks nor verifies.
 */
export const PolicySigned: Handler<'PolicySigned'> = (ctx, input) => {
  const { authObject, policySession: handle, nonceTPM, cpHashA, policyRef, expiration, auth } = input;
  const session = policySession(ctx, handle);
  const key = requireObject(ctx, authObject, 'authObject');
  const trial = isTrial(session);
  const timeout = trial ? 0 : authTimeout(ctx, session, expiration, nonceTPM);
  if (!trial) {
    policyParameterChecks(ctx, session, timeout, cpHashA, nonceTPM, { nonce: 'nonceTPM', cpHash: 'cpHashA', expiration: 'expiration' });
    if (auth.sigAlg === TPM_ALG.NULL) throw tpmError(TPM_RC.SIGNATURE).at('auth');
    const hash = ctx.crypto.hash(signatureHash(auth));
    if (!hash) throw tpmError(TPM_RC.SCHEME, 'no hash for the signature').at('auth');
    const aHash = policySignedAHash(hash, nonceTPM, expiration, cpHashA, policyRef);
    const genuine = guard(() => verifySignature(key.public, aHash, auth, key.sensitive ?? undefined), 'auth');
    if (!genuine) throw tpmError(TPM_RC.SIGNATURE, 'the signature is not genuine').at('auth');
  }
  session.policyDigest = policySigned(sessionHash(ctx, session), session.policyDigest, key.name, policyRef);
  applyAuthConditions(session, cpHashA, timeout);

  if (expiration < 0 && !trial) {
    const t = timeoutBytes(timeout, nonceTPM.length === 0);
    const digest = authTicketDigest(ctx, TPM_ST.AUTH_SIGNED, key.hierarchy, t, cpHashA, policyRef, key.name);
    if (!digest) throw tpmError(TPM_RC.HIERARCHY).at('authObject');
    return { timeout: t, policyTicket: { tag: TPM_ST.AUTH_SIGNED, hierarchy: key.hierarchy, digest } };
  }
  return { timeout: new Uint8Array(0), policyTicket: { tag: TPM_ST.AUTH_SIGNED, hierarchy: TPM_RH.NULL, digest: new Uint8Array(0) } };
};
