/**
 * Dictionary-attack protection (TPM 2.0 Part 1 "Dictionary Attack Protection"; the reference's
 * DA.c and SessionProcess.c): failedTries counted against DA-protected entities, lockout when
 * failedTries >= maxTries, self-healing by one try per recoveryTime seconds, lockoutAuth unusable
 * for lockoutRecovery seconds after a failure (until the next Startup when that is 0).
 *
 * The self-healing timers run on Time (ms since _TPM_Init) and restart at power on, so recovery
 * needs the TPM to stay powered (as the reference without ACCUMULATE_SELF_HEAL_TIMER; Part 1:
 * lockoutAuth is enabled again after lockoutRecovery seconds of continuous power). ClockSet
 * therefore cannot shorten a lockout.
 */
import { TPM_RC, TPM_RH } from '../gen/constants.js';
import type { CommandContext, Machine } from './context.js';
import type { DaState, TpmState } from './state/types.js';

/** DA parameters as manufactured and as TPM2_Clear restores them (the reference's DAPreInstall_Init). */
export function initialDaState(limits: { readonly [name: string]: number }): DaState {
  return {
    failedTries: 0,
    maxTries: limits.MAX_AUTH_FAIL ?? 3,
    recoveryTime: limits.LOCKOUT_INTERVAL ?? 1000,
    lockoutRecovery: limits.LOCKOUT_RECOVERY ?? 1000,
    lockoutAuthEnabled: true,
    daUsed: false,
  };
}

/** Time (ms since _TPM_Init). */
function timeOf(machine: Machine): number {
  const v = machine.state.volatile;
  return v.initialized ? machine.clock.now() - v.powerOnAt : 0;
}

interface Healed {
  da: DaState;
  selfHealTimer: number;
  lockoutTimer: number;
  changed: boolean;
}

/** The DA state after self-healing up to `time` (the reference's DASelfHeal), without changing anything. */
function heal(state: Pick<TpmState, 'persistent' | 'volatile'>, time: number): Healed {
  const cur = state.persistent.da;
  let da = cur;
  let selfHealTimer = state.volatile.daSelfHealTimer ?? 0;
  const lockoutTimer = state.volatile.daLockoutTimer ?? 0;
  if (da.failedTries !== 0) {
    if (da.recoveryTime === 0) {
      // recoveryTime 0 disables DA protection: no failures are kept.
      da = { ...da, failedTries: 0 };
    } else {
      const period = da.recoveryTime * 1000;
      const n = Math.floor(Math.max(0, time - selfHealTimer) / period);
      if (n > 0) {
        da = { ...da, failedTries: Math.max(0, da.failedTries - n) };
        selfHealTimer += n * period;
      }
    }
  }
  if (!da.lockoutAuthEnabled && da.lockoutRecovery !== 0 && time - lockoutTimer >= da.lockoutRecovery * 1000) {
    da = { ...da, lockoutAuthEnabled: true };
  }
  return { da, selfHealTimer, lockoutTimer, changed: da !== cur };
}

/**
 * Applies self-healing to the committed state (a time-driven change, like Clock updates).
 * Returns true when the persistent state changed. Safe to call before every command.
 */
export function daSelfHeal(machine: Machine): boolean {
  // Not started, or a state from before DA existed (upgraded by the next Startup).
  if (!machine.state.volatile.started || !machine.state.persistent.da) return false;
  const h = heal(machine.state, timeOf(machine));
  const v = machine.state.volatile;
  if (!h.changed && h.selfHealTimer === (v.daSelfHealTimer ?? 0)) return false;
  machine.state = {
    ...machine.state,
    persistent: h.changed ? { ...machine.state.persistent, da: h.da } : machine.state.persistent,
    volatile: { ...v, daSelfHealTimer: h.selfHealTimer },
  };
  return h.changed;
}

/** The DA state as of now (for TPM_PT_LOCKOUT_* and TPMA_PERMANENT.inLockout). */
export function currentDa(machine: Machine): DaState {
  return heal(machine.state, timeOf(machine)).da;
}

/** Is the TPM in lockout (TPMA_PERMANENT.inLockout)? */
export function inLockout(da: DaState): boolean {
  return da.failedTries >= da.maxTries;
}

/**
 * TPM_RC_LOCKOUT (or 0) before authorizing `handle` with an authValue (the reference's
 * CheckLockedOut): lockoutAuth while its use is disabled, a DA-protected entity while
 * failedTries >= maxTries. The first DA-protected authorization after Startup is recorded
 * (daUsed) so that a disorderly shutdown after it counts as a failure (the reference's USE_DA_USED).
 */
export function daAuthorizationCheck(ctx: CommandContext, handle: number, daProtected: boolean): number {
  const machine = ctx.machine;
  daSelfHeal(machine);
  const da = machine.state.persistent.da;
  if (!da) return 0;
  if (handle === TPM_RH.LOCKOUT) return da.lockoutAuthEnabled ? 0 : TPM_RC.LOCKOUT;
  if (!daProtected) return 0;
  if (inLockout(da)) return TPM_RC.LOCKOUT;
  if (!da.daUsed) {
    // Recorded in NV at once; after a Shutdown this voids it, as the reference's
    // SU_DA_USED_VALUE orderlyState does.
    machine.state = { ...machine.state, persistent: { ...machine.state.persistent, da: { ...da, daUsed: true }, orderlyShutdown: null } };
  }
  return 0;
}

/**
 * An authorization of `handle` failed (the reference's IncrementLockout): lockoutAuth becomes
 * unusable; a DA-protected entity adds one to failedTries (unless recoveryTime is 0). The
 * matching self-healing timer restarts. Changes the committed state directly: a failed command
 * keeps this.
 */
export function daAuthorizationFailed(machine: Machine, handle: number, daProtected: boolean): void {
  const lockout = handle === TPM_RH.LOCKOUT;
  if ((!lockout && !daProtected) || !machine.state.persistent.da) return;
  daSelfHeal(machine);
  const time = timeOf(machine);
  const { persistent, volatile } = machine.state;
  const da = { ...persistent.da };
  if (lockout) da.lockoutAuthEnabled = false;
  else if (da.recoveryTime !== 0) da.failedTries = (da.failedTries + 1) >>> 0;
  machine.state = {
    ...machine.state,
    persistent: { ...persistent, da },
    volatile: lockout ? { ...volatile, daLockoutTimer: time } : { ...volatile, daSelfHealTimer: time },
  };
}

/**
 * Startup (the reference's DAStartup): lockoutAuth is usable again when lockoutRecovery is 0;
 * a disorderly shutdown after a DA-protected authorization counts as one failure, unless DA is
 * disabled (recoveryTime 0) or the TPM is already in lockout.
 */
export function daStartup(ctx: CommandContext, orderly: boolean): void {
  const p = ctx.write('persistent');
  const da = { ...p.da };
  if (da.lockoutRecovery === 0) da.lockoutAuthEnabled = true;
  if (!orderly && da.daUsed && da.recoveryTime !== 0 && da.failedTries < da.maxTries) da.failedTries += 1;
  da.daUsed = false;
  p.da = da;
}
