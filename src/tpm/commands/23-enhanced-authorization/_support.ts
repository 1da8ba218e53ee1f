import { bytesEqual, u32be } from '../../../crypto/bytes.js';
import { hmac } from '../../../crypto/hmac.js';
import { LOGIC_VALUES, TPM_EO, TPM_RC } from '../../../gen/constants.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import { hierarchyProof } from '../../hierarchy.js';
import { contextHash } from '../../properties.js';
import { currentClock, currentTime } from '../../state/lifecycle.js';
import type { AuthSession } from '../../state/types.js';

/** The policy (or trial) session a policy command extends, writable. */
export function policySession(ctx: CommandContext, handle: number, field = 'policySession'): AuthSession {
  const s = ctx.read('volatile').sessions?.[handle];
  // The handle type is checked on decoding (TPMI_SH_POLICY); it must also be loaded.
  if (!s || s.type === 'hmac') throw tpmError(TPM_RC.HANDLE).at(field);
  return ctx.write('volatile').sessions![handle];
}

export function sessionHash(ctx: CommandContext, session: AuthSession) {
  return ctx.crypto.hash(session.hashAlg)!;
}

export const isTrial = (session: AuthSession): boolean => session.type === 'trial';

/** TPM Time (ms since _TPM_Init), the time base of policy timeouts. */
export const now = (ctx: CommandContext): number => Math.max(0, Math.floor(currentTime(ctx.machine)));

/**
 * The timeout an expiration sets (Part 3 "TPM2_PolicySigned": expiration): 0 for none; else
 * |expiration| seconds from the session's start when nonceTPM is given, from now when not.
 */
export function authTimeout(ctx: CommandContext, session: AuthSession, expiration: number, nonceTPM: Uint8Array): number {
  if (expiration === 0) return 0;
  const base = nonceTPM.length ? (session.startTime ?? now(ctx)) : now(ctx);
  return base + Math.abs(expiration) * 1000;
}

/**
 * The checks of PolicySigned, PolicySecret and PolicyTicket before they change the session (the
 * reference's PolicyParameterChecks): nonceTPM, expiration, cpHashA size and agreement.
 */
export function policyParameterChecks(
  ctx: CommandContext,
  session: AuthSession,
  timeout: number,
  cpHashA: Uint8Array,
  nonceTPM: Uint8Array | null,
  fields: { nonce?: string; cpHash: string; expiration: string },
): void {
  if (nonceTPM && nonceTPM.length && !bytesEqual(nonceTPM, session.nonceTPM)) throw tpmError(TPM_RC.NONCE).at(fields.nonce!);
  if (timeout && timeout < now(ctx)) throw tpmError(TPM_RC.EXPIRED, 'the authorization has expired').at(fields.expiration);
  if (cpHashA.length) {
    if (cpHashA.length !== session.policyDigest.length) throw tpmError(TPM_RC.SIZE).at(fields.cpHash);
    if (session.cpHash && !bytesEqual(session.cpHash, cpHashA)) throw tpmError(TPM_RC.CPHASH);
  }
}

/** Does the session already hold a cpHash, nameHash, pHash or templateHash (the reference's IsCpHashUnionOccupied)? */
export function cpHashUnionOccupied(session: AuthSession): boolean {
  return !!(session.cpHash || session.nameHash || session.pHash || session.templateHash);
}

/** The cpHash and timeout part of the reference's PolicyContextUpdate: keep the cpHash, the earliest timeout. */
export function applyAuthConditions(session: AuthSession, cpHashA: Uint8Array, timeout: number): void {
  if (cpHashA.length) session.cpHash = cpHashA.slice();
  if (timeout && (session.timeout === undefined || timeout < session.timeout)) session.timeout = timeout;
}

/** Bit 63 of a ticket's timeout: the ticket was given without nonceTPM and expires on TPM Reset (the reference's EXPIRATION_BIT). */
const EXPIRATION_BIT = 1n << 63n;

/** A TPM2B_TIMEOUT value: the 64-bit timeout, with EXPIRATION_BIT when the ticket expires on reset. */
export function timeoutBytes(timeout: number, expiresOnReset: boolean): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(timeout) | (expiresOnReset ? EXPIRATION_BIT : 0n));
  return out;
}

