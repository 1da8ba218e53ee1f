/**
 * TPM state as plain records grouped by lifetime (TPM 2.0 Part 1 "TPM Operational States" and
 * "Shutdown and Startup"): what survives power loss (persistent), what a TPM Reset clears
 * (stateReset), what Startup(CLEAR) clears (stateClear), and what lives only while powered
 * (volatile). Every record is serialisable; the snapshot format versions them.
 */
import type { HashContext } from '../../crypto/hash.js';
import type { TPMS_NV_PUBLIC, TPMT_PUBLIC, TPMT_SENSITIVE } from '../../gen/types.js';

/** A defined NV Index (Part 1 "NV Indices"); for ORDERLY indices attributes and data as last
 * written to NV (the live copies are in VolatileState.nvOrderly). */
export interface NvIndexRecord {
  public: TPMS_NV_PUBLIC;
  authValue: Uint8Array;
  /** dataSize octets. */
  data: Uint8Array;
}

/**
 * A key or data object (Part 1 "Object Structure Elements"), loaded or persistent. Records are
 * frozen once made and never changed in place (a change makes a new record), so drafts share them.
 */
export interface ObjectRecord {
  kind: 'object';
  public: TPMT_PUBLIC;
  /** The marshalled TPMT_PUBLIC the Name is computed over. */
  publicBytes: Uint8Array;
  /** Absent for public-only objects (TPM2_LoadExternal of a public area). */
  sensitive: TPMT_SENSITIVE | null;
  name: Uint8Array;
  qualifiedName: Uint8Array;
  /** TPM_RH_OWNER, TPM_RH_ENDORSEMENT, TPM_RH_PLATFORM or TPM_RH_NULL. */
  hierarchy: number;
  /** A primary object (TPM2_CreatePrimary). */
  primary?: boolean;
  /** Loaded by TPM2_LoadExternal (never persisted; Part 1 "External Objects"). */
  external?: boolean;
  /** A derivation parent (TPM2_CreateLoaded with a derivation parent's template). */
  derivation?: boolean;
  /** The persistent handle a persistent object answers to. */
  evictHandle?: number;
}

/** One allocated PCR bank: the hash and the PCRs allocated in it (bit n = PCR n). */
export interface PcrBankAllocation {
  hash: number;
  select: number;
}

/** What Shutdown(STATE) saves for the next Startup (Part 1 "Shutdown"). */
export interface SavedState {
  /** PCR values of PCRs with stateSave, per bank, by hash. */
  pcrValues: { [hash: number]: Uint8Array[] };
  pcrUpdateCounter: number;
  restartCount: number;
  /** PCR authValues survive a TPM Resume. */
  pcrAuthValues: Uint8Array[];
  /** Hierarchy state a TPM Resume restores and the TPM Reset data a Restart keeps (Part 1
   * "Shutdown": the saved state); absent in states saved before these existed. */
  hierarchy?: SavedHierarchyState;
  /** The command audit digest (StateResetState.commandAuditDigest) a Restart or Resume restores. */
  commandAuditDigest?: Uint8Array;
}

/** What Shutdown(STATE) saves of the hierarchies (Part 1 "Hierarchies"; Part 3 "TPM2_Startup"). */
export interface SavedHierarchyState {
  platformAuth: Uint8Array;
  platformPolicy: PcrPolicy;
  shEnable: boolean;
  ehEnable: boolean;
  phEnableNV: boolean;
  nullSeed: Uint8Array;
  nullProof: Uint8Array;
}

/** Dictionary-attack protection (Part 1 "Dictionary Attack Protection"; TPM2_DictionaryAttackParameters). */
export interface DaState {
  /** Authorization failures counted against DA-protected entities (TPM_PT_LOCKOUT_COUNTER). */
  failedTries: number;
  /** Lockout when failedTries >= maxTries (TPM_PT_MAX_AUTH_FAIL). */
  maxTries: number;
  /** Seconds per failedTries decrement; 0 disables DA protection (TPM_PT_LOCKOUT_INTERVAL). */
  recoveryTime: number;
  /** Seconds lockoutAuth stays unusable after a failure; 0: until the next TPM Reset (TPM_PT_LOCKOUT_RECOVERY). */
  lockoutRecovery: number;
  /** lockoutAuth may be used (cleared by a lockoutAuth failure). */
  lockoutAuthEnabled: boolean;
  /** A DA-protected entity was authorized since Startup: a disorderly shutdown then counts as a failure. */
  daUsed: boolean;
}

