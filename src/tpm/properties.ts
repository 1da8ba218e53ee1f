/**
 * What TPM2_GetCapability reports, computed from the profile and the state (TPM 2.0 Part 2
 * "TPM_PT", "TPMA_ALGORITHM", "TPMA_CC", "TPM_PT_PCR"; Part 3 "TPM2_GetCapability"). Values the
 * profile does not set are those of the TCG reference implementation (and swtpm).
 */
import { TPM_ALG, TPM_CC, TPM_HT, TPM_PT, TPM_PT_PCR, TPM_RH, TPM_SPEC, TPMA_ALGORITHM, TPMA_CC, TPMA_MEMORY, TPMA_PERMANENT, TPMA_STARTUP_CLEAR } from '../gen/constants.js';
import type { TPMS_ALG_PROPERTY, TPMS_TAGGED_PCR_SELECT, TPMS_TAGGED_PROPERTY } from '../gen/types.js';
import { utf8 } from '../crypto/bytes.js';
import type { HashAlgorithm } from '../crypto/hash.js';
import type { CommandDesc } from '../wire/descriptor.js';
import type { Profile } from './profile.js';
import type { TpmState } from './state/types.js';
import { nvCounterCount, nvCountersAvailable, nvHandles } from './nv.js';

const A = TPMA_ALGORITHM;

/**
 * TPMA_ALGORITHM of each algorithm, from the type column of the TCG Algorithm Registry
 * (A asymmetric, S symmetric, H hash, O object, X signing, E encrypting, M method). TPM_ALG_NULL
 * is not an algorithm of the list (as in the reference's algorithm table).
 */
export const ALGORITHM_ATTRIBUTES: ReadonlyMap<number, number> = new Map([
  [TPM_ALG.RSA, A.asymmetric | A.object],
  [TPM_ALG.TDES, A.symmetric],
  [TPM_ALG.SHA1, A.hash],
  [TPM_ALG.HMAC, A.hash | A.signing],
  [TPM_ALG.AES, A.symmetric],
  [TPM_ALG.MGF1, A.hash | A.method],
  [TPM_ALG.KEYEDHASH, A.hash | A.object | A.signing | A.encrypting],
  [TPM_ALG.XOR, A.symmetric | A.hash],
  [TPM_ALG.SHA256, A.hash],
  [TPM_ALG.SHA384, A.hash],
  [TPM_ALG.SHA512, A.hash],
  [TPM_ALG.SM3_256, A.hash],
  [TPM_ALG.SM4, A.symmetric],
  [TPM_ALG.RSASSA, A.asymmetric | A.signing],
  [TPM_ALG.RSAES, A.asymmetric | A.encrypting],
  [TPM_ALG.RSAPSS, A.asymmetric | A.signing],
  [TPM_ALG.OAEP, A.asymmetric | A.encrypting],
  [TPM_ALG.ECDSA, A.asymmetric | A.signing],
  [TPM_ALG.ECDH, A.asymmetric | A.method],
  [TPM_ALG.ECDAA, A.asymmetric | A.signing],
  [TPM_ALG.SM2, A.asymmetric | A.signing | A.method],
  [TPM_ALG.ECSCHNORR, A.asymmetric | A.signing],
  [TPM_ALG.ECMQV, A.asymmetric | A.method],
  [TPM_ALG.KDF1_SP800_56A, A.hash | A.method],
  [TPM_ALG.KDF2, A.hash | A.method],
  [TPM_ALG.KDF1_SP800_108, A.hash | A.method],
  [TPM_ALG.ECC, A.asymmetric | A.object],
  [TPM_ALG.SYMCIPHER, A.object],
  [TPM_ALG.CAMELLIA, A.symmetric],
  [TPM_ALG.SHA3_256, A.hash],
  [TPM_ALG.SHA3_384, A.hash],
  [TPM_ALG.SHA3_512, A.hash],
  [TPM_ALG.CMAC, A.symmetric | A.signing],
  [TPM_ALG.CTR, A.symmetric | A.encrypting],
  [TPM_ALG.OFB, A.symmetric | A.encrypting],
  [TPM_ALG.CBC, A.symmetric | A.encrypting],
  [TPM_ALG.CFB, A.symmetric | A.encrypting],
  [TPM_ALG.ECB, A.symmetric | A.encrypting],
]);

