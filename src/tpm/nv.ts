/**
 * NV Indices (TPM 2.0 Part 1 "NV Memory" and "NV Indices"; Part 3 "Non-volatile Storage").
 * Each index is a record in `PersistentState.nvIndices`: its public area (attributes as last
 * written to NV), authValue and data. ORDERLY indices keep their data and attributes in RAM
 * (`VolatileState.nvOrderly`) and write them to NV at Shutdown, at a counter's first write and
 * whenever a counter's low MAX_ORDERLY_COUNT bits roll over; after a disorderly shutdown an
 * orderly counter resumes from its NV value with those bits set, so it never goes backwards.
 */
import { TPM_CC, TPM_HT, TPM_NT, TPM_RC, TPM_RH, TPMA_NV } from '../gen/constants.js';
import type { TPMS_NV_PUBLIC } from '../gen/types.js';
import type { CommandContext } from './context.js';
import { tpmError } from './errors.js';
import type { Profile } from './profile.js';
import type { NvIndexRecord, PersistentState, TpmState } from './state/types.js';

const A = TPMA_NV;

/** An index as commands see it: for ORDERLY indices the RAM attributes and data. */
export interface NvIndexView {
  public: TPMS_NV_PUBLIC;
  authValue: Uint8Array;
  data: Uint8Array;
}

export const nvType = (attributes: number): number => (attributes & A.TPM_NT) >>> A.TPM_NT_SHIFT;
export const has = (attributes: number, bit: number): boolean => (attributes & bit) !== 0;
export const isCounter = (a: number) => nvType(a) === TPM_NT.COUNTER;
export const isPinIndex = (a: number) => nvType(a) === TPM_NT.PIN_PASS || nvType(a) === TPM_NT.PIN_FAIL;

/** Is this handle in the NV index range? */
export const isNvHandle = (handle: number): boolean => handle >>> 24 === TPM_HT.NV_INDEX;

function records(p: Readonly<PersistentState>): Readonly<Record<number, NvIndexRecord>> {
  return p.nvIndices ?? {};
}

/**
 * Hierarchy enables (Part 1 "Hierarchy Control"; the reference's NvIndexIsAccessible): an
 * owner-created index is hidden while shEnable is CLEAR, a platform-created one while
 * phEnableNV is CLEAR. Enables not (yet) in the state count as SET.
 */
export function nvHierarchyEnabled(ctx: CommandContext, attributes: number): boolean {
  const c = ctx.read('stateClear') as { shEnable?: boolean; phEnableNV?: boolean };
  return has(attributes, A.PLATFORMCREATE) ? c.phEnableNV !== false : c.shEnable !== false;
}

/** phEnableNV (TPMA_STARTUP_CLEAR): platform NV may be used. */
export function phEnableNV(ctx: CommandContext): boolean {
  return (ctx.read('stateClear') as { phEnableNV?: boolean }).phEnableNV !== false;
}

/** The index a handle names as commands see it (RAM copy for ORDERLY), or undefined. */
export function nvIndexOf(ctx: CommandContext, handle: number): NvIndexView | undefined {
  const x = definedIndex(ctx, handle);
  return x && nvHierarchyEnabled(ctx, x.public.attributes) ? x : undefined;
}

/** Like nvIndexOf, also when its hierarchy is disabled. */
function definedIndex(ctx: CommandContext, handle: number): NvIndexView | undefined {
  if (!isNvHandle(handle)) return undefined;
  const rec = records(ctx.read('persistent'))[handle];
  if (!rec) return undefined;
  const ram = ctx.read('volatile').nvOrderly?.[handle];
  if (!ram) return { public: rec.public, authValue: rec.authValue, data: rec.data };
  return { public: { ...rec.public, attributes: ram.attributes }, authValue: rec.authValue, data: ram.data };
}

/** Like nvIndexOf, or TPM_RC_HANDLE on the named handle (Part 3 "Handle Area Validation"). */
export function requireIndex(ctx: CommandContext, handle: number, field: string): NvIndexView {
  const x = nvIndexOf(ctx, handle);
  if (!x) throw tpmError(TPM_RC.HANDLE, `NV index 0x${handle.toString(16)} is not defined`).at(field);
  return x;
}

/**
 * Changes an index: ORDERLY attributes and data go to RAM, everything else to NV. `data`
 * replaces the whole data area (state octet strings are never changed in place).
 */
