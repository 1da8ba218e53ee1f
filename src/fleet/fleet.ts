/**
 * A fleet: many vTPMs in one process, by instance id. Each instance is its own TPM (createTpm:
 * no state shared with any other) with a typed client over the in-process transport, and its
 * persistent state in the storage the fleet gives it (memory by default; `fileFleet(dir)` in
 * vtpm/node keeps one directory per instance). Browser-safe.
 */
import { createClient, type Client } from '../client/client.js';
import { inProcess } from '../client/transport.js';
import { createTpm, memoryStorage, type Storage, type Tpm, type TpmOptions } from '../tpm/engine.js';
import type { ProfileSpec } from '../tpm/profile.js';

/** Instance ids are also directory names: letters, digits, '.', '_', '-', at most 128, not '.'/'..'. */
const ID = /^(?!\.\.?$)[A-Za-z0-9._-]{1,128}$/;

export class FleetError extends Error {
  constructor(
    readonly reason: 'id' | 'exists' | 'unknown' | 'storage',
    message: string,
  ) {
    super(message);
    this.name = 'FleetError';
  }
}

/** Where the fleet keeps instances' persistent state. */
export interface FleetStorage {
  /** The storage of one instance (created on first use). */
  open(id: string): Storage;
  /** Ids that have stored state, for reopening a fleet. */
  ids(): string[];
  /** Does this id have stored state? (Default: looks in ids().) */
  has?(id: string): boolean;
  /** Forget an instance's state. */
  remove(id: string): void;
  /** Release what `open` holds (file descriptors), if anything. */
  close?(id: string): void;
}

/** Keeps every instance's persistent state in memory (lost with the process). */
export function memoryFleetStorage(): FleetStorage {
  const stores = new Map<string, Storage & { load(): Uint8Array | undefined }>();
  return {
    open(id) {
      let s = stores.get(id);
      if (!s) stores.set(id, (s = memoryStorage()));
      return s;
    },
    ids: () => [...stores.keys()].filter((id) => stores.get(id)!.load() !== undefined),
    has: (id) => stores.get(id)?.load() !== undefined,
    remove: (id) => void stores.delete(id),
  };
}

export interface FleetInstance {
  readonly id: string;
  readonly tpm: Tpm;
  /** A typed client talking to this instance in-process. */
  readonly client: Client;
  /** The profile name the instance runs. */
  readonly profile: string;
}

export interface CreateInstanceOptions extends Omit<TpmOptions, 'storage' | 'snapshot'> {
  profile?: string | ProfileSpec;
}

export interface FleetOptions {
  /** Default 'memory'. */
  storage?: FleetStorage;
  /** Options every new instance gets (profile, clock, cryptoBackend ...), overridable per instance. */
  defaults?: CreateInstanceOptions;
}

export interface Fleet {
  /** A new instance; refused when the id exists (in memory or in storage). */
  create(id: string, options?: CreateInstanceOptions): FleetInstance;
  /** A loaded instance. */
  get(id: string): FleetInstance | undefined;
  /** A loaded instance, or the stored one loaded (powered on, as after a host restart: Startup next). */
  open(id: string, options?: CreateInstanceOptions): FleetInstance;
  /** Adds an instance from a whole-TPM snapshot (migration), in the snapshot's profile: refused when the id exists. */
  adopt(id: string, snapshot: Uint8Array, options?: CreateInstanceOptions): FleetInstance;
  /** Unloads an instance, keeping its stored state. */
  unload(id: string): void;
  /** Unloads an instance and deletes its stored state. */
  destroy(id: string): void;
  /** Loaded instance ids. */
  loaded(): string[];
  /** Ids with stored state, loaded or not. */
  stored(): string[];
  readonly size: number;
}

function checkId(id: string): void {
  if (typeof id !== 'string' || !ID.test(id)) throw new FleetError('id', `fleet: bad instance id ${JSON.stringify(id)} (letters, digits, '.', '_', '-', 1-128 characters)`);
}

export function createFleet(options: FleetOptions = {}): Fleet {
  const storage = options.storage ?? memoryFleetStorage();
  const loaded = new Map<string, FleetInstance>();

  const instantiate = (id: string, tpmOptions: TpmOptions): FleetInstance => {
    const tpm = createTpm(tpmOptions);
    const inst: FleetInstance = { id, tpm, client: createClient(inProcess(tpm)), profile: tpm.profile.name };
    loaded.set(id, inst);
    return inst;
  };
  const merged = (o?: CreateInstanceOptions): CreateInstanceOptions => ({ ...options.defaults, ...o });
  const stored = (id: string) => (storage.has ? storage.has(id) : storage.ids().includes(id));
  const exists = (id: string) => loaded.has(id) || stored(id);

  return {
    create(id, o) {
      checkId(id);
      if (exists(id)) throw new FleetError('exists', `fleet: instance '${id}' exists`);
      return instantiate(id, { ...merged(o), storage: storage.open(id) });
    },
    get: (id) => loaded.get(id),
    open(id, o) {
      checkId(id);
      const have = loaded.get(id);
      if (have) return have;
      if (!stored(id)) throw new FleetError('unknown', `fleet: no stored instance '${id}'`);
      return instantiate(id, { ...merged(o), storage: storage.open(id) });
    },
    adopt(id, snapshot, o) {
      checkId(id);
      if (exists(id)) throw new FleetError('exists', `fleet: instance '${id}' exists`);
      // The snapshot's own profile unless the caller names one.
      return instantiate(id, { ...merged(o), profile: o?.profile, snapshot, storage: storage.open(id) });
    },
    unload(id) {
      if (loaded.delete(id)) storage.close?.(id);
    },
    destroy(id) {
      checkId(id);
      loaded.delete(id);
      storage.close?.(id);
      storage.remove(id);
    },
    loaded: () => [...loaded.keys()],
    stored: () => storage.ids(),
    get size() {
      return loaded.size;
    },
  };
}