/** TPM_CAP_ALGS: the profile's algorithms in TPM_ALG_ID order. */
export function algorithmProperties(profile: Profile): TPMS_ALG_PROPERTY[] {
  return [...profile.algorithms]
    .filter((alg) => ALGORITHM_ATTRIBUTES.has(alg))
    .sort((a, b) => a - b)
    .map((alg) => ({ alg, algProperties: ALGORITHM_ATTRIBUTES.get(alg)! }));
}

/** A limit from the profile, else the implementation default. */
export function implementationValue(profile: Profile, name: string): number {
  const v = profile.limits[name];
  if (v === undefined) throw new Error(`no implementation value '${name}'`);
  return v;
}

/**
 * The hash that protects saved contexts and computes tickets (Part 1 "Context Integrity
 * Protection"; the reference's CONTEXT_INTEGRITY_HASH_ALG): the implemented hash with the
 * longest digest (the lowest TPM_ALG_ID among equals).
 */
export function contextHash(profile: Profile): HashAlgorithm {
  let best = profile.crypto.hashes[0];
  for (const h of profile.crypto.hashes) if (h.digestSize > best.digestSize) best = h;
  return best;
}

/** The symmetric algorithm and key size that protect saved contexts (TPM_PT_CONTEXT_SYM/_SIZE). */
export function contextSymmetric(profile: Profile): { alg: number; keyBits: number } {
  for (const alg of [TPM_ALG.AES, TPM_ALG.SM4]) {
    const bits = profile.crypto.symmetricKeyBits(alg);
    if (bits.length) return { alg, keyBits: Math.max(...bits) };
  }
  return { alg: TPM_ALG.NULL, keyBits: 0 };
}

/** Up to four ASCII characters as a big-endian UINT32, zero-padded (TPM_PT_MANUFACTURER, VENDOR_STRING_n). */
export function asciiToUint32(s: string): number {
  const b = utf8(s);
  let v = 0;
  for (let i = 0; i < 4; i++) v = (v << 8) | (b[i] ?? 0);
  return v >>> 0;
}

/** TPMA_CC of a command from its declaration (Part 2 "TPMA_CC"). */
export function commandAttributes(desc: CommandDesc): number {
  let v = (desc.code & TPMA_CC.commandIndex) | ((desc.handles.length << TPMA_CC.cHandles_SHIFT) & TPMA_CC.cHandles);
  if (desc.nv) v |= TPMA_CC.nv;
  if (desc.extensive) v |= TPMA_CC.extensive;
  if (desc.flushed) v |= TPMA_CC.flushed;
  if (desc.responseHandles.length > 0) v |= TPMA_CC.rHandle;
  if (desc.code & 0x20000000) v |= TPMA_CC.V;
  return v >>> 0;
}

/** Commands that always need physical presence: TPM2_PP_Commands (Part 3 "TPM2_PP_Commands"). */
export function ppRequiredAlways(code: number): boolean {
  return code === TPM_CC.PP_Commands;
}

/** May the command be put on the PP list: a handle declared `+PP` (Part 3 "Physical Presence")? */
export function ppCapable(desc: CommandDesc): boolean {
  return desc.handles.some((h) => h.auth?.physicalPresence);
}

/** Does the command need physical presence when platformAuth authorizes it (the PP list)? */
export function physicalPresenceRequired(code: number, ppCommands: readonly number[] | undefined): boolean {
  return ppRequiredAlways(code) || (ppCommands?.includes(code) ?? false);
}

/** Permanent handles this TPM implements (Part 2 "TPM_RH"), in order. No ACT. */
export const PERMANENT_HANDLES: readonly number[] = [
  TPM_RH.OWNER,
  TPM_RH.NULL,
  TPM_RH.TPM_RS_PW,
  TPM_RH.LOCKOUT,
  TPM_RH.ENDORSEMENT,
  TPM_RH.PLATFORM,
  TPM_RH.PLATFORM_NV,
];

/** Permanent handles that have an authPolicy (TPM_CAP_AUTH_POLICIES). */
export const POLICY_HANDLES: readonly number[] = [TPM_RH.OWNER, TPM_RH.LOCKOUT, TPM_RH.ENDORSEMENT, TPM_RH.PLATFORM];