export function updateIndex(ctx: CommandContext, handle: number, change: { attributes?: number; data?: Uint8Array; authValue?: Uint8Array }): void {
  const cur = definedIndex(ctx, handle)!;
  const orderly = has(cur.public.attributes, A.ORDERLY);
  if (change.authValue) {
    const p = ctx.write('persistent');
    p.nvIndices[handle].authValue = change.authValue;
  }
  if (change.attributes === undefined && change.data === undefined) return;
  if (orderly) {
    // RAM now differs from what an orderly Shutdown saved: the next power loss is disorderly.
    if (ctx.read('persistent').orderlyShutdown !== null) ctx.write('persistent').orderlyShutdown = null;
    const v = ctx.write('volatile');
    v.nvOrderly ??= {};
    v.nvOrderly[handle] = { attributes: change.attributes ?? cur.public.attributes, data: change.data ?? cur.data };
  } else {
    const rec = ctx.write('persistent').nvIndices[handle];
    if (change.attributes !== undefined) rec.public = { ...rec.public, attributes: change.attributes };
    if (change.data !== undefined) rec.data = change.data;
  }
}

/**
 * Writes `bytes` at `offset` and sets TPMA_NV_WRITTEN. The first write of an ordinary index
 * clears the rest of it; the first write of an ORDERLY counter is written to NV at once
 * (as the TCG reference's NvWriteIndexData).
 */
export function writeIndexData(ctx: CommandContext, handle: number, offset: number, bytes: Uint8Array): void {
  const cur = definedIndex(ctx, handle)!;
  const attrs = cur.public.attributes;
  const first = !has(attrs, A.WRITTEN);
  const data = first && nvType(attrs) === TPM_NT.ORDINARY ? new Uint8Array(cur.public.dataSize) : cur.data.slice();
  data.set(bytes, offset);
  updateIndex(ctx, handle, { attributes: (attrs | A.WRITTEN) >>> 0, data });
  if (first && has(attrs, A.ORDERLY) && isCounter(attrs)) saveOrderlyIndices(ctx);
}

export function readUint64(data: Uint8Array): bigint {
  return new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0);
}

export function uint64Bytes(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, v));
  return out;
}

/** Writes the RAM copies of ORDERLY indices to NV (the reference's NvUpdateIndexOrderlyData). */
export function saveOrderlyIndices(ctx: CommandContext): void {
  const ram = ctx.read('volatile').nvOrderly;
  if (!ram || Object.keys(ram).length === 0) return;
  const p = ctx.write('persistent');
  for (const [h, r] of Object.entries(ram)) {
    const rec = p.nvIndices[Number(h)];
    if (!rec) continue;
    if (rec.public.attributes !== r.attributes) rec.public = { ...rec.public, attributes: r.attributes };
    rec.data = r.data;
  }
}

/**
 * The attributes an index has after TPM Reset or TPM Restart (Part 1 "NV Indices", the
 * reference's NvSetStartupAttributes): READLOCKED cleared; a non-counter index with
 * CLEAR_STCLEAR, or ORDERLY at TPM Reset, becomes unwritten; WRITELOCKED stays only for a
 * written WRITEDEFINE index.
 */
function startupAttributes(attributes: number, reset: boolean): number {
  let a = attributes & ~A.READLOCKED;
  if (!isCounter(a) && (has(a, A.CLEAR_STCLEAR) || (has(a, A.ORDERLY) && reset))) a &= ~A.WRITTEN;
  if (!has(a, A.WRITTEN) || !has(a, A.WRITEDEFINE)) a &= ~A.WRITELOCKED;
  return a >>> 0;
}

/**
 * Startup (Part 1 "Startup"): at TPM Reset and Restart locks are cleared as above; after a
 * disorderly shutdown each ORDERLY counter's low bits are set to one (its RAM value may have run
 * up to MAX_ORDERLY_COUNT past the NV value), so it is never lower than a value it reported.
 * The RAM copies of ORDERLY indices are loaded from NV here (volatile state is new after _TPM_Init).
 */
