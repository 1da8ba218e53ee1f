/**
 * TPM state as plain records grouped by lifetime (TPM 2.0 Part 1 "TPM Operational States" and
 * "Shutdown and Startup"): what survives power loss (persistent), what a TPM Reset clears
 * (stateReset), what Startup(CLEAR) clears (stateClear), and what lives only while powered
 * (volatile). Every record is serialisable; the snapshot format versions them.
 */
import type { HashContext } from '../../crypto/hash.js';

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
}

export interface StateResetState {
  /** TPMS_CLOCK_INFO.restartCount: zeroed by TPM Reset, incremented by Restart and Resume. */
  restartCount: number;
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
  /** Objects by handle (sequences for now). */
  objects: { [handle: number]: SequenceObject };
  /** Loaded authorization sessions by handle. */
  sessions?: { [handle: number]: AuthSession };
  /** _TPM_Hash_Start..End in progress: one context per allocated bank. */
  drtmHash: HashContext[] | null;
  /** TPM failure mode (only GetTestResult and GetCapability answer). */
  failure: null | { code: number; detail: string };
  /** Platform signals. */
  physicalPresence: boolean;
  cancel: boolean;
}

export interface TpmState {
  persistent: PersistentState;
  stateReset: StateResetState;
  stateClear: StateClearState;
  volatile: VolatileState;
}

export type StateGroup = keyof TpmState;
