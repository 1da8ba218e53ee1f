/**
 * Hierarchies (TPM 2.0 Part 1 "Hierarchies", "Primary Seeds", "Hierarchy Proofs"): seeds and
 * proofs from the DRBG, the enables, the primary policies, and what Startup does to them.
 */
import { TPM_ALG, TPM_RH, TPMA_NV } from '../gen/constants.js';
import type { Rng } from '../crypto/drbg.js';
import type { CommandContext } from './context.js';
import type { Profile } from './profile.js';
import { contextHash } from './properties.js';
import { deleteIndex } from './nv.js';
import { initialDaState } from './da.js';
import type { PcrPolicy, PersistentState, SavedHierarchyState, StateClearState, StateResetState } from './state/types.js';

/**
 * Size of seeds and proofs: the digest of the context-integrity hash (the reference's
 * PROOF_SIZE; its PRIMARY_SEED_SIZE is the same 32 octets for a SHA-256 TPM).
 */
export function secretSize(profile: Profile): number {
  return contextHash(profile).digestSize;
}

/** A fresh secret (seed or proof) from the TPM's DRBG. */
export function newSecret(profile: Profile, rng: Rng): Uint8Array {
  return rng.bytes(secretSize(profile));
}

/** TPM_ALG_NULL and the Empty Buffer: no authPolicy. */
export function noPolicy(): PcrPolicy {
  return { hashAlg: TPM_ALG.NULL, digest: new Uint8Array(0) };
}

/**
 * Is the hierarchy a permanent handle names enabled? Other handles are not hierarchies: true.
 * An enable missing from a state saved before enables existed counts as SET.
 */
export function hierarchyEnabled(clear: Readonly<StateClearState>, handle: number): boolean {
  switch (handle) {
    case TPM_RH.OWNER:
      return clear.shEnable !== false;
    case TPM_RH.ENDORSEMENT:
      return clear.ehEnable !== false;
    case TPM_RH.PLATFORM:
      return clear.phEnable !== false;
    case TPM_RH.PLATFORM_NV:
      return clear.phEnableNV !== false;
  }
  return true;
}

/**
 * Persistent state saved before seeds, primary policies and DA existed (an older state file)
 * gets them at Startup: seeds from the DRBG, no policies, Clear enabled, DA as manufactured.
 */
export function upgradePersistent(ctx: CommandContext): void {
  const p = ctx.read('persistent') as Partial<PersistentState>;
  if (p.seeds && p.hierarchyPolicy && p.disableClear !== undefined && p.da) return;
  const w = ctx.write('persistent');
  w.seeds ??= { endorsement: newSecret(ctx.profile, ctx.rng), owner: newSecret(ctx.profile, ctx.rng), platform: newSecret(ctx.profile, ctx.rng) };
  w.hierarchyPolicy ??= { owner: noPolicy(), endorsement: noPolicy(), lockout: noPolicy() };
  w.disableClear ??= false;
  w.da ??= initialDaState(ctx.profile.limits);
}

/** The authPolicy of a hierarchy (TPM2_SetPrimaryPolicy), or undefined for other handles. */
export function hierarchyPolicyOf(ctx: CommandContext, handle: number): PcrPolicy | undefined {
  const p = ctx.read('persistent').hierarchyPolicy as PersistentState['hierarchyPolicy'] | undefined;
  switch (handle) {
    case TPM_RH.OWNER:
      return p?.owner;
    case TPM_RH.ENDORSEMENT:
      return p?.endorsement;
    case TPM_RH.LOCKOUT:
      return p?.lockout;
    case TPM_RH.PLATFORM:
      return ctx.read('stateClear').platformPolicy;
  }
  return undefined;
}

/**
 * Startup (the reference's HierarchyStartup): phEnable SET by every Startup; Startup(CLEAR)
 * empties platformAuth and platformPolicy and SETs shEnable, ehEnable, phEnableNV; a TPM Resume
 * restores them as Shutdown(STATE) saved them. A TPM Reset draws a new null seed and nullProof;
 * a Restart or Resume keeps the saved ones.
 */
export function hierarchyStartup(ctx: CommandContext, reset: boolean, resume: boolean, saved: SavedHierarchyState | undefined): void {
  upgradePersistent(ctx);
  const clear = ctx.write('stateClear');
  const sr = ctx.write('stateReset');
  clear.phEnable = true;
  if (resume && saved) {
    clear.platformAuth = saved.platformAuth;
    clear.platformPolicy = saved.platformPolicy;
    clear.shEnable = saved.shEnable;
    clear.ehEnable = saved.ehEnable;
    clear.phEnableNV = saved.phEnableNV;
  } else {
    clear.platformAuth = new Uint8Array(0);
    clear.platformPolicy = noPolicy();
    clear.shEnable = clear.ehEnable = clear.phEnableNV = true;
  }
  if (reset || !saved || saved.nullProof.length === 0) {
    sr.nullSeed = newSecret(ctx.profile, ctx.rng);
    sr.nullProof = newSecret(ctx.profile, ctx.rng);
  } else {
    sr.nullSeed = saved.nullSeed;
    sr.nullProof = saved.nullProof;
  }
}

/** What Shutdown(STATE) keeps of the hierarchies for the next Startup. */
export function saveHierarchyState(clear: Readonly<StateClearState>, sr: Readonly<StateResetState>): SavedHierarchyState {
  return {
    platformAuth: clear.platformAuth,
    platformPolicy: clear.platformPolicy,
    shEnable: clear.shEnable,
    ehEnable: clear.ehEnable,
    phEnableNV: clear.phEnableNV,
    nullSeed: sr.nullSeed,
    nullProof: sr.nullProof,
  };
}

/**
 * Deletes the owner-created NV indices (TPMA_NV_PLATFORMCREATE clear), as TPM2_Clear does
 * (Part 3 "TPM2_Clear"; the reference's NvFlushHierarchy(TPM_RH_OWNER)). Needs shEnable SET.
 */
export function flushOwnerNvIndices(ctx: CommandContext): void {
  const indices = ctx.read('persistent').nvIndices ?? {};
  for (const [handle, index] of Object.entries(indices)) {
    if ((index.public.attributes & TPMA_NV.PLATFORMCREATE) === 0) deleteIndex(ctx, Number(handle));
  }
}

/**
 * The proof of a hierarchy (Part 1 "Hierarchy Proofs"): phProof, shProof, ehProof, or the
 * nullProof of this TPM Reset for TPM_RH_NULL.
 */
export function hierarchyProof(ctx: CommandContext, hierarchy: number): Uint8Array | undefined {
  const proof = ctx.read('persistent').hierarchyProof;
  switch (hierarchy) {
    case TPM_RH.PLATFORM:
      return proof?.platform;
    case TPM_RH.OWNER:
      return proof?.owner;
    case TPM_RH.ENDORSEMENT:
      return proof?.endorsement;
    case TPM_RH.NULL:
      return ctx.read('stateReset').nullProof;
  }
  return undefined;
}
