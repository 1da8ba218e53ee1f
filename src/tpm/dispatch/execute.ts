/**
 * The command pipeline, in the order of TPM 2.0 Part 3 "Command Processing": header, command
 * code and initialisation checks, handles, the authorization area and authorization by role,
 * strict parameter decoding, the handler, the response, and one commit of the state drafts.
 * Never throws: every fault becomes a response code.
 */
import { TPM_ALG, TPM_CC, TPM_HT, TPM_RC, TPM_RH, TPM_ST, TPMA_SESSION } from '../../gen/constants.js';
import { WireError } from '../../wire/errors.js';
import type { CommandDesc } from '../../wire/descriptor.js';
import { Reader } from '../../wire/reader.js';
import { Writer } from '../../wire/writer.js';
import { CommandContext, type Machine } from '../context.js';
import { ProtocolError } from '../../protocol/errors.js';
import { TpmFault, tpmError, withHandle, withParameter, withSession } from '../errors.js';
import type { HandlerTable } from '../commands/handler.js';
import { authUnavailable, authValueOf, hierarchyCheck, isDaProtected, nameOf, objectHierarchy, trimTrailingZeros } from './entities.js';
import { nvIndexOf, nvPinAuthorizationFailed } from '../nv.js';
import { daAuthorizationCheck, daAuthorizationFailed } from '../da.js';
import type { HashAlgorithm } from '../../crypto/hash.js';
import { physicalPresenceRequired } from '../properties.js';
import { policySessionCheck } from './policy-check.js';
import { cpHash, parameterCrypt, rpHash, sessionHmac } from '../../protocol/session.js';
import type { AuthSession } from '../state/types.js';
import { auditSession, commandAudit, endExclusiveAudit } from '../audit.js';

const HEADER = 10;
const MAX_SESSIONS = 3;

const EMPTY: Uint8Array = new Uint8Array(0);

/** A session of this command: null for a password, else the loaded session. */
interface LiveSession {
  cmd: Session;
  session: AuthSession | null;
  hash?: HashAlgorithm;
}

/**
 * The HMAC key: sessionKey ‖ authValue, except that a session bound to the entity it
 * authorizes leaves the authValue out (Part 1 "Bound Sessions"; "HMAC Computation").
 */
