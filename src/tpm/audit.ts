/**
 * Session audit and command audit (TPM 2.0 Part 1 "Session Audit", "Command Audit"; Part 3
 * "TPM2_SetCommandCodeAuditStatus"). Both digests are extended after a successful command:
 * digest_new := H(digest_old ‖ cpHash ‖ rpHash), with the session's hash for session audit and
 * the audit hash for command audit; cpHash is over the parameters as sent (before decryption),
 * rpHash over the response parameters as sent (after encryption). The dispatcher calls these;
 * GetSessionAuditDigest and GetCommandAuditDigest read the state through them.
 */
import type { HashAlgorithm } from '../crypto/hash.js';
import { u32be } from '../crypto/bytes.js';
import { TPM_CC, TPMA_SESSION } from '../gen/constants.js';
import type { CommandContext } from './context.js';
import type { Profile } from './profile.js';
import { contextHash } from './properties.js';
import type { AuthSession, PersistentState } from './state/types.js';

const EMPTY: Uint8Array = new Uint8Array(0);

/** The audited commands as manufactured: TPM2_SetCommandCodeAuditStatus, always audited. */
const DEFAULT_AUDIT_COMMANDS: readonly number[] = [TPM_CC.SetCommandCodeAuditStatus];

/** The command audit hash (manufactured as the context-integrity hash, as the reference does). */
export function auditHashAlgOf(profile: Profile, persistent: Readonly<PersistentState>): number {
  return persistent.auditHashAlg ?? contextHash(profile).alg;
}

/** Audited command codes, ascending, of the commands this profile implements (TPM_CAP_AUDIT_COMMANDS). */
export function auditedCommands(profile: Profile, persistent: Readonly<PersistentState>): number[] {
  return (persistent.auditCommands ?? DEFAULT_AUDIT_COMMANDS).filter((cc) => profile.commands.has(cc));
}

export function isCommandAudited(persistent: Readonly<PersistentState>, code: number): boolean {
  return (persistent.auditCommands ?? DEFAULT_AUDIT_COMMANDS).includes(code);
}

/** digest_new := H(digest_old ‖ cpHash ‖ rpHash) (Part 1 "Session Audit", "Command Audit"). */
export function extendAuditDigest(hash: HashAlgorithm, digest: Uint8Array, cpHash: Uint8Array, rpHash: Uint8Array): Uint8Array {
  return hash.digest(digest, cpHash, rpHash);
}

/**
 * Extends the audit digest of the session that carried TPMA_SESSION.audit (`session` is the
 * command's draft of it) and returns the session attributes for the response: auditExclusive
 * SET when it is the exclusive audit session (the reference's UpdateAuditSessionStatus). The
 * first audited use, or auditReset, starts the digest at zeros and makes the session exclusive;
 * a session that was not exclusive does not become so. Returns whether the digest (re)started:
 * the session is then no longer bound (the reference's InitAuditSession), which the caller applies
 * after the response HMAC.
 */
export function auditSession(
  ctx: CommandContext,
  handle: number,
  session: AuthSession,
  hash: HashAlgorithm,
  attributes: number,
  cpHash: Uint8Array,
  rpHash: Uint8Array,
): { attributes: number; started: boolean } {
  const volatile = ctx.write('volatile');
  const started = session.auditDigest === undefined || (attributes & TPMA_SESSION.auditReset) !== 0;
  if (started) {
    session.auditDigest = new Uint8Array(hash.digestSize);
    volatile.exclusiveAuditSession = handle;
  } else if (volatile.exclusiveAuditSession !== handle) {
    delete volatile.exclusiveAuditSession;
  }
  const exclusive = volatile.exclusiveAuditSession === handle;
  session.auditDigest = extendAuditDigest(hash, session.auditDigest!, cpHash, rpHash);
  return { attributes: exclusive ? attributes | TPMA_SESSION.auditExclusive : attributes & ~TPMA_SESSION.auditExclusive, started };
}

/** A successful command that allows sessions but has no audit session ends exclusive audit. */
export function endExclusiveAudit(ctx: CommandContext): void {
  if (ctx.read('volatile').exclusiveAuditSession !== undefined) delete ctx.write('volatile').exclusiveAuditSession;
}

/**
 * Command audit after a successful audited command (the reference's CommandAudit): an empty
 * digest starts at zeros and increments the audit counter. A SetCommandCodeAuditStatus that
 * changed the audit hash is not audited: the digest starts again with the next audited command.
 */
export function commandAudit(
  ctx: CommandContext,
  before: Readonly<PersistentState>,
  code: number,
  cpHashOf: (hash: HashAlgorithm) => Uint8Array,
  rpHashOf: (hash: HashAlgorithm) => Uint8Array,
): void {
  const persistent = ctx.read('persistent');
  if (!isCommandAudited(persistent, code)) return;
  const alg = auditHashAlgOf(ctx.profile, persistent);
  if (alg !== auditHashAlgOf(ctx.profile, before)) return;
  const hash = ctx.crypto.hash(alg);
  if (!hash) return;
  let digest = ctx.read('stateReset').commandAuditDigest ?? EMPTY;
  if (digest.length === 0) {
    digest = new Uint8Array(hash.digestSize);
    const p = ctx.write('persistent');
    p.auditCounter = (p.auditCounter ?? 0n) + 1n;
  }
  ctx.write('stateReset').commandAuditDigest = extendAuditDigest(hash, digest, cpHashOf(hash), rpHashOf(hash));
}

/**
 * What TPM2_GetCommandAuditDigest reports (Part 2 "TPMS_COMMAND_AUDIT_INFO"): the counter, the
 * audit hash, the digest (empty when none is running) and commandDigest, the hash of the audited
 * command codes in ascending order (the reference's CommandAuditGetDigest).
 */
export function commandAuditInfo(ctx: CommandContext): { auditCounter: bigint; digestAlg: number; auditDigest: Uint8Array; commandDigest: Uint8Array } {
  const persistent = ctx.read('persistent');
  const digestAlg = auditHashAlgOf(ctx.profile, persistent);
  const codes = auditedCommands(ctx.profile, persistent);
  const commandDigest = ctx.crypto.hash(digestAlg)!.digest(...codes.map(u32be));
  return { auditCounter: persistent.auditCounter ?? 0n, digestAlg, auditDigest: ctx.read('stateReset').commandAuditDigest ?? EMPTY, commandDigest };
}

/**
 * What TPM2_GetSessionAuditDigest reports (Part 2 "TPMS_SESSION_AUDIT_INFO"), or null when the
 * session is not loaded or was never used for audit (TPM_RC_TYPE in the reference).
 */
export function sessionAuditInfo(ctx: CommandContext, handle: number): { exclusiveSession: boolean; sessionDigest: Uint8Array } | null {
  const volatile = ctx.read('volatile');
  const digest = volatile.sessions?.[handle]?.auditDigest;
  if (digest === undefined) return null;
  return { exclusiveSession: volatile.exclusiveAuditSession === handle, sessionDigest: digest };
}

/**
 * TPM2_GetCommandAuditDigest with a signing key empties the digest (the reference resets it after
 * signing); when that command is itself audited, a new digest then starts with it.
 */
export function resetCommandAuditDigest(ctx: CommandContext): void {
  if (ctx.read('stateReset').commandAuditDigest !== undefined) delete ctx.write('stateReset').commandAuditDigest;
}