/** A PCR policy group's authPolicy (Part 3 "TPM2_PCR_SetAuthPolicy"). */
export interface PcrPolicy {
  /** TPM_ALG_NULL when no policy is set. */
  hashAlg: number;
  digest: Uint8Array;
}

export interface PersistentState {
  /** Snapshot format of this record. */
  version: number;
  /** The PCR allocation in force, and one PCR_Allocate asked for at the next TPM Reset. */
  pcrAllocation: PcrBankAllocation[];
  pcrAllocationPending: PcrBankAllocation[] | null;
  /** ownerAuth, endorsementAuth, lockoutAuth (Part 1 "Hierarchy authValues"). */
  hierarchyAuth: { owner: Uint8Array; endorsement: Uint8Array; lockout: Uint8Array };
  /** TPMS_CLOCK_INFO.resetCount. */
  resetCount: number;
  /** Clock (ms) as last written to NV. */
  clock: number;
  /** Clock was saved by an orderly shutdown; a disorderly one leaves safe = NO. */
  clockSafe: boolean;
  /** The last Shutdown: TPM_SU_CLEAR, TPM_SU_STATE, or null when none was orderly. */
  orderlyShutdown: number | null;
  savedState: SavedState | null;
  /** PCR_SetAuthPolicy per policy group (group n at n - 1): persistent, changed only by
   * PCR_SetAuthPolicy and ChangePPS (Part 3 "TPM2_PCR_SetAuthPolicy"). */
  pcrPolicies: PcrPolicy[];
  /** phProof, shProof, ehProof: secrets that key the hierarchies' tickets (Part 1 "Hierarchy
   * Proofs"; Part 2 "Tickets"), drawn from the DRBG at manufacture. */
  hierarchyProof: { platform: Uint8Array; owner: Uint8Array; endorsement: Uint8Array };
  /** NV Indices by handle (src/tpm/nv.ts); absent in states saved before NV existed. */
  nvIndices: { [handle: number]: NvIndexRecord };
  /** The highest value of a deleted counter index: new counters start above it. */
  nvMaxCounter?: bigint;
  /** EPS, SPS, PPS (Part 1 "Primary Seeds"): drawn from the DRBG at manufacture; ChangeEPS,
   * Clear and ChangePPS replace them. */
  seeds: { endorsement: Uint8Array; owner: Uint8Array; platform: Uint8Array };
  /** ownerPolicy, endorsementPolicy, lockoutPolicy (Part 3 "TPM2_SetPrimaryPolicy"); TPM_ALG_NULL when none. */
  hierarchyPolicy: { owner: PcrPolicy; endorsement: PcrPolicy; lockout: PcrPolicy };
  /** TPM2_ClearControl: TPM2_Clear is disabled (TPMA_PERMANENT.disableClear). */
  disableClear: boolean;
  da: DaState;
  /** Commands added to the physical-presence list by TPM2_PP_Commands (PP_Commands itself is always on it). */
  ppCommands?: number[];
  /** TPM2_SetAlgorithmSet's vendor-dependent algorithm set selection (TPM_PT_ALGORITHM_SET); absent = 0. */
  algorithmSet?: number;
  /** Persistent objects by persistent handle (TPM2_EvictControl); absent before objects existed. */
  objects?: { [handle: number]: ObjectRecord };
  /** Command audit (Part 1 "Command Audit"; src/tpm/audit.ts): the audited command codes, ascending
   * (absent: SetCommandCodeAuditStatus only, as manufactured), the audit hash (absent: the
   * context-integrity hash), and the audit counter (TPM_PT_AUDIT_COUNTER_0/1), incremented each
   * time a new command audit digest starts. */
  auditCommands?: number[];
  auditHashAlg?: number;
  auditCounter?: bigint;
}

export interface StateResetState {
  /** TPMS_CLOCK_INFO.restartCount: zeroed by TPM Reset, incremented by Restart and Resume. */
  restartCount: number;
  /** The null hierarchy's seed and proof, new at every TPM Reset (Part 1 "Null Hierarchy"). */
  nullSeed: Uint8Array;
  nullProof: Uint8Array;
  /** The last context sequence number given out by TPM2_ContextSave (Part 1 "Context Management"). */
  contextCounter?: number;
  /** The split-operation commit state of TPM2_Commit and TPM2_EC_Ephemeral; absent until first used. */
  commit?: CommitState;
  /** The command audit digest (Part 1 "Command Audit"): empty or absent until an audited command
   * starts it; emptied by TPM Reset, by a change of the audit hash and by GetCommandAuditDigest. */
  commandAuditDigest?: Uint8Array;
}