function hmacKey(session: AuthSession, name: Uint8Array, authValue: Uint8Array): Uint8Array {
  const bound = session.boundEntity !== null && (equalBytes(session.boundEntity, name) || equalBytes(session.boundEntity, concat(name, authValue)));
  return bound ? session.sessionKey : concat(session.sessionKey, trimTrailingZeros(authValue));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

interface Session {
  handle: number;
  nonce: Uint8Array;
  attributes: number;
  hmac: Uint8Array;
}

/** A response that is only a header with a response code. */
export function errorResponse(rc: number): Uint8Array {
  const out = new Uint8Array(HEADER);
  const v = new DataView(out.buffer);
  v.setUint16(0, TPM_ST.NO_SESSIONS);
  v.setUint32(2, HEADER);
  v.setUint32(6, rc >>> 0);
  return out;
}

class Reject {
  constructor(readonly rc: number) {}
}

const reject = (rc: number): never => {
  throw new Reject(rc);
};

/** Commands a TPM in failure mode still answers (Part 1 "Failure Mode"). */
const FAILURE_MODE_COMMANDS = new Set<number>([TPM_CC.GetTestResult, TPM_CC.GetCapability]);

export function executeCommand(machine: Machine, handlers: HandlerTable, command: Uint8Array, locality: number): Uint8Array {
  try {
    return run(machine, handlers, command, locality);
  } catch (e) {
    if (e instanceof Reject) return errorResponse(e.rc);
    return errorResponse(TPM_RC.FAILURE);
  }
}

function run(machine: Machine, handlers: HandlerTable, command: Uint8Array, locality: number): Uint8Array {
  // --- Header (Part 3 "Handle Area Validation" and before)
  if (command.length < HEADER) reject(TPM_RC.COMMAND_SIZE);
  const header = new DataView(command.buffer, command.byteOffset, command.byteLength);
  const tag = header.getUint16(0);
  const size = header.getUint32(2);
  const code = header.getUint32(6);
  if (size !== command.length || size > machine.profile.limits.MAX_COMMAND_SIZE) reject(TPM_RC.COMMAND_SIZE);
  if (tag !== TPM_ST.SESSIONS && tag !== TPM_ST.NO_SESSIONS) reject(TPM_RC.BAD_TAG);

  const volatile = machine.state.volatile;
  if (!volatile.initialized) reject(TPM_RC.FAILURE);
  if (volatile.failure && !FAILURE_MODE_COMMANDS.has(code)) reject(TPM_RC.FAILURE);
  const desc = machine.profile.commands.get(code);
  const handler = desc ? (handlers as Record<string, unknown>)[desc.name] : undefined;
  if (!desc || typeof handler !== 'function') return reject(TPM_RC.COMMAND_CODE);
  if (!volatile.started && code !== TPM_CC.Startup) reject(TPM_RC.INITIALIZE);
  if (volatile.started && code === TPM_CC.Startup) reject(TPM_RC.INITIALIZE);

  const codec = machine.profile.codec;
  const r = new Reader(command, HEADER, command.length);

  // --- Handle area: each handle decoded strictly by its interface type.
  const input: Record<string, unknown> = {};
  const handleValues: number[] = [];
  desc.handles.forEach((h, i) => {
    try {
      const v = codec.read<number>(h.type, r, !!h.allowNull);
      handleValues.push(v);
      input[h.name] = v;
    } catch (e) {
      if (e instanceof WireError) reject(withHandle(e.rc, i + 1));
      throw e;
    }
  });

  // --- Authorization area (Part 1 "Authorization Area"; Part 3 "Session Area Validation").
  const authHandles = desc.handles.map((h, i) => ({ h, i })).filter((x) => x.h.auth);
  const sessions: Session[] = [];
  if (tag === TPM_ST.SESSIONS) {
    if (desc.tag === 'no-sessions') reject(TPM_RC.AUTH_CONTEXT);
    if (r.remaining < 4) reject(TPM_RC.AUTHSIZE);
    const authSize = r.u32();
    if (authSize < 9 || authSize > r.remaining) reject(TPM_RC.AUTHSIZE);
    const end = r.pos + authSize;
    const paramEnd = r.end;
    r.end = end;
    while (r.pos < end) {
      const n = sessions.length + 1;
      if (n > MAX_SESSIONS) reject(TPM_RC.AUTHSIZE);
      try {
        const handle = codec.read<number>('TPMI_SH_AUTH_SESSION', r, true);
        const nonce = codec.read<Uint8Array>('TPM2B_NONCE', r);
        const attributes = codec.read<number>('TPMA_SESSION', r);
        const hmac = codec.read<Uint8Array>('TPM2B_AUTH', r);
        sessions.push({ handle, nonce, attributes, hmac });
      } catch (e) {
        if (e instanceof WireError) reject(e.rc === 0x09a ? TPM_RC.AUTHSIZE : withSession(e.rc, n));
        throw e;
      }
    }
    r.end = paramEnd;
  } else if (authHandles.length > 0) {
    reject(TPM_RC.AUTH_MISSING);
  }
  if (sessions.length < authHandles.length) reject(TPM_RC.AUTH_MISSING);

  const ctx = new CommandContext(machine, desc, locality);

  // Objects and sessions the handles name must be loaded (Part 3 "Handle Area Validation").
  // ... and hierarchies they name must be enabled (Part 1 "Hierarchy Control").
  desc.handles.forEach((h, i) => {
    const v = handleValues[i];
    if (v >>> 24 === TPM_HT.TRANSIENT && !(v in ctx.read('volatile').objects)) reject(TPM_RC.REFERENCE_H0 + i);
    if (v >>> 24 === TPM_HT.PERSISTENT && !ctx.read('persistent').objects?.[v]) reject(withHandle(TPM_RC.HANDLE, i + 1));
    // An object of a disabled hierarchy cannot be used (Part 1 "Hierarchy Control").
    const owner = objectHierarchy(ctx, v);
    if (owner !== undefined && hierarchyCheck(ctx, owner)) reject(withHandle(TPM_RC.HIERARCHY, i + 1));
    // An NV index must be defined and its hierarchy enabled (the reference's NvIndexIsAccessible).
    if (v >>> 24 === TPM_HT.NV_INDEX && !nvIndexOf(ctx, v)) reject(withHandle(TPM_RC.HANDLE, i + 1));
    const hierarchy = hierarchyCheck(ctx, v);
    if (hierarchy) reject(withHandle(hierarchy, i + 1));
  });

  // Authorization by session (Part 1 "Authorization"; Part 3 "Authorization Checks").
  const paramBytes = command.subarray(r.pos, r.end);
  const names = handleValues.map((v) => nameOf(ctx, v));
  const used = new Set<number>();
  // Parameter encryption: the first parameter (command) or response parameter must be a TPM2B.
  const decryptAllowed = desc.params.length > 0 && desc.params[0].type.startsWith('TPM2B_');
  const encryptAllowed = desc.responseParams.length > 0 && desc.responseParams[0].type.startsWith('TPM2B_');
  let decryptIndex = -1;
  let encryptIndex = -1;
  let auditIndex = -1;
  const live: LiveSession[] = sessions.map((s, k) => {
    const n = k + 1;
    const crypt = s.attributes & (TPMA_SESSION.encrypt | TPMA_SESSION.decrypt);
    const audit = s.attributes & TPMA_SESSION.audit;
    if (s.handle === TPM_RH.TPM_RS_PW) {
      // A password is always for a handle, has no nonce, and may only ask to continue (Part 1 "Password Authorizations").
      if (k >= authHandles.length) reject(withSession(TPM_RC.HANDLE, n));
      if (s.nonce.length !== 0) reject(withSession(TPM_RC.NONCE, n));
      if (s.attributes & ~TPMA_SESSION.continueSession) reject(withSession(TPM_RC.ATTRIBUTES, n));
      return { cmd: s, session: null };
    }
    const session = ctx.read('volatile').sessions?.[s.handle];
    if (!session) return reject(TPM_RC.REFERENCE_S0 + k);
    if (used.has(s.handle)) reject(withSession(TPM_RC.VALUE, n));
    used.add(s.handle);
    if (session.type === 'trial') reject(withSession(TPM_RC.ATTRIBUTES, n));
    const hash = machine.profile.crypto.hash(session.hashAlg)!;
    // After PolicyPassword no HMAC uses nonceCaller: tpm2-tss sends an empty one (the reference checks no size).
    const nonceUnused = session.type === 'policy' && session.isPasswordNeeded && s.nonce.length === 0;
    if ((s.nonce.length < 16 && !nonceUnused) || s.nonce.length > hash.digestSize) reject(withSession(TPM_RC.SIZE, n));
    if (s.attributes & TPMA_SESSION.decrypt) {
      if (decryptIndex >= 0 || !decryptAllowed) reject(withSession(TPM_RC.ATTRIBUTES, n));
      if (session.symmetric.algorithm === TPM_ALG.NULL) reject(withSession(TPM_RC.SYMMETRIC, n));
      decryptIndex = k;
    }
    if (s.attributes & TPMA_SESSION.encrypt) {
      if (encryptIndex >= 0 || !encryptAllowed) reject(withSession(TPM_RC.ATTRIBUTES, n));
      if (session.symmetric.algorithm === TPM_ALG.NULL) reject(withSession(TPM_RC.SYMMETRIC, n));
      encryptIndex = k;
    }
    // Session audit (Part 1 "Session Audit"): one HMAC session per command; with auditExclusive
    // (and no auditReset) an audit session already in use must be the exclusive one.
    if (audit) {
      if (auditIndex >= 0 || session.type !== 'hmac') reject(withSession(TPM_RC.ATTRIBUTES, n));
      const exclusive = s.attributes & TPMA_SESSION.auditExclusive && !(s.attributes & TPMA_SESSION.auditReset);
      if (exclusive && session.auditDigest !== undefined && ctx.read('volatile').exclusiveAuditSession !== s.handle) reject(TPM_RC.EXCLUSIVE);
      auditIndex = k;
    }
    // A session beyond the authorized handles only encrypts or audits.
    if (k >= authHandles.length && !crypt && !audit) reject(withSession(TPM_RC.ATTRIBUTES, n));
    return { cmd: s, session, hash };
  });

  /**
   * The HMAC of session k over cpHash (the reference's ComputeCommandHMAC): the first
   * authorization session also covers the nonceTPM of separate decrypt and encrypt sessions.
   * With an empty key an empty HMAC is accepted.
   */
  const cpHashes = new Map<number, Uint8Array>();
  const cpHashOf = (hash: HashAlgorithm): Uint8Array => {
    let cp = cpHashes.get(hash.alg);
    if (!cp) cpHashes.set(hash.alg, (cp = cpHash(hash, code, names, paramBytes)));
    return cp;
  };
  const commandHmacOk = (k: number, key: Uint8Array): boolean => {
    const l = live[k];
    if (key.length === 0 && l.cmd.hmac.length === 0) return true;
    let nonceDecrypt: Uint8Array = EMPTY;
    let nonceEncrypt: Uint8Array = EMPTY;
    if (k === 0 && authHandles.length > 0) {
      if (decryptIndex > 0) nonceDecrypt = live[decryptIndex].session!.nonceTPM;
      if (encryptIndex > 0 && encryptIndex !== decryptIndex) nonceEncrypt = live[encryptIndex].session!.nonceTPM;
    }
    const expected = sessionHmac(l.hash!, key, cpHashOf(l.hash!), l.cmd.nonce, l.session!.nonceTPM, nonceDecrypt, nonceEncrypt, l.cmd.attributes);
    return equalBytes(expected, l.cmd.hmac);
  };

  authHandles.forEach(({ h, i }, k) => {
    const s = sessions[k];
    const n = k + 1;
    const handle = handleValues[i];
    const authValue = authValueOf(ctx, handle);
    if (authValue === undefined) return reject(withHandle(TPM_RC.HANDLE, i + 1));
    const l = live[k];
    // Physical presence: commands on the PP list need it when platformAuth authorizes (Part 1 "Physical Presence").
    if (handle === TPM_RH.PLATFORM && physicalPresenceRequired(code, ctx.read('persistent').ppCommands) && !ctx.read('volatile').physicalPresence) {
      reject(withSession(TPM_RC.PP, n));
    }
    const daProtected = isDaProtected(ctx, handle);
    const lockout = daAuthorizationCheck(ctx, handle, daProtected);
    if (lockout) reject(lockout);
    /** A failed authorization: counted against DA-protected entities (Part 1 "Dictionary Attack Protection"). */
    const fail = (): never => {
      daAuthorizationFailed(machine, handle, daProtected);
      machine.state = nvPinAuthorizationFailed(machine.state, handle);
      return reject(withSession(daProtected ? TPM_RC.AUTH_FAIL : TPM_RC.BAD_AUTH, n));
    };
    const kind = l.session ? (l.session.type === 'hmac' ? 'hmac' : 'policy') : 'password';
    ctx.authorizations[i] = { kind, session: n };
    // The authValue must be one this command may use (Part 1 "NV Indices": AUTHWRITE, AUTHREAD, PIN limits, ADMIN role).
    const role = h.auth!.role;
    const unavailable = authUnavailable(ctx, handle, kind, role);
    if (unavailable) reject(withSession(unavailable, n));
    if (!l.session) {
      if (!equalBytes(trimTrailingZeros(s.hmac), trimTrailingZeros(authValue))) fail();
      return;
    }
    if (l.session.type === 'hmac') {
      if (!commandHmacOk(k, hmacKey(l.session, names[i], authValue))) fail();
      return;
    }
    // A policy session authorizes by its policyDigest matching the entity's authPolicy and the
    // conditions its policy commands set (dispatch/policy-check.ts).
    if (l.session.commandCode !== undefined && l.session.commandCode !== code) reject(withSession(TPM_RC.POLICY_CC, n));
    const policyRc = policySessionCheck(ctx, l.session, l.hash!, { code, handle, role, names, parameters: paramBytes, cpHash: () => cpHashOf(l.hash!) });
    if (policyRc) reject(withSession(policyRc, n));
    // PolicyPassword: the authValue in the clear; otherwise an HMAC, over the authValue after
    // PolicyAuthValue (Part 1 "Policy Session").
    if (l.session.isPasswordNeeded) {
      if (!equalBytes(trimTrailingZeros(s.hmac), trimTrailingZeros(authValue))) fail();
    } else if (!commandHmacOk(k, l.session.isAuthValueNeeded ? hmacKey(l.session, names[i], authValue) : l.session.sessionKey)) {
      fail();
    }
  });
  // Sessions that only encrypt: an HMAC with the session key alone.
  for (let k = authHandles.length; k < live.length; k++) {
    if (!commandHmacOk(k, live[k].session!.sessionKey)) reject(withSession(TPM_RC.BAD_AUTH, k + 1));
  }

  // The session value of parameter encryption: sessionKey ‖ authValue of the authorized entity (Part 1 "Session-based encryption").
  const sessionValue = (k: number): Uint8Array => {
    const key = live[k].session!.sessionKey;
    const i = authHandles[k]?.i;
    return i === undefined ? key : concat(key, trimTrailingZeros(authValueOf(ctx, handleValues[i]) ?? EMPTY));
  };

  // --- Parameter decryption (Part 1 "Session-based encryption"), then the parameters, strictly
  // (Part 3 "Parameter Unmarshaling Errors").
  let params = r;
  if (decryptIndex >= 0) {
    const l = live[decryptIndex];
    if (paramBytes.length < 2) reject(withSession(TPM_RC.INSUFFICIENT, decryptIndex + 1));
    const size = (paramBytes[0] << 8) | paramBytes[1];
    if (size > paramBytes.length - 2) reject(withSession(TPM_RC.SIZE, decryptIndex + 1));
    const clear = paramBytes.slice();
    clear.set(parameterCrypt(l.hash!, l.session!.symmetric, sessionValue(decryptIndex), l.cmd.nonce, l.session!.nonceTPM, paramBytes.subarray(2, 2 + size), true), 2);
    params = new Reader(clear, 0, clear.length);
  }
  try {
    Object.assign(input, codec.readFields(desc.params, params));
  } catch (e) {
    if (e instanceof WireError) reject(withParameter(e.rc, 1 + desc.params.findIndex((p) => p.name === e.path[0])));
    throw e;
  }
  if (params.remaining !== 0) reject(TPM_RC.SIZE);

  // --- The command itself.
  let output: Record<string, unknown>;
  try {
    output = (handler as (c: CommandContext, i: unknown) => Record<string, unknown>)(ctx, input) ?? {};
  } catch (e) {
    if (e instanceof TpmFault) reject(faultCode(desc, e));
    // Shared key-protection and signature code reports its TPM_RC (src/protocol/errors.ts).
    if (e instanceof ProtocolError) reject(faultCode(desc, e.field ? tpmError(e.rc).at(e.field) : tpmError(e.rc)));
    throw e;
  }

  // --- Response (Part 1 "Response Parameter Area").
  const w = (machine.scratch ??= new Writer(4096)).reset();
  w.u16(tag);
  const sizeAt = w.reserve(4);
  w.u32(TPM_RC.SUCCESS);
  for (const h of desc.responseHandles) w.u32(output[h.name] as number);
  let paramSizeAt = 0;
  if (tag === TPM_ST.SESSIONS) paramSizeAt = w.reserve(4);
  const paramStart = w.pos;
  codec.writeFields(desc.responseParams, w, output);
  // rpHash by hash algorithm over the response parameters as sent, after encryption (Part 1 "rpHash").
  const responseParams = w.written(paramStart, w.pos);
  const rpHashes = new Map<number, Uint8Array>();
  const rpHashOf = (hash: HashAlgorithm): Uint8Array => {
    let rp = rpHashes.get(hash.alg);
    if (!rp) rpHashes.set(hash.alg, (rp = rpHash(hash, TPM_RC.SUCCESS, code, responseParams)));
    return rp;
  };
  if (tag === TPM_ST.SESSIONS) {
    w.patch(paramSizeAt, 4, w.pos - paramStart);
    // A new nonceTPM for every session used (Part 1 "Session Nonces").
    const volatile = ctx.write('volatile');
    for (const l of live) {
      if (!l.session) continue;
      const session = volatile.sessions![l.cmd.handle];
      session.nonceCaller = l.cmd.nonce;
      session.nonceTPM = machine.rng.bytes(l.hash!.digestSize);
      l.session = session;
    }
    // The first response parameter's data, encrypted with the new nonceTPM first.
    if (encryptIndex >= 0 && responseParams.length >= 2) {
      const l = live[encryptIndex];
      const size = (responseParams[0] << 8) | responseParams[1];
      const data = responseParams.subarray(2, 2 + size);
      data.set(parameterCrypt(l.hash!, l.session!.symmetric, sessionValue(encryptIndex), l.session!.nonceTPM, l.cmd.nonce, data, false));
    }
    // Session audit: extend the session's digest; the response reports exclusivity (Part 1 "Session Audit").
    let audited: { attributes: number; started: boolean } | undefined;
    if (auditIndex >= 0) {
      const l = live[auditIndex];
      audited = auditSession(ctx, l.cmd.handle, l.session!, l.hash!, l.cmd.attributes, cpHashOf(l.hash!), rpHashOf(l.hash!));
    }
    live.forEach((l, k) => {
      const attrs = audited && k === auditIndex ? audited.attributes : l.cmd.attributes;
      if (!l.session) {
        w.u16(0);
        w.u8(attrs & TPMA_SESSION.continueSession);
        w.u16(0);
        return;
      }
      const hash = l.hash!;
      const session = l.session;
      if (!(attrs & TPMA_SESSION.continueSession)) delete volatile.sessions![l.cmd.handle];
      // The response HMAC: every session but a PolicyPassword one, keyed with the authValue as the
      // command left it for HMAC sessions and after PolicyAuthValue; an empty key and an empty
      // command HMAC give an empty one (Part 1 "Response HMAC"; the reference's ComputeResponseHMAC).
      let mac: Uint8Array = EMPTY;
      if (!session.isPasswordNeeded) {
        const i = authHandles[k]?.i;
        const withAuth = i !== undefined && (session.type === 'hmac' || session.isAuthValueNeeded);
        const key = withAuth ? hmacKey(session, names[i], authValueOf(ctx, handleValues[i]) ?? EMPTY) : session.sessionKey;
        if (key.length || l.cmd.hmac.length) {
          mac = sessionHmac(hash, key, rpHashOf(hash), session.nonceTPM, session.nonceCaller, EMPTY, EMPTY, attrs);
        }
      }
      w.u16(session.nonceTPM.length);
      w.bytes(session.nonceTPM);
      w.u8(attrs);
      w.u16(mac.length);
      w.bytes(mac);
    });
    // A session whose audit digest (re)started is no longer bound (the reference's InitAuditSession).
    if (audited?.started) live[auditIndex].session!.boundEntity = null;
  }
  // Any other successful command that may have sessions ends exclusive audit (the reference's UpdateAuditSessionStatus).
  if (auditIndex < 0 && desc.tag !== 'no-sessions') endExclusiveAudit(ctx);
  w.patch(sizeAt, 4, w.pos);

  // --- One commit. Changing what an orderly Shutdown saved voids it (Part 1 "Shutdown").
  if (code !== TPM_CC.Shutdown && code !== TPM_CC.Startup && ctx.read('persistent').orderlyShutdown !== null && changesSavedState(machine, ctx)) {
    ctx.write('persistent').orderlyShutdown = null;
  }
  // Command audit (Part 1 "Command Audit"); its counter does not void an orderly shutdown.
  commandAudit(ctx, machine.state.persistent, code, cpHashOf, rpHashOf);
  ctx.commit();
  return w.finish();
}

/** Did the command change NV state, or a PCR that Shutdown(STATE) saves? */
function changesSavedState(machine: Machine, ctx: CommandContext): boolean {
  const written = ctx.written();
  if (written.includes('persistent')) return true;
  if (!written.includes('stateClear')) return false;
  const before = machine.state.stateClear.pcrValues;
  const after = ctx.read('stateClear').pcrValues;
  const attrs = machine.profile.pcrAttributes;
  for (const hash of Object.keys(after)) {
    const a = after[Number(hash)];
    const b = before[Number(hash)];
    if (!b) return true;
    for (let i = 0; i < a.length; i++) if (attrs[i]?.stateSave && !equalBytes(a[i], b[i])) return true;
  }
  return false;
}

/** Adds the handle, parameter or session number a handler named. */
function faultCode(desc: CommandDesc, e: TpmFault): number {
  if (e.session !== undefined) return withSession(e.rc, e.session);
  if (e.field !== undefined) {
    const h = desc.handles.findIndex((x) => x.name === e.field);
    if (h >= 0) return withHandle(e.rc, h + 1);
    const p = desc.params.findIndex((x) => x.name === e.field);
    if (p >= 0) return withParameter(e.rc, p + 1);
  }
  return e.rc;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
