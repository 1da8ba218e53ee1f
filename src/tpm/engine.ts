/**
 * createTpm(): one emulated TPM. `execute()` takes command octets and returns response octets,
 * synchronously, and never throws. Platform signals (power, NV, cancel, physical presence,
 * _TPM_Hash_*) are methods. With a `seed` everything the TPM draws is deterministic.
 */
import { utf8 } from '../crypto/bytes.js';
import { systemRng, type Drbg } from '../crypto/drbg.js';
import type { CryptoBackend } from '../crypto/registry.js';
import { createPooledDrbg } from '../crypto/pooled-drbg.js';
import { SHA256 } from '../crypto/hash.js';
import { HANDLERS } from './commands/index.js';
import type { ClockPort, Machine } from './context.js';
import { errorResponse, executeCommand } from './dispatch/execute.js';
import { TPM_RC } from '../gen/constants.js';
import { resolveProfile, type Profile, type ProfileSpec } from './profile.js';
import { daSelfHeal } from './da.js';
import { clockTick, currentClock, currentTime, hashData, hashEnd, hashStart, manufacture, powerOff, tpmInit } from './state/lifecycle.js';
import { decodeSnapshot, encodeSnapshot } from './state/snapshot.js';
import type { PersistentState, TpmState } from './state/types.js';

/** Where a TPM keeps what must survive power loss. In memory by default; `fileStorage()` in vtpm/node. */
export interface Storage {
  /** The last saved persistent state, or undefined for a TPM that was never manufactured. */
  load(): Uint8Array | undefined;
  /** Save atomically: after a crash, load() returns either the previous or this value. */
  save(persistent: Uint8Array): void;
}

export interface TpmOptions {
  /** 'tpm2' (default), 'tcm2', 'pc-client', or a custom profile declaration. */
  profile?: string | ProfileSpec;
  /** Makes the TPM deterministic: its DRBG is instantiated from this seed. */
  seed?: Uint8Array | string;
  /** Persistent state; defaults to memory. */
  storage?: Storage;
  /** Millisecond clock; defaults to the platform's monotonic clock. */
  clock?: ClockPort;
  /** Restore a whole TPM from `snapshot()` (its profile unless `profile` is given, which must agree; storage still applies). */
  snapshot?: Uint8Array;
  /** Start powered off (as a simulator does until its power-on signal). Default: powered on. */
  poweredOff?: boolean;
  /** Faster one-shot digests from the platform (vtpm/node's `nodeCryptoBackend()`); same results. */
  cryptoBackend?: CryptoBackend;
}

export interface ExecuteOptions {
  /** Locality of the command, 0-4 (default 0). */
  locality?: number;
}

export interface Tpm {
  readonly profile: Profile;
  /** Runs one command. Any input gives a well-formed response; nothing throws. */
  execute(command: Uint8Array, options?: ExecuteOptions): Uint8Array;
  /** Power on: _TPM_Init. Ignored when already on. */
  powerOn(): void;
  powerOff(): void;
  readonly poweredOn: boolean;
  /** _TPM_Init without a power cycle (the platform reset signal). */
  reset(): void;
  /** NV is available (the simulator's NV_ON signal); always true here. */
  nvOn(): void;
  cancel(on: boolean): void;
  setPhysicalPresence(on: boolean): void;
  /** The _TPM_Hash_Start/Data/End event sequence (H-CRTM before Startup, DRTM after). */
  hashStart(): void;
  hashData(data: Uint8Array): void;
  hashEnd(): void;
  /** The whole state (every lifetime group and the DRBG), versioned. */
  snapshot(): Uint8Array;
  /** Puts the TPM in failure mode (Part 1 "Failure Mode"): only GetTestResult and GetCapability answer. */
  enterFailureMode(reason: string): void;
}

