/**
 * Every transition of the TPM's life in one place (TPM 2.0 Part 1 "TPM Operational States",
 * "Startup", "Shutdown"): manufacture, _TPM_Init (power on), Startup CLEAR/STATE as TPM Reset,
 * TPM Restart and TPM Resume, Shutdown, and the _TPM_Hash_Start/Data/End event sequence.
 */
import { TPM_ALG, TPM_CC, TPM_RC, TPM_SU } from '../../gen/constants.js';
import type { CommandContext, Machine } from '../context.js';
import { tpmError } from '../errors.js';
import { countPcrChange, DRTM_PCR, extendValue, freshPcrValues, startupPcrChanges } from '../pcr.js';
import { nvShutdown, nvStartup } from '../nv.js';
import type { Profile } from '../profile.js';
import { contextHash } from '../properties.js';
import type { Rng } from '../../crypto/drbg.js';
import { daStartup, initialDaState } from '../da.js';
import { hierarchyStartup, newSecret, noPolicy, saveHierarchyState } from '../hierarchy.js';
import type { PersistentState, TpmState, VolatileState } from './types.js';

export const STATE_VERSION = 1;

/**
 * A new TPM as it leaves the factory: default PCR allocation, counters at zero, hierarchy proofs
 * from the DRBG (as long as the context-integrity hash's digest, as the reference's PROOF_SIZE).
 */
export function manufacture(profile: Profile, rng: Rng): TpmState {
  const proofSize = contextHash(profile).digestSize;
  const all = profile.pcrCount >= 32 ? 0xffffffff : (1 << profile.pcrCount) - 1;
  const persistent: PersistentState = {
    version: STATE_VERSION,
    pcrAllocation: profile.defaultBanks.map((hash) => ({ hash, select: all >>> 0 })),
    pcrAllocationPending: null,
    hierarchyAuth: { owner: new Uint8Array(0), endorsement: new Uint8Array(0), lockout: new Uint8Array(0) },
    resetCount: 0,
    clock: 0,
    clockSafe: true,
    orderlyShutdown: TPM_SU.CLEAR,
    savedState: null,
    pcrPolicies: emptyPcrPolicies(profile),
    hierarchyProof: { platform: rng.bytes(proofSize), owner: rng.bytes(proofSize), endorsement: rng.bytes(proofSize) },
    nvIndices: {},
    // Primary Seeds from the DRBG (Part 1 "Primary Seeds"; the reference's HierarchyPreInstall_Init).
    seeds: { endorsement: newSecret(profile, rng), owner: newSecret(profile, rng), platform: newSecret(profile, rng) },
    hierarchyPolicy: { owner: noPolicy(), endorsement: noPolicy(), lockout: noPolicy() },
    disableClear: false,
    da: initialDaState(profile.limits),
    // Command audit as manufactured (the reference's CommandAuditPreInstall_Init).
    auditCommands: [TPM_CC.SetCommandCodeAuditStatus],
    auditHashAlg: contextHash(profile).alg,
    auditCounter: 0n,
  };
  return {
    persistent,
    // The null seed and nullProof are drawn by the first Startup (always a TPM Reset).
    stateReset: { restartCount: 0, nullSeed: new Uint8Array(0), nullProof: new Uint8Array(0) },
    stateClear: emptyStateClear(profile),
    volatile: offVolatile(),
  };
}

function emptyStateClear(profile: Profile): TpmState['stateClear'] {
  const groups = Math.max(0, ...profile.pcrAttributes.map((a) => a.authGroup ?? 0));
  return {
    platformAuth: new Uint8Array(0),
    pcrValues: {},
    pcrUpdateCounter: 0,
    pcrAuthValues: Array.from({ length: groups }, () => new Uint8Array(0)),
    platformPolicy: noPolicy(),
    phEnable: true,
    shEnable: true,
    ehEnable: true,
    phEnableNV: true,
  };
}

/** PCR policies as manufactured (and after TPM2_ChangePPS): TPM_ALG_NULL and an empty digest per group. */
export function emptyPcrPolicies(profile: Profile): PersistentState['pcrPolicies'] {
  const groups = Math.max(0, ...profile.pcrAttributes.map((a) => a.policyGroup ?? 0));
  return Array.from({ length: groups }, () => ({ hashAlg: TPM_ALG.NULL, digest: new Uint8Array(0) }));
}

function offVolatile(): VolatileState {
  return {
    initialized: false,
    started: false,
    startupLocality: 0,
    powerOnAt: 0,
    clockBase: 0,
    hcrtm: null,
    selfTested: false,
    objects: {},
    drtmHash: null,
    failure: null,
    physicalPresence: false,
    cancel: false,
  };
}

/** _TPM_Init: power on (or a platform reset). Everything volatile is lost; Startup is required. */
export function tpmInit(machine: Machine): void {
  const { state } = machine;
  // Power lost without an orderly shutdown: Clock falls back to its last NV value.
  machine.state = {
    ...state,
    volatile: { ...offVolatile(), initialized: true, powerOnAt: machine.clock.now(), clockBase: state.persistent.clock },
  };
}