/** Loaded transient objects (sequence objects included), in handle order. */
export function transientHandles(state: Pick<TpmState, 'volatile'>): number[] {
  return Object.keys(state.volatile.objects)
    .map(Number)
    .filter((h) => h >>> 24 === TPM_HT.TRANSIENT)
    .sort((a, b) => a - b);
}

/** The PT_FIXED group of TPM_PT (Part 2 "TPM_PT"), in property order. */
export function fixedProperties(profile: Profile): TPMS_TAGGED_PROPERTY[] {
  const lim = (name: string) => implementationValue(profile, name);
  const vendor = profile.spec.vendor;
  const vendorWords = [0, 4, 8, 12].map((i) => asciiToUint32(vendor.vendorString.slice(i, i + 4)));
  const sym = contextSymmetric(profile);
  const libraryCommands = [...profile.commands.keys()].filter((c) => (c & 0x20000000) === 0).length;
  // Largest TPMS_CONTEXT: sequence (8) + savedHandle (4) + hierarchy (4) + TPM2B_CONTEXT_DATA.
  const maxContext = 8 + 4 + 4 + 2 + lim('MAX_CONTEXT_SIZE');
  const values: [number, number][] = [
    [TPM_PT.FAMILY_INDICATOR, TPM_SPEC.FAMILY],
    [TPM_PT.LEVEL, TPM_SPEC.LEVEL],
    [TPM_PT.REVISION, TPM_SPEC.VERSION],
    [TPM_PT.DAY_OF_YEAR, TPM_SPEC.DAY_OF_YEAR],
    [TPM_PT.YEAR, TPM_SPEC.YEAR],
    [TPM_PT.MANUFACTURER, asciiToUint32(vendor.manufacturer)],
    [TPM_PT.VENDOR_STRING_1, vendorWords[0]],
    [TPM_PT.VENDOR_STRING_2, vendorWords[1]],
    [TPM_PT.VENDOR_STRING_3, vendorWords[2]],
    [TPM_PT.VENDOR_STRING_4, vendorWords[3]],
    [TPM_PT.VENDOR_TPM_TYPE, vendor.vendorTpmType],
    [TPM_PT.FIRMWARE_VERSION_1, vendor.firmwareVersion[0]],
    [TPM_PT.FIRMWARE_VERSION_2, vendor.firmwareVersion[1]],
    [TPM_PT.INPUT_BUFFER, lim('MAX_DIGEST_BUFFER')],
    [TPM_PT.HR_TRANSIENT_MIN, lim('MAX_LOADED_OBJECTS')],
    [TPM_PT.HR_PERSISTENT_MIN, lim('MIN_EVICT_OBJECTS')],
    [TPM_PT.HR_LOADED_MIN, lim('MAX_LOADED_SESSIONS')],
    [TPM_PT.ACTIVE_SESSIONS_MAX, lim('MAX_ACTIVE_SESSIONS')],
    [TPM_PT.PCR_COUNT, profile.pcrCount],
    [TPM_PT.PCR_SELECT_MIN, lim('PCR_SELECT_MIN')],
    [TPM_PT.CONTEXT_GAP_MAX, lim('CONTEXT_GAP_MAX')],
    // No limit on counters beyond NV space (reports 0, as the reference).
    [TPM_PT.NV_COUNTERS_MAX, 0],
    [TPM_PT.NV_INDEX_MAX, lim('MAX_NV_INDEX_SIZE')],
    [TPM_PT.MEMORY, TPMA_MEMORY.sharedNV | TPMA_MEMORY.objectCopiedToRam],
    [TPM_PT.CLOCK_UPDATE, 2 ** lim('NV_CLOCK_UPDATE_INTERVAL')],
    [TPM_PT.CONTEXT_HASH, contextHash(profile).alg],
    [TPM_PT.CONTEXT_SYM, sym.alg],
    [TPM_PT.CONTEXT_SYM_SIZE, sym.keyBits],
    [TPM_PT.ORDERLY_COUNT, lim('MAX_ORDERLY_COUNT')],
    [TPM_PT.MAX_COMMAND_SIZE, lim('MAX_COMMAND_SIZE')],
    [TPM_PT.MAX_RESPONSE_SIZE, lim('MAX_RESPONSE_SIZE')],
    [TPM_PT.MAX_DIGEST, Math.max(...profile.crypto.hashes.map((h) => h.digestSize))],
    [TPM_PT.MAX_OBJECT_CONTEXT, maxContext],
    // A session context is never larger than an object context: the same bound.
    [TPM_PT.MAX_SESSION_CONTEXT, maxContext],
    [TPM_PT.PS_FAMILY_INDICATOR, lim('PS_FAMILY_INDICATOR')],
    [TPM_PT.PS_LEVEL, lim('PS_LEVEL')],
    [TPM_PT.PS_REVISION, lim('PS_REVISION')],
    [TPM_PT.PS_DAY_OF_YEAR, lim('PS_DAY_OF_YEAR')],
    [TPM_PT.PS_YEAR, lim('PS_YEAR')],
    // Split signing (TPM2_Commit) slots: the reference's 128 once Commit exists.
    [TPM_PT.SPLIT_MAX, profile.commands.has(TPM_CC.Commit) ? 128 : 0],
    [TPM_PT.TOTAL_COMMANDS, profile.commands.size],
    [TPM_PT.LIBRARY_COMMANDS, libraryCommands],
    [TPM_PT.VENDOR_COMMANDS, profile.commands.size - libraryCommands],
    [TPM_PT.NV_BUFFER_MAX, lim('MAX_NV_BUFFER_SIZE')],
    [TPM_PT.MODES, 0],
    [TPM_PT.MAX_CAP_BUFFER, lim('MAX_CAP_BUFFER')],
  ];
  return values.map(([property, value]) => ({ property, value: value >>> 0 }));
}