export function nvStartup(ctx: CommandContext, type: 'reset' | 'restart' | 'resume', orderly: boolean): void {
  const p = ctx.write('persistent');
  const v = ctx.write('volatile');
  p.nvIndices ??= {};
  v.nvOrderly = {};
  const mask = BigInt(ctx.profile.limits.MAX_ORDERLY_COUNT ?? 255);
  for (const [h, rec] of Object.entries(p.nvIndices)) {
    let a = rec.public.attributes;
    if (type !== 'resume') a = startupAttributes(a, type === 'reset');
    if (has(a, A.ORDERLY)) {
      let data = rec.data;
      if (!orderly && isCounter(a) && has(a, A.WRITTEN)) data = uint64Bytes(readUint64(data) | mask);
      v.nvOrderly[Number(h)] = { attributes: a, data };
    } else if (a !== rec.public.attributes) {
      rec.public = { ...rec.public, attributes: a };
    }
  }
}

/** Shutdown (any type): ORDERLY indices are saved to NV (Part 3 "TPM2_Shutdown"). */
export function nvShutdown(ctx: CommandContext): void {
  saveOrderlyIndices(ctx);
}

/** The Name of an index: nameAlg ‖ H_nameAlg(TPMS_NV_PUBLIC) (Part 1 "Names"). */
export function nvName(ctx: CommandContext, pub: TPMS_NV_PUBLIC): Uint8Array {
  const hash = ctx.crypto.hash(pub.nameAlg);
  if (!hash) return new Uint8Array(0);
  const digest = hash.digest(ctx.codec.encode('TPMS_NV_PUBLIC', pub));
  const out = new Uint8Array(2 + digest.length);
  out[0] = pub.nameAlg >>> 8;
  out[1] = pub.nameAlg & 0xff;
  out.set(digest, 2);
  return out;
}

/** Commands that write an index (the reference's IsWriteOperation). */
const WRITE_OPERATIONS = new Set<number>([TPM_CC.NV_Write, TPM_CC.NV_Increment, TPM_CC.NV_SetBits, TPM_CC.NV_Extend, TPM_CC.NV_WriteLock]);

/** Does this command's authorization of an index follow the write rules? */
export function isWriteOperation(ctx: CommandContext): boolean {
  return WRITE_OPERATIONS.has(ctx.command.code);
}

/**
 * May the index's authValue authorize this command (the reference's IsAuthValueAvailable)? For
 * writes TPMA_NV_AUTHWRITE; for reads TPMA_NV_AUTHREAD, or for a PIN index: written and
 * pinCount < pinLimit. The ADMIN role (NV_ChangeAuth, NV_UndefineSpaceSpecial) needs a policy.
 */
export function nvAuthValueAvailable(ctx: CommandContext, handle: number): boolean {
  const x = nvIndexOf(ctx, handle);
  if (!x) return false;
  if (nvAdminCommand(ctx)) return false;
  const a = x.public.attributes;
  if (isWriteOperation(ctx)) return has(a, A.AUTHWRITE);
  if (isPinIndex(a)) {
    if (!has(a, A.WRITTEN)) return false;
    const pin = readUint64(x.data);
    return (pin >> 32n) < (pin & 0xffffffffn);
  }
  return has(a, A.AUTHREAD);
}

/** NV_ChangeAuth and NV_UndefineSpaceSpecial authorize the index in the ADMIN role. */
function nvAdminCommand(ctx: CommandContext): boolean {
  return ctx.command.code === TPM_CC.NV_ChangeAuth || ctx.command.code === TPM_CC.NV_UndefineSpaceSpecial;
}

/**
 * The authPolicy of an index when a policy session may authorize this command (the reference's
 * IsAuthPolicyAvailable): always for the ADMIN role, else with POLICYWRITE / POLICYREAD.
 */
export function nvAuthPolicy(ctx: CommandContext, handle: number): { hashAlg: number; digest: Uint8Array } | undefined {
  const x = nvIndexOf(ctx, handle);
  if (!x || x.public.authPolicy.length === 0) return undefined;
  const a = x.public.attributes;
  const ok = nvAdminCommand(ctx) || (isWriteOperation(ctx) ? has(a, A.POLICYWRITE) : has(a, A.POLICYREAD));
  return ok ? { hashAlg: x.public.nameAlg, digest: x.public.authPolicy } : undefined;
}

/**
 * The code a password or HMAC authorization of an index gets before its authValue is compared
 * (the reference's CheckAuthSession): TPM_RC_AUTH_TYPE in the ADMIN role (a policy is
 * required), TPM_RC_AUTH_UNAVAILABLE when the authValue may not authorize this command; else 0.
 */