/** Reads a TPM2B_TIMEOUT of 8 octets back into (timeout, expiresOnReset). */
export function parseTimeout(bytes: Uint8Array): { timeout: number; expiresOnReset: boolean } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
  return { timeout: Number(v & ~EXPIRATION_BIT), expiresOnReset: (v & EXPIRATION_BIT) !== 0n };
}

/**
 * TPMT_TK_AUTH digest (Part 2 "TPMT_TK_AUTH"): HMAC with the hierarchy's proof over ticket tag ‖
 * timeout ‖ cpHashA ‖ policyRef ‖ authName; a ticket with a timeout also covers resetCount and
 * restartCount, since TPM Time starts over at every power cycle (the reference adds its time
 * epoch). undefined when the hierarchy has no proof.
 */
export function authTicketDigest(
  ctx: CommandContext,
  tag: number,
  hierarchy: number,
  timeout: Uint8Array,
  cpHashA: Uint8Array,
  policyRef: Uint8Array,
  authName: Uint8Array,
): Uint8Array | undefined {
  const proof = hierarchyProof(ctx, hierarchy);
  if (!proof) return undefined;
  const zero = timeout.every((b) => b === 0);
  const epoch = zero ? new Uint8Array(0) : new Uint8Array([...u32be(ctx.read('persistent').resetCount), ...u32be(ctx.read('stateReset').restartCount)]);
  return hmac(contextHash(ctx.profile), proof, Uint8Array.of(tag >>> 8, tag & 0xff), timeout, cpHashA, policyRef, authName, epoch);
}

/** Compares two equal-length big-endian numbers: negative, zero or positive. */
function compareUnsigned(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function compareSigned(a: Uint8Array, b: Uint8Array): number {
  if (a.length === 0) return 0;
  const na = a[0] & 0x80;
  const nb = b[0] & 0x80;
  if (na !== nb) return na ? -1 : 1;
  return compareUnsigned(a, b);
}

/**
 * operandA `operation` operandB (Part 2 "TPM_EO"; the reference's PolicySptCheckCondition): both
 * big-endian numbers of operandB's size, signed or unsigned, or bit tests.
 */
export function checkCondition(operation: number, a: Uint8Array, b: Uint8Array): boolean {
  switch (operation) {
    case TPM_EO.EQ:
      return compareUnsigned(a, b) === 0;
    case TPM_EO.NEQ:
      return compareUnsigned(a, b) !== 0;
    case TPM_EO.SIGNED_GT:
      return compareSigned(a, b) > 0;
    case TPM_EO.UNSIGNED_GT:
      return compareUnsigned(a, b) > 0;
    case TPM_EO.SIGNED_LT:
      return compareSigned(a, b) < 0;
    case TPM_EO.UNSIGNED_LT:
      return compareUnsigned(a, b) < 0;
    case TPM_EO.SIGNED_GE:
      return compareSigned(a, b) >= 0;
    case TPM_EO.UNSIGNED_GE:
      return compareUnsigned(a, b) >= 0;
    case TPM_EO.SIGNED_LE:
      return compareSigned(a, b) <= 0;
    case TPM_EO.UNSIGNED_LE:
      return compareUnsigned(a, b) <= 0;
    case TPM_EO.BITSET:
      return a.every((x, i) => (x & b[i]) === b[i]);
    case TPM_EO.BITCLEAR:
      return a.every((x, i) => (x & b[i]) === 0);
  }
  throw tpmError(TPM_RC.VALUE).at('operation');
}

/**
 * The marshalled TPMS_TIME_INFO PolicyCounterTimer compares against (Part 2 "TPMS_TIME_INFO"):
 * time, clock (UINT64), resetCount, restartCount (UINT32), safe (YES/NO), as TPM2_ReadClock gives them.
 */
export function timeInfoBytes(ctx: CommandContext): Uint8Array {
  const p = ctx.read('persistent');
  return ctx.codec.encode('TPMS_TIME_INFO', {
    time: BigInt(now(ctx)),
    clockInfo: {
      clock: BigInt(Math.max(0, Math.floor(currentClock(ctx.machine)))),
      resetCount: p.resetCount,
      restartCount: ctx.read('stateReset').restartCount,
      safe: p.clockSafe ? LOGIC_VALUES.YES : LOGIC_VALUES.NO,
    },
  });
}
