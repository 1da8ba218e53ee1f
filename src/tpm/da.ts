/**
 * Dictionary-attack protection hooks the dispatcher calls around every authorization
 * (Part 1 "Dictionary Attack Protection"). The full semantics (failedTries, lockout, recovery
 * against Clock, lockoutAuth) belong to the hierarchy/DA work; until then nothing is
 * DA-protected and no lockout happens.
 */
import type { CommandContext, Machine } from './context.js';

/** TPM_RC_LOCKOUT (or 0) before authorizing `handle`: locked out, or lockoutAuth in recovery. */
export function daAuthorizationCheck(_ctx: CommandContext, _handle: number, _daProtected: boolean): number {
  return 0;
}

/**
 * An authorization of `handle` failed: count it against a DA-protected entity, or start the
 * lockoutAuth recovery. Changes the committed state directly: a failed command keeps this.
 */
export function daAuthorizationFailed(_machine: Machine, _handle: number, _daProtected: boolean): void {}
