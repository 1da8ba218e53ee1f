/**
 * The conditions a policy session meets when it authorizes (Part 1 "Policy Session"; the
 * reference's CheckPolicyAuthSession), after the dispatcher has checked the command code: the
 * PCRs unchanged since PolicyPCR, policyDigest = the entity's authPolicy, the timeout, the
 * command code for the ADMIN and DUP roles, the locality, physical presence, the
 * cpHash / nameHash / pHash / templateHash, and TPMA_NV_WRITTEN.
 */
import { bytesEqual } from '../../crypto/bytes.js';
import type { HashAlgorithm } from '../../crypto/hash.js';
import { TPM_CC, TPM_RC, TPMA_NV } from '../../gen/constants.js';
import { nameHashOf, parametersHashOf, templateHashOf } from '../../protocol/policy.js';
import type { CommandContext } from '../context.js';
import { isNvHandle, nvIndexOf } from '../nv.js';
import { currentTime } from '../state/lifecycle.js';
import type { AuthSession } from '../state/types.js';
import { authPolicyOf } from './entities.js';

export interface PolicyUse {
  /** The command code and the handle the session authorizes, in this role. */
  code: number;
  handle: number;
  role: 'USER' | 'ADMIN' | 'DUP';
  /** Names of all the command's handles, and its parameter area as received. */
  names: readonly Uint8Array[];
  parameters: Uint8Array;
  /** cpHash of the command with the session's hash. */
  cpHash: () => Uint8Array;
}

/** 0 when the session may authorize, else the response code (without the session number). */
export function policySessionCheck(ctx: CommandContext, session: AuthSession, hash: HashAlgorithm, use: PolicyUse): number {
  // TPM2_PolicySecret authorized by a policy needs that policy to prove the authValue.
  if (use.code === TPM_CC.PolicySecret && !session.isPasswordNeeded && !session.isAuthValueNeeded) return TPM_RC.MODE;
  if (session.pcrUpdateCounter !== undefined && session.pcrUpdateCounter !== ctx.read('stateClear').pcrUpdateCounter) return TPM_RC.PCR_CHANGED;
  const policy = authPolicyOf(ctx, use.handle);
  if (!policy) return TPM_RC.AUTH_UNAVAILABLE;
  if (!bytesEqual(policy.digest, session.policyDigest) || policy.hashAlg !== session.hashAlg) return TPM_RC.POLICY_FAIL;
  if (session.timeout !== undefined && currentTime(ctx.machine) > session.timeout) return TPM_RC.EXPIRED;
  // The ADMIN and DUP roles need a policy that names the command (Part 1 "Authorization Roles").
  if (session.commandCode === undefined && use.role !== 'USER') return TPM_RC.POLICY_FAIL;
  if (session.commandLocality !== undefined && !localityAllowed(session.commandLocality, ctx.locality)) return TPM_RC.LOCALITY;
  if (session.isPPRequired && !ctx.read('volatile').physicalPresence) return TPM_RC.PP;
  if (session.cpHash && !bytesEqual(session.cpHash, use.cpHash())) return TPM_RC.POLICY_FAIL;
  if (session.nameHash && !bytesEqual(session.nameHash, nameHashOf(hash, use.names))) return TPM_RC.POLICY_FAIL;
  if (session.pHash && !bytesEqual(session.pHash, parametersHashOf(hash, use.code, use.parameters))) return TPM_RC.POLICY_FAIL;
  if (session.templateHash && !templateMatches(hash, session.templateHash, use.code, use.parameters)) return TPM_RC.POLICY_FAIL;
  if (session.nvWrittenState !== undefined) {
    const x = isNvHandle(use.handle) ? nvIndexOf(ctx, use.handle) : undefined;
    if (!x || ((x.public.attributes & TPMA_NV.WRITTEN) !== 0) !== session.nvWrittenState) return TPM_RC.POLICY_FAIL;
  }
  return 0;
}

/** TPMA_LOCALITY: a mask of localities 0-4 below 32, else one extended locality (Part 2 "TPMA_LOCALITY"). */
function localityAllowed(allowed: number, locality: number): boolean {
  if (locality < 5) return allowed < 32 && (allowed & (1 << locality)) !== 0;
  return locality > 31 && allowed === locality;
}

/** The inPublic of a Create, CreatePrimary or CreateLoaded (after inSensitive) hashes to templateHash. */
function templateMatches(hash: HashAlgorithm, templateHash: Uint8Array, code: number, params: Uint8Array): boolean {
  if (code !== TPM_CC.Create && code !== TPM_CC.CreatePrimary && code !== TPM_CC.CreateLoaded) return false;
  if (params.length < 2) return false;
  const at = 2 + ((params[0] << 8) | params[1]);
  if (params.length < at + 2) return false;
  const size = (params[at] << 8) | params[at + 1];
  if (params.length < at + 2 + size) return false;
  return bytesEqual(templateHash, templateHashOf(hash, params.subarray(at + 2, at + 2 + size)));
}