/** The PT_VAR group of TPM_PT (Part 2 "TPM_PT"), in property order, from the current state. */
export function variableProperties(profile: Profile, state: Pick<TpmState, 'persistent' | 'volatile'> & Partial<Pick<TpmState, 'stateClear'>>): TPMS_TAGGED_PROPERTY[] {
  const lim = (name: string) => implementationValue(profile, name);
  const auth = state.persistent.hierarchyAuth;
  let permanent = TPMA_PERMANENT.tpmGeneratedEPS;
  if (auth.owner.length) permanent |= TPMA_PERMANENT.ownerAuthSet;
  if (auth.endorsement.length) permanent |= TPMA_PERMANENT.endorsementAuthSet;
  if (auth.lockout.length) permanent |= TPMA_PERMANENT.lockoutAuthSet;
  // Dictionary-attack state (Part 2 "TPMA_PERMANENT", "TPM_PT": PT_VAR lockout properties).
  const da = state.persistent.da ?? { failedTries: 0, maxTries: lim('MAX_AUTH_FAIL'), recoveryTime: lim('LOCKOUT_INTERVAL'), lockoutRecovery: lim('LOCKOUT_RECOVERY') };
  if (state.persistent.disableClear) permanent |= TPMA_PERMANENT.disableClear;
  if (da.failedTries >= da.maxTries) permanent |= TPMA_PERMANENT.inLockout;
  // Hierarchy enables (all SET when the caller gives no stateClear).
  const c = state.stateClear;
  let startupClear = 0;
  if (c?.phEnable ?? true) startupClear |= TPMA_STARTUP_CLEAR.phEnable;
  if (c?.shEnable ?? true) startupClear |= TPMA_STARTUP_CLEAR.shEnable;
  if (c?.ehEnable ?? true) startupClear |= TPMA_STARTUP_CLEAR.ehEnable;
  if (c?.phEnableNV ?? true) startupClear |= TPMA_STARTUP_CLEAR.phEnableNV;
  if (state.volatile.orderlyStartup) startupClear |= TPMA_STARTUP_CLEAR.orderly;
  const loadedObjects = transientHandles(state).length;
  const loadedSessions = Object.keys(state.volatile.sessions ?? {}).length;
  const activeSessions = loadedSessions + Object.keys(state.volatile.savedSessions ?? {}).length;
  const persistentObjects = Object.keys(state.persistent.objects ?? {}).length;
  const values: [number, number][] = [
    [TPM_PT.PERMANENT, permanent],
    [TPM_PT.STARTUP_CLEAR, startupClear],
    [TPM_PT.HR_NV_INDEX, nvHandles(state).length],
    [TPM_PT.HR_LOADED, loadedSessions],
    [TPM_PT.HR_LOADED_AVAIL, Math.max(0, lim('MAX_LOADED_SESSIONS') - loadedSessions)],
    [TPM_PT.HR_ACTIVE, activeSessions],
    [TPM_PT.HR_ACTIVE_AVAIL, Math.max(0, lim('MAX_ACTIVE_SESSIONS') - activeSessions)],
    [TPM_PT.HR_TRANSIENT_AVAIL, Math.max(0, lim('MAX_LOADED_OBJECTS') - loadedObjects)],
    [TPM_PT.HR_PERSISTENT, persistentObjects],
    [TPM_PT.HR_PERSISTENT_AVAIL, Math.max(0, lim('MAX_EVICT_OBJECTS') - persistentObjects)],
    [TPM_PT.NV_COUNTERS, nvCounterCount(state)],
    [TPM_PT.NV_COUNTERS_AVAIL, nvCountersAvailable(profile, state.persistent)],
    [TPM_PT.ALGORITHM_SET, state.persistent.algorithmSet ?? 0],
    [TPM_PT.LOADED_CURVES, profile.curves.size],
    [TPM_PT.LOCKOUT_COUNTER, da.failedTries],
    [TPM_PT.MAX_AUTH_FAIL, da.maxTries],
    [TPM_PT.LOCKOUT_INTERVAL, da.recoveryTime],
    [TPM_PT.LOCKOUT_RECOVERY, da.lockoutRecovery],
    [TPM_PT.NV_WRITE_RECOVERY, 0],
    // The command audit counter: high and low 32 bits (Part 2 "TPM_PT").
    [TPM_PT.AUDIT_COUNTER_0, Number((state.persistent.auditCounter ?? 0n) >> 32n)],
    [TPM_PT.AUDIT_COUNTER_1, Number((state.persistent.auditCounter ?? 0n) & 0xffffffffn)],
  ];
  return values.map(([property, value]) => ({ property, value: value >>> 0 }));
}