/**
 * Commit state for split ECC operations (Part 3 "TPM2_Commit", "TPM2_EC_Ephemeral",
 * "TPM2_ZGen_2Phase"; the reference's gr.commitNonce, gr.commitCounter, gr.commitArray): the
 * ephemeral private key r of commit count c is KDFa(commitNonce, "ECDAA Commit", Name, c), usable
 * once while its bit in commitArray is SET. A TPM Reset starts a new one.
 */
export interface CommitState {
  /** The nullProof of the TPM Reset cycle this state belongs to (a TPM Reset draws a new nullProof). */
  resetProof: Uint8Array;
  commitNonce: Uint8Array;
  /** Commits made since the TPM Reset (the reference's 64-bit commitCounter). */
  commitCounter: number;
  /** COMMIT_ARRAY_BITS bits, bit (c mod COMMIT_ARRAY_BITS) SET while count c may be used. Replaced, never changed in place. */
  commitArray: Uint8Array;
}

export interface StateClearState {
  /** platformAuth: set to empty by every Startup(CLEAR) (Part 1 "Platform Hierarchy"). */
  platformAuth: Uint8Array;
  /** PCR values by hash algorithm; one Uint8Array per PCR (empty when not allocated). */
  pcrValues: { [hash: number]: Uint8Array[] };
  /**
   * Incremented on every PCR change except for doNotIncrement PCRs (Part 1 "pcrUpdateCounter").
   * Startup sets it: from zero at TPM Reset, from the saved value at Restart and Resume.
   */
  pcrUpdateCounter: number;
  /** PCR_SetAuthValue per authorization group index (0-based group - 1). */
  pcrAuthValues: Uint8Array[];
  /** platformPolicy: reset with platformAuth by Startup(CLEAR) (Part 3 "TPM2_SetPrimaryPolicy"). */
  platformPolicy: PcrPolicy;
  /** Hierarchy enables (Part 2 "TPMA_STARTUP_CLEAR"); phEnable is SET by every Startup. */
  phEnable: boolean;
  shEnable: boolean;
  ehEnable: boolean;
  phEnableNV: boolean;
}

/** A hash or event sequence object (Part 3 "Hash/HMAC/Event Sequences"). */
export interface SequenceObject {
  kind: 'hash' | 'event' | 'hmac';
  auth: Uint8Array;
  /** For hash/HMAC sequences: the running context; for event sequences one per PCR bank. */
  contexts: HashContext[];
  hashAlg: number;
  /** Hash sequences: the first block of data (first 4 octets at most), null until one is given;
   * a ticket is given only when it is 4 octets that are not TPM_GENERATED_VALUE. */
  firstBlock: Uint8Array | null;
}