/** Power off: volatile state is gone; Clock as last written to NV remains. */
export function powerOff(machine: Machine): void {
  machine.state = { ...machine.state, volatile: offVolatile() };
}

/** Clock (ms) now (Part 1 "Clock"). */
export function currentClock(machine: Machine): number {
  const v = machine.state.volatile;
  return v.initialized ? v.clockBase + (machine.clock.now() - v.powerOnAt) : machine.state.persistent.clock;
}

/**
 * Writes Clock to NV each time it passes a multiple of 2^NV_CLOCK_UPDATE_INTERVAL ms; a written
 * Clock is safe again (Part 1 "Clock"; TPM_PT_CLOCK_UPDATE). Returns true when NV changed.
 */
export function clockTick(machine: Machine): boolean {
  const { state } = machine;
  if (!state.volatile.initialized) return false;
  const clock = Math.floor(currentClock(machine));
  const interval = 2 ** (machine.profile.limits.NV_CLOCK_UPDATE_INTERVAL ?? 12);
  if (Math.floor(clock / interval) <= Math.floor(state.persistent.clock / interval)) return false;
  machine.state = { ...state, persistent: { ...state.persistent, clock, clockSafe: true } };
  return true;
}

/** Time (ms) since _TPM_Init (Part 1 "Time"). */
export function currentTime(machine: Machine): number {
  const v = machine.state.volatile;
  return v.initialized ? machine.clock.now() - v.powerOnAt : 0;
}

/**
 * TPM2_Startup (Part 3 "TPM2_Startup"; Part 1 "Startup"): CLEAR after Shutdown(CLEAR) or no
 * shutdown is a TPM Reset, CLEAR after Shutdown(STATE) a TPM Restart, STATE after
 * Shutdown(STATE) a TPM Resume. STATE without saved state is TPM_RC_VALUE.
 */
export function startup(ctx: CommandContext, startupType: number): void {
  const profile = ctx.profile;
  const p = ctx.write('persistent');
  const orderly = p.orderlyShutdown;
  const saved = p.savedState;
  if (startupType === TPM_SU.STATE && (orderly !== TPM_SU.STATE || !saved)) {
    throw tpmError(TPM_RC.VALUE, 'Startup(STATE) needs a preceding Shutdown(STATE)').at('startupType');
  }
  const v = ctx.write('volatile');
  v.startupLocality = ctx.locality;
  // A disorderly shutdown may have lost Clock updates that were reported (Part 1 "Clock", safe).
  if (orderly === null) p.clockSafe = false;

  const resume = startupType === TPM_SU.STATE;
  v.orderlyStartup = orderly !== null;
  const restart = !resume && orderly === TPM_SU.STATE;
  const reset = !resume && !restart;

  const sr = ctx.write('stateReset');
  if (reset) {
    if (p.pcrAllocationPending) {
      p.pcrAllocation = p.pcrAllocationPending;
      p.pcrAllocationPending = null;
    }
    p.resetCount = (p.resetCount + 1) >>> 0;
    sr.restartCount = 0;
    // TPM Reset empties the command audit digest (Part 1 "Command Audit").
    delete sr.commandAuditDigest;
  } else {
    sr.restartCount = ((saved?.restartCount ?? sr.restartCount) + 1) >>> 0;
    // ... and restores the command audit digest as Shutdown(STATE) saved it.
    if (saved?.commandAuditDigest) sr.commandAuditDigest = saved.commandAuditDigest;
    else if (saved) delete sr.commandAuditDigest;
  }

  const clear = ctx.write('stateClear');
  const fresh = emptyStateClear(profile);
  clear.pcrValues = freshPcrValues(profile, p.pcrAllocation, v.startupLocality);
  // pcrUpdateCounter is TPM Reset data: zeroed by TPM Reset, kept by Restart and Resume; every
  // PCR that Startup sets to its initial value counts as a change (as the TCG reference does).
  clear.pcrUpdateCounter = ((reset ? 0 : (saved?.pcrUpdateCounter ?? 0)) + startupPcrChanges(profile, resume)) >>> 0;
  clear.platformAuth = fresh.platformAuth;
  clear.pcrAuthValues = fresh.pcrAuthValues;
  if (resume && saved) {
    for (const [hash, values] of Object.entries(saved.pcrValues)) {
      const bank = clear.pcrValues[Number(hash)];
      if (!bank) continue;
      values.forEach((value, pcr) => {
        if (profile.pcrAttributes[pcr]?.stateSave && value.length === bank[pcr].length) bank[pcr] = value.slice();
      });
    }
    clear.pcrAuthValues = saved.pcrAuthValues.map((a) => a.slice());
  }
  // An H-CRTM sequence before Startup: PCR 0 starts at 4 and is extended with its digest.
  if (!resume && v.hcrtm && profile.startupLocalityPcr >= 0) {
    const pcr = profile.startupLocalityPcr;
    for (const [hash, digest] of Object.entries(v.hcrtm)) {
      const bank = clear.pcrValues[Number(hash)];
      const h = profile.crypto.hash(Number(hash));
      if (!bank || !h || bank[pcr].length === 0) continue;
      const init = new Uint8Array(h.digestSize);
      init[h.digestSize - 1] = 4;
      bank[pcr] = extendValue(h, init, digest);
    }
  }
  v.hcrtm = null;
  hierarchyStartup(ctx, reset, resume, saved?.hierarchy);
  daStartup(ctx, orderly !== null);
  nvStartup(ctx, reset ? 'reset' : restart ? 'restart' : 'resume', orderly !== null);
  p.orderlyShutdown = null;
  p.savedState = null;
  v.started = true;
}