const defaultClock: ClockPort = {
  now: () => (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now(),
};

/** What snapshot() encodes (src/tpm/state/snapshot.ts). */
export interface SnapshotBody {
  profile: string;
  state: TpmState;
  drbg: Uint8Array;
  /** Time and Clock when the snapshot was taken, so a restore on another clock continues them. */
  at?: { time: number; clock: number };
}

function seedBytes(seed: Uint8Array | string): Uint8Array {
  return typeof seed === 'string' ? SHA256.digest(utf8(seed)) : seed;
}

const implemented = new Set(Object.keys(HANDLERS));

/**
 * Resolved profiles are immutable, so TPMs of the same profile share one (its codec, crypto
 * registry and tables): a thousand TPMs cost a thousand states, not a thousand codecs.
 */
const pureBackend = {};
const resolved = new WeakMap<object, Map<string | ProfileSpec, Profile>>();
function profileFor(p: string | ProfileSpec, backend?: CryptoBackend): Profile {
  const key = backend ?? pureBackend;
  let byProfile = resolved.get(key);
  if (!byProfile) resolved.set(key, (byProfile = new Map()));
  let r = byProfile.get(p);
  if (!r) byProfile.set(p, (r = resolveProfile(p, implemented, backend)));
  return r;
}

export function createTpm(options: TpmOptions = {}): Tpm {
  const restored = options.snapshot ? decodeSnapshot<SnapshotBody>(options.snapshot) : undefined;
  const profile = profileFor(options.profile ?? restored?.profile ?? 'tpm2', options.cryptoBackend);
  const clock = options.clock ?? defaultClock;
  let rng: Drbg;
  let state: TpmState;
  let stored: Uint8Array | undefined;
  if (restored) {
    const body = restored;
    if (body.profile !== profile.name) throw new Error(`snapshot is of profile '${body.profile}', not '${profile.name}'`);
    state = body.state;
    rng = createPooledDrbg({ state: body.drbg });
    // Time and Clock continue from the snapshot on this TPM's clock (Part 1 "Time", "Clock").
    if (body.at && state.volatile.initialized) {
      state.volatile.powerOnAt = clock.now() - body.at.time;
      state.volatile.clockBase = body.at.clock - body.at.time;
    }
  } else {
    rng = createPooledDrbg(options.seed !== undefined ? seedBytes(options.seed) : systemRng().bytes(32));
    state = manufacture(profile, rng);
    stored = options.storage?.load();
    if (stored) state.persistent = decodeSnapshot<PersistentState>(stored);
  }
  const machine: Machine = { profile, clock, rng, state };
  const storage = options.storage;
  let lastSaved: Uint8Array | undefined;
  /** Writes the persistent group when it differs from what storage holds. */
  const persist = () => {
    if (!storage) return;
    const bytes = encodeSnapshot(machine.state.persistent);
    if (lastSaved && bytes.length === lastSaved.length && bytes.every((b, i) => b === lastSaved![i])) return;
    storage.save(bytes);
    lastSaved = bytes;
  };
  if (storage) {
    lastSaved = stored;
    persist();
  }
  if (!options.poweredOff && !machine.state.volatile.initialized) tpmInit(machine);

  return {
    profile,
    execute(command, opts = {}) {
      const locality = opts.locality ?? 0;
      const ticked = clockTick(machine);
      const healed = daSelfHeal(machine);
      if (ticked || healed) {
        try {
          persist();
        } catch {
          // Clock is written again at the next interval or Shutdown.
        }
      }
      const before = { ...machine.state };
      const response = executeCommand(machine, HANDLERS, command, locality);
      if (machine.state.persistent !== before.persistent) {
        try {
          persist();
        } catch {
          // NV could not be written: the command did not happen (Part 2 TPM_RC_NV_UNAVAILABLE).
          machine.state = before;
          return errorResponse(TPM_RC.NV_UNAVAILABLE);
        }
      }
      return response;
    },
    powerOn() {
      if (!machine.state.volatile.initialized) tpmInit(machine);
    },
    powerOff() {
      powerOff(machine);
    },
    get poweredOn() {
      return machine.state.volatile.initialized;
    },
    reset() {
      tpmInit(machine);
    },
    nvOn() {},
    cancel(on) {
      machine.state.volatile.cancel = on;
    },
    setPhysicalPresence(on) {
      machine.state.volatile.physicalPresence = on;
    },
    hashStart() {
      if (machine.state.volatile.initialized) hashStart(machine);
    },
    hashData(data) {
      hashData(machine, data);
    },
    hashEnd() {
      hashEnd(machine);
    },
    enterFailureMode(reason) {
      machine.state = { ...machine.state, volatile: { ...machine.state.volatile, failure: { code: TPM_RC.FAILURE, detail: reason } } };
    },
    snapshot() {
      const at = machine.state.volatile.initialized ? { time: currentTime(machine), clock: currentClock(machine) } : undefined;
      const body: SnapshotBody = { profile: profile.name, state: machine.state, drbg: rng.state(), ...(at ? { at } : {}) };
      return encodeSnapshot(body);
    },
  };
}

/** An in-memory Storage (what createTpm uses when none is given), useful to share state in tests. */
export function memoryStorage(initial?: Uint8Array): Storage & { readonly saved: Uint8Array | undefined } {
  let saved = initial;
  return {
    load: () => saved,
    save: (b) => {
      saved = b.slice();
    },
    get saved() {
      return saved;
    },
  };
}