/** A loaded authorization session (Part 1 "Session Types"; Part 3 "TPM2_StartAuthSession"). */
export interface AuthSession {
  type: 'hmac' | 'policy' | 'trial';
  /** authHash: the session's hash algorithm. */
  hashAlg: number;
  /** The TPM's most recent nonce, and the caller's. */
  nonceTPM: Uint8Array;
  nonceCaller: Uint8Array;
  /** Empty for unbound, unsalted sessions. */
  sessionKey: Uint8Array;
  /** Name (and authValue) of the bind entity, when bound (Part 1 "Bound Sessions"). */
  boundEntity: Uint8Array | null;
  /** TPMT_SYM_DEF for parameter encryption. */
  symmetric: { algorithm: number; keyBits: number | null; mode: number | null };
  /** Policy sessions: the running policyDigest. */
  policyDigest: Uint8Array;
  /** PolicyCommandCode: the only command this session may authorize. */
  commandCode?: number;
  /** PolicyAuthValue: the command HMAC includes the entity's authValue. */
  isAuthValueNeeded?: boolean;
  /** PolicyPassword: the HMAC field carries the entity's authValue in the clear. */
  isPasswordNeeded?: boolean;
  /** Session audit (Part 1 "Session Audit"): the session's audit digest, present once the session
   * was used with TPMA_SESSION.audit (the reference's isAudit); zeros at the first audited command
   * and at auditReset, then H(auditDigest ‖ cpHash ‖ rpHash) for each audited command. */
  auditDigest?: Uint8Array;
  /** TPM Time (ms) when the session started, for policy expirations. */
  startTime?: number;
  /** PolicySecret/PolicySigned expiration: TPM Time (ms) after which the session fails (TPM_RC_EXPIRED). */
  timeout?: number;
  /** cpHashA of PolicySecret/PolicySigned/PolicyCpHash: the only command parameters it authorizes. */
  cpHash?: Uint8Array;
  /** PolicyNameHash / PolicyDuplicationSelect: H(Names of the handles) of the command it authorizes.
   * cpHash, nameHash, pHash and templateHash exclude each other (the reference's u1 union). */
  nameHash?: Uint8Array;
  /** PolicyParameters: H(commandCode ‖ parameters) of the command it authorizes. */
  pHash?: Uint8Array;
  /** PolicyTemplate: H(inPublic) of the Create, CreatePrimary or CreateLoaded it authorizes. */
  templateHash?: Uint8Array;
  /** PolicyPCR: pcrUpdateCounter when the PCRs were checked; a change since fails with TPM_RC_PCR_CHANGED. */
  pcrUpdateCounter?: number;
  /** PolicyLocality: the TPMA_LOCALITY the command must come from. */
  commandLocality?: number;
  /** PolicyPhysicalPresence: physical presence must be asserted at use. */
  isPPRequired?: boolean;
  /** PolicyNvWritten: the TPMA_NV_WRITTEN state the authorized index must have. */
  nvWrittenState?: boolean;
}

export interface VolatileState {
  /** _TPM_Init happened and Startup has not yet succeeded. */
  initialized: boolean;
  /** Startup succeeded (commands other than Startup may run). */
  started: boolean;
  /** TPMA_STARTUP_CLEAR.orderly: this Startup matched an orderly Shutdown. */
  orderlyStartup?: boolean;
  /** The locality of the Startup (for the H-CRTM PCR). */
  startupLocality: number;
  /** The clock port's reading at _TPM_Init: TPM time counts from here (Part 1 "Time"). */
  powerOnAt: number;
  /** Clock at _TPM_Init, from NV: Clock = clockBase + (now - powerOnAt) (Part 1 "Clock"). */
  clockBase: number;
  /** H-CRTM digests measured by _TPM_Hash_Start..End before Startup, per bank. */
  hcrtm: { [hash: number]: Uint8Array } | null;
  /** Self-test state: algorithms tested so far; full test done. */
  selfTested: boolean;
  /** Algorithms (TPM_ALG_ID) self-tested since _TPM_Init; absent: none (Part 1 "Self-Test Modes"). */
  tested?: number[];
  /** Loaded transient objects and sequence objects by handle. */
  objects: { [handle: number]: ObjectRecord | SequenceObject };
  /** RAM copies of ORDERLY NV Indices (attributes and data), by handle. */
  nvOrderly?: { [handle: number]: { attributes: number; data: Uint8Array } };
  /** Loaded authorization sessions by handle. */
  sessions?: { [handle: number]: AuthSession };
  /** Saved (context-saved, not loaded) sessions: handle → the sequence of its only valid context. */
  savedSessions?: { [handle: number]: number };
  /** _TPM_Hash_Start..End in progress: one context per allocated bank. */
  drtmHash: HashContext[] | null;
  /** TPM failure mode (only GetTestResult and GetCapability answer). */
  failure: null | { code: number; detail: string };
  /** Platform signals. */
  physicalPresence: boolean;
  cancel: boolean;
  /** DA self-healing timers in Time (ms since _TPM_Init): the last failure counted against
   * failedTries, and the last lockoutAuth failure (Part 1 "Dictionary Attack Protection"). */
  daSelfHealTimer?: number;
  daLockoutTimer?: number;
  /** TPM2_ClockRateAdjust: the rate offset in 1/30000 steps (+ slower, - faster), within ±5000. */
  clockRateAdjust?: number;
  /** The exclusive audit session's handle (Part 1 "Session Audit", exclusive audit): cleared by a
   * successful command that allows sessions and has no audit session, and by flushing the session. */
  exclusiveAuditSession?: number;
}

export interface TpmState {
  persistent: PersistentState;
  stateReset: StateResetState;
  stateClear: StateClearState;
  volatile: VolatileState;
}

export type StateGroup = keyof TpmState;