/** PCR bitmap (TPMS_PCR_SELECT.pcrSelect) of the PCRs for which `test` holds. */
function pcrBitmap(profile: Profile, test: (pcr: number) => boolean): Uint8Array {
  const out = new Uint8Array(Math.ceil(profile.pcrCount / 8));
  for (let pcr = 0; pcr < profile.pcrCount; pcr++) if (test(pcr)) out[pcr >> 3] |= 1 << (pcr & 7);
  return out;
}

/** TPM_CAP_PCR_PROPERTIES (Part 2 "TPM_PT_PCR"), from the profile's PCR attributes, in tag order. */
export function pcrProperties(profile: Profile): TPMS_TAGGED_PCR_SELECT[] {
  const attrs = (pcr: number) => profile.pcrAttributes[pcr];
  const ext = (bit: number) => (pcr: number) => (attrs(pcr).extendLocality & bit) !== 0;
  const rst = (bit: number) => (pcr: number) => (attrs(pcr).resetLocality & bit) !== 0;
  const rows: [number, (pcr: number) => boolean][] = [
    [TPM_PT_PCR.SAVE, (pcr) => attrs(pcr).stateSave],
    [TPM_PT_PCR.EXTEND_L0, ext(0x01)],
    [TPM_PT_PCR.RESET_L0, rst(0x01)],
    [TPM_PT_PCR.EXTEND_L1, ext(0x02)],
    [TPM_PT_PCR.RESET_L1, rst(0x02)],
    [TPM_PT_PCR.EXTEND_L2, ext(0x04)],
    [TPM_PT_PCR.RESET_L2, rst(0x04)],
    [TPM_PT_PCR.EXTEND_L3, ext(0x08)],
    [TPM_PT_PCR.RESET_L3, rst(0x08)],
    [TPM_PT_PCR.EXTEND_L4, ext(0x10)],
    [TPM_PT_PCR.RESET_L4, rst(0x10)],
    [TPM_PT_PCR.NO_INCREMENT, (pcr) => !!attrs(pcr).doNotIncrement],
    // The PCRs locality 4 (a DRTM event) resets.
    [TPM_PT_PCR.DRTM_RESET, rst(0x10)],
    [TPM_PT_PCR.POLICY, (pcr) => (attrs(pcr).policyGroup ?? 0) > 0],
    [TPM_PT_PCR.AUTH, (pcr) => (attrs(pcr).authGroup ?? 0) > 0],
  ];
  return rows.map(([tag, test]) => ({ tag, pcrSelect: pcrBitmap(profile, test) }));
}