export function nvAuthorizationRc(ctx: CommandContext, handle: number, kind: 'password' | 'hmac' | 'policy'): number {
  if (!isNvHandle(handle) || kind === 'policy') return 0;
  if (nvAdminCommand(ctx)) return TPM_RC.AUTH_TYPE;
  return nvAuthValueAvailable(ctx, handle) ? 0 : TPM_RC.AUTH_UNAVAILABLE;
}

/**
 * nvAuthorizationRc for a handle of this command, raised by the handler: the dispatcher
 * compares the authValue before handlers run, so a wrong password there answers
 * TPM_RC_BAD_AUTH / TPM_RC_AUTH_FAIL where the reference answers this code (until the
 * dispatcher calls entities.ts `authUnavailable` before its comparison).
 */
export function nvAuthorizationCheck(ctx: CommandContext, handleName: string, handle: number): void {
  const how = ctx.authorizationOf(handleName);
  const rc = how ? nvAuthorizationRc(ctx, handle, how.kind) : 0;
  if (rc) throw tpmError(rc, rc === TPM_RC.AUTH_TYPE ? 'the ADMIN role of an NV index needs a policy session' : 'the index authValue may not authorize this command');
}

/** Is the index exempt from dictionary-attack protection (TPMA_NV_NO_DA)? */
export function nvIsDaProtected(ctx: CommandContext, handle: number): boolean {
  const x = nvIndexOf(ctx, handle);
  return !!x && !has(x.public.attributes, A.NO_DA);
}

/**
 * NvWriteAccessChecks (Part 3 "TPM2_NV_Write" and others): TPM_RC_NV_LOCKED when write-locked;
 * owner or platform authorization needs OWNERWRITE / PPWRITE, else the index must have
 * authorized itself.
 */
export function writeAccessCheck(authHandle: number, handle: number, attributes: number): number {
  if (has(attributes, A.WRITELOCKED)) return TPM_RC.NV_LOCKED;
  if (authHandle === TPM_RH.OWNER) return has(attributes, A.OWNERWRITE) ? 0 : TPM_RC.NV_AUTHORIZATION;
  if (authHandle === TPM_RH.PLATFORM) return has(attributes, A.PPWRITE) ? 0 : TPM_RC.NV_AUTHORIZATION;
  return authHandle === handle ? 0 : TPM_RC.NV_AUTHORIZATION;
}

/** NvReadAccessChecks: as above with READLOCKED, OWNERREAD, PPREAD, then TPM_RC_NV_UNINITIALIZED. */
export function readAccessCheck(authHandle: number, handle: number, attributes: number): number {
  if (has(attributes, A.READLOCKED)) return TPM_RC.NV_LOCKED;
  if (authHandle === TPM_RH.OWNER) {
    if (!has(attributes, A.OWNERREAD)) return TPM_RC.NV_AUTHORIZATION;
  } else if (authHandle === TPM_RH.PLATFORM) {
    if (!has(attributes, A.PPREAD)) return TPM_RC.NV_AUTHORIZATION;
  } else if (authHandle !== handle) return TPM_RC.NV_AUTHORIZATION;
  if (!has(attributes, A.WRITTEN)) return TPM_RC.NV_UNINITIALIZED;
  return 0;
}

/** Octets an index takes in NV (list entry, handle, public area, authValue, data unless ORDERLY). */
export function nvEntrySize(profile: Profile, pub: TPMS_NV_PUBLIC): number {
  const digest = profile.crypto.hash(pub.nameAlg)?.digestSize ?? 64;
  // TPMS_NV_PUBLIC: nvIndex, nameAlg, attributes, authPolicy (TPM2B), dataSize.
  const base = 4 + 4 + (4 + 2 + 4 + 2 + pub.authPolicy.length + 2) + 2 + digest;
  return base + (has(pub.attributes, A.ORDERLY) ? 0 : pub.dataSize);
}

/** Octets an ORDERLY index takes in RAM (the reference's NV_RAM_HEADER and data). */
export function nvRamSize(pub: TPMS_NV_PUBLIC): number {
  return has(pub.attributes, A.ORDERLY) ? 12 + pub.dataSize : 0;
}

