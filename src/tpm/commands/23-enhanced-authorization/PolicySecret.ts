import { bytesEqual, u16be } from '../../../crypto/bytes.js';
import { hmac } from '../../../crypto/hmac.js';
import { TPM_RC, TPM_RH, TPM_ST } from '../../../gen/constants.js';
import { policySecret } from '../../../protocol/policy.js';
import { entityHierarchy, nameOf } from '../../dispatch/entities.js';
import { tpmError } from '../../errors.js';
import { hierarchyProof } from '../../hierarchy.js';
import { contextHash } from '../../properties.js';
import { currentTime } from '../../state/lifecycle.js';
import type { Handler } from '../handler.js';
import { policySession, sessionHash } from './_support.js';

const u64 = (n: number) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, Math.floor(n))));
  return out;
};

/**
 * TPM2_PolicySecret (Part 3 "TPM2_PolicySecret"): the authorization of authHandle (checked by
 * the dispatcher) satisfies the policy; policyDigest extends with the entity's Name and then
 * policyRef. nonceTPM, when given, binds it to this session; a non-zero expiration limits the
 * session's life (seconds from its start), and a negative one also returns a ticket
 * (Part 2 "TPMT_TK_AUTH"). cpHashA limits the session to one command's parameters.
 */
export const PolicySecret: Handler<'PolicySecret'> = (ctx, input) => {
  const { authHandle, policySession: handle, nonceTPM, cpHashA, policyRef, expiration } = input;
  const session = policySession(ctx, handle);
  const hash = sessionHash(ctx, session);
  const authName = nameOf(ctx, authHandle);
  const now = currentTime(ctx.machine);
  // Seconds from the session's start (nonceTPM given) or from now (Part 3 "TPM2_PolicySigned": expiration).
  const timeout = expiration === 0 ? 0 : (nonceTPM.length ? (session.startTime ?? now) : now) + Math.abs(expiration) * 1000;
  if (session.type !== 'trial') {
    // The reference's PolicyParameterChecks (a trial session checks nothing).
    if (nonceTPM.length && !bytesEqual(nonceTPM, session.nonceTPM)) throw tpmError(TPM_RC.NONCE).at('nonceTPM');
    if (timeout && timeout < now) throw tpmError(TPM_RC.EXPIRED).at('expiration');
    if (cpHashA.length) {
      if (cpHashA.length !== hash.digestSize) throw tpmError(TPM_RC.SIZE).at('cpHashA');
      if (session.cpHash && !bytesEqual(session.cpHash, cpHashA)) throw tpmError(TPM_RC.CPHASH);
    }
    if (cpHashA.length) session.cpHash = cpHashA.slice();
    if (timeout && (session.timeout === undefined || timeout < session.timeout)) session.timeout = timeout;
  }
  session.policyDigest = policySecret(hash, session.policyDigest, authName, policyRef);

  if (expiration < 0 && session.type !== 'trial') {
    const hierarchy = entityHierarchy(ctx, authHandle);
    const proof = hierarchyProof(ctx, hierarchy);
    if (!proof) throw tpmError(TPM_RC.HIERARCHY).at('authHandle');
    const timeoutBytes = u64(timeout);
    const digest = hmac(contextHash(ctx.profile), proof, u16be(TPM_ST.AUTH_SECRET), timeoutBytes, cpHashA, policyRef, authName);
    return { timeout: timeoutBytes, policyTicket: { tag: TPM_ST.AUTH_SECRET, hierarchy, digest } };
  }
  return { timeout: new Uint8Array(0), policyTicket: { tag: TPM_ST.AUTH_SECRET, hierarchy: TPM_RH.NULL, digest: new Uint8Array(0) } };
};
