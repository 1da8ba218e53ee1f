/**
 * What a command handler sees: the profile, crypto, the RNG, the clock, the command's locality,
 * and the state through a per-command draft. `write(group)` copies a lifetime group on first use;
 * the dispatcher commits all drafts together only when the command succeeds.
 */
import type { Drbg } from '../crypto/drbg.js';
import type { CryptoRegistry } from '../crypto/registry.js';
import type { Codec } from '../wire/codec.js';
import type { Writer } from '../wire/writer.js';
import type { CommandDesc } from '../wire/descriptor.js';
import type { Profile } from './profile.js';
import type { PrimaryCache } from './object.js';
import { cloneState } from './state/clone.js';
import type { StateGroup, TpmState } from './state/types.js';

/** A millisecond clock; monotonic (TPM 2.0 Part 1 "Time" and "Clock"). */
export interface ClockPort {
  now(): number;
}

/** The parts of a TPM that live for its whole life (not per command). */
export interface Machine {
  readonly profile: Profile;
  readonly clock: ClockPort;
  readonly rng: Drbg;
  state: TpmState;
  /** Response buffer reused by every command of this TPM (execute() is not re-entrant). */
  scratch?: Writer;
  /** Primary objects already derived (not state: a cache keyed by seed and template). */
  primaryCache?: PrimaryCache;
}

/** How a handle of this command was authorized (Part 1 "Authorization Roles"). */
export interface HandleAuthorization {
  kind: 'password' | 'hmac' | 'policy';
  /** The session's position (1-based) in the authorization area. */
  session: number;
}

export class CommandContext {
  readonly machine: Machine;
  readonly command: CommandDesc;
  readonly locality: number;
  /** By handle position: how each authorized handle was authorized (NV access rules need it). */
  readonly authorizations: (HandleAuthorization | undefined)[] = [];
  private readonly drafts: Partial<TpmState> = {};

  constructor(machine: Machine, command: CommandDesc, locality: number) {
    this.machine = machine;
    this.command = command;
    this.locality = locality;
  }

  get profile(): Profile {
    return this.machine.profile;
  }
  get crypto(): CryptoRegistry {
    return this.machine.profile.crypto;
  }
  get codec(): Codec {
    return this.machine.profile.codec;
  }
  get rng(): Drbg {
    return this.machine.rng;
  }
  /** TPM time in milliseconds. */
  now(): number {
    return this.machine.clock.now();
  }

  /** How the handle with this name was authorized, if it was. */
  authorizationOf(handleName: string): HandleAuthorization | undefined {
    const i = this.command.handles.findIndex((h) => h.name === handleName);
    return i >= 0 ? this.authorizations[i] : undefined;
  }

  /** The current value of a state group (the draft when this command has written it). */
  read<G extends StateGroup>(group: G): Readonly<TpmState[G]> {
    return (this.drafts[group] ?? this.machine.state[group]) as TpmState[G];
  }

  /** A writable draft of a state group, committed only if the command succeeds. */
  write<G extends StateGroup>(group: G): TpmState[G] {
    let d = this.drafts[group];
    if (!d) {
      d = cloneState(this.machine.state[group]);
      this.drafts[group] = d;
    }
    return d as TpmState[G];
  }

  /** Groups this command changed. */
  written(): StateGroup[] {
    return Object.keys(this.drafts) as StateGroup[];
  }

  /** Makes the drafts the state. */
  commit(): void {
    Object.assign(this.machine.state, this.drafts);
  }
}