/** TPM2_Shutdown (Part 3 "TPM2_Shutdown"): record an orderly shutdown; STATE saves PCRs and counters. */
export function shutdown(ctx: CommandContext, machine: Machine, shutdownType: number): void {
  // After TPM2_PCR_Allocate only Shutdown(CLEAR) is allowed (Part 3 "TPM2_Shutdown": TPM_RC_TYPE).
  if (shutdownType === TPM_SU.STATE && ctx.read('persistent').pcrAllocationPending) {
    throw tpmError(TPM_RC.TYPE, 'the PCR allocation changes at the next TPM Reset: Shutdown(CLEAR) is required').at('shutdownType');
  }
  nvShutdown(ctx);
  const p = ctx.write('persistent');
  p.clock = currentClock(machine);
  p.orderlyShutdown = shutdownType;
  if (shutdownType === TPM_SU.STATE) {
    const clear = ctx.read('stateClear');
    const pcrValues: Record<number, Uint8Array[]> = {};
    for (const [hash, values] of Object.entries(clear.pcrValues)) {
      pcrValues[Number(hash)] = values.map((value, pcr) => (ctx.profile.pcrAttributes[pcr]?.stateSave ? value.slice() : new Uint8Array(0)));
    }
    p.savedState = {
      pcrValues,
      pcrUpdateCounter: clear.pcrUpdateCounter,
      restartCount: ctx.read('stateReset').restartCount,
      pcrAuthValues: clear.pcrAuthValues.map((a) => a.slice()),
      hierarchy: saveHierarchyState(clear, ctx.read('stateReset')),
      commandAuditDigest: ctx.read('stateReset').commandAuditDigest,
    };
  } else {
    p.savedState = null;
  }
}

/** _TPM_Hash_Start (Part 1 "H-CRTM and DRTM event sequences"): one running hash per allocated bank. */
export function hashStart(machine: Machine): void {
  const { profile, state } = machine;
  const contexts = state.persistent.pcrAllocation.map((b) => profile.crypto.hash(b.hash)?.create()).filter((c) => !!c);
  machine.state = { ...state, volatile: { ...state.volatile, drtmHash: contexts } };
}

export function hashData(machine: Machine, data: Uint8Array): void {
  for (const c of machine.state.volatile.drtmHash ?? []) c.update(data);
}

/**
 * _TPM_Hash_End: before Startup the digest is the H-CRTM measurement for PCR 0; after it, the
 * dynamic PCRs (those locality 4 resets) are reset to zero and PCR 17 is extended (DRTM).
 */
export function hashEnd(machine: Machine): void {
  const { profile } = machine;
  const state = machine.state;
  const contexts = state.volatile.drtmHash;
  if (!contexts) return;
  const digests: Record<number, Uint8Array> = {};
  for (const c of contexts) digests[c.hash.alg] = c.digest();
  if (!state.volatile.started) {
    machine.state = { ...state, volatile: { ...state.volatile, drtmHash: null, hcrtm: digests } };
    return;
  }
  const clear = { ...state.stateClear, pcrValues: { ...state.stateClear.pcrValues } };
  for (const [hash, digest] of Object.entries(digests)) {
    const values = clear.pcrValues[Number(hash)]?.slice();
    const h = profile.crypto.hash(Number(hash));
    if (!values || !h) continue;
    values.forEach((value, pcr) => {
      if (value.length && (profile.pcrAttributes[pcr].resetLocality & 0x10) !== 0) values[pcr] = new Uint8Array(h.digestSize);
    });
    const drtm = DRTM_PCR;
    if (values[drtm]?.length) {
      values[drtm] = extendValue(h, values[drtm], digest);
      countPcrChange(profile, clear, drtm);
    }
    clear.pcrValues[Number(hash)] = values;
  }
  // A DRTM sequence counts as a restart (Part 2 "TPMS_CLOCK_INFO": restartCount).
  const stateReset = { ...state.stateReset, restartCount: (state.stateReset.restartCount + 1) >>> 0 };
  machine.state = { ...state, stateReset, stateClear: clear, volatile: { ...state.volatile, drtmHash: null } };
}