/** NV and RAM in use by indices. */
export function nvUsage(profile: Profile, persistent: Readonly<PersistentState>): { nv: number; ram: number } {
  let nv = 0;
  let ram = 0;
  for (const rec of Object.values(records(persistent))) {
    nv += nvEntrySize(profile, rec.public);
    ram += nvRamSize(rec.public);
  }
  return { nv, ram };
}

/** TPM_PT_NV_COUNTERS_AVAIL: how many more counter indices fit (an estimate, as Part 2 allows). */
export function nvCountersAvailable(profile: Profile, persistent: Readonly<PersistentState>): number {
  const used = nvUsage(profile, persistent);
  const hash = profile.crypto.hashes[0];
  const entry = nvEntrySize(profile, { nvIndex: 0, nameAlg: hash?.alg ?? 0, attributes: 0, authPolicy: new Uint8Array(0), dataSize: 8 });
  return Math.max(0, Math.floor((profile.limits.NV_MEMORY_SIZE - used.nv) / entry));
}

/** Defined indices, by handle (ascending). */
export function nvHandles(state: Pick<TpmState, 'persistent'>): number[] {
  return Object.keys(records(state.persistent))
    .map(Number)
    .sort((a, b) => a - b);
}

/** Defined counter indices. */
export function nvCounterCount(state: Pick<TpmState, 'persistent'>): number {
  return Object.values(records(state.persistent)).filter((r) => isCounter(r.public.attributes)).length;
}

/**
 * Deletes an index; a written counter's value raises the TPM's highest deleted count, from
 * which a new counter starts, so a counter at a reused handle never goes back (the reference's
 * NvDeleteIndex and NvReadMaxCount).
 */
export function deleteIndex(ctx: CommandContext, handle: number): void {
  const x = definedIndex(ctx, handle);
  if (!x) return;
  const p = ctx.write('persistent');
  if (isCounter(x.public.attributes) && has(x.public.attributes, A.WRITTEN)) {
    const value = readUint64(x.data);
    if (value > (p.nvMaxCounter ?? 0n)) p.nvMaxCounter = value;
  }
  delete p.nvIndices[handle];
  if (ctx.read('volatile').nvOrderly?.[handle]) delete ctx.write('volatile').nvOrderly![handle];
}

/**
 * A PIN index's authValue authorized this command (the reference's CheckAuthSession): a PIN
 * pass index counts the use (pinCount + 1), a PIN fail index starts over (pinCount = 0).
 */
export function nvPinAuthorized(ctx: CommandContext, handleName: string, handle: number): void {
  const how = ctx.authorizationOf(handleName);
  if (!how || how.kind === 'policy' || !isNvHandle(handle)) return;
  const x = nvIndexOf(ctx, handle);
  if (!x || !isPinIndex(x.public.attributes) || !has(x.public.attributes, A.WRITTEN)) return;
  const pin = readUint64(x.data);
  const limit = pin & 0xffffffffn;
  const count = nvType(x.public.attributes) === TPM_NT.PIN_PASS ? ((pin >> 32n) + 1n) & 0xffffffffn : 0n;
  writeIndexData(ctx, handle, 0, uint64Bytes((count << 32n) | limit));
}

/**
 * For the dispatcher, after a failed authorization with an index's authValue: a written PIN
 * fail index counts the failure (pinCount + 1) in the committed state, as DA accounting does.
 */
export function nvPinAuthorizationFailed(state: TpmState, handle: number): TpmState {
  const rec = state.persistent.nvIndices?.[handle];
  if (!rec || nvType(rec.public.attributes) !== TPM_NT.PIN_FAIL) return state;
  const ram = state.volatile.nvOrderly?.[handle];
  const attributes = ram?.attributes ?? rec.public.attributes;
  if (!has(attributes, A.WRITTEN)) return state;
  const pin = readUint64(ram?.data ?? rec.data);
  const data = uint64Bytes((((pin >> 32n) + 1n) << 32n) | (pin & 0xffffffffn));
  if (ram) return { ...state, volatile: { ...state.volatile, nvOrderly: { ...state.volatile.nvOrderly, [handle]: { attributes, data } } } };
  return { ...state, persistent: { ...state.persistent, nvIndices: { ...state.persistent.nvIndices, [handle]: { ...rec, data } } } };
}
