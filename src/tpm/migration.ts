/**
 * State migration: a TPM's versioned snapshot sealed under a host key so it can move between
 * hosts. exportState() encrypts and MACs the snapshot (encrypt-then-MAC, keys from KDFa over the
 * host key and a fresh nonce); importState()/restoreTpm() check the MAC, the instance, the profile
 * and the generation (replay) before anything is restored.
 *
 * Blob (all integers big-endian):
 *   0   8  magic "VTPMMIGR"          | 16  32  nonce
 *   8   2  format version (1)        | 48   8  generation (u64)
 *   10  2  suite (1, 2)              | 56   8  Clock at export (ms)
 *   12  4  total length of the blob  | 64   8  Time at export (ms since _TPM_Init)
 *   72  1  flags (bit 0: Clock and Time are the running TPM's, not Clock as saved in NV)
 *   73  2+n profile name, 2+n instance id (UTF-8), 4+n encrypted snapshot
 *   end-32  32  MAC over every octet before it
 * Suite 1: KDFa-SHA-256, AES-256-CTR, HMAC-SHA-256. Suite 2 (TCM): KDFa-SM3, SM4-128-CTR, HMAC-SM3.
 * Keys: KDFa(hash, hostKey, "VTPM STATE MIGRATION", nonce, octets 0-15, cipher key ‖ CTR IV ‖ MAC key).
 */
import { bytesEqual, bytesToHex, concatBytes, utf8, utf8Decode } from '../crypto/bytes.js';
import { systemRng, type Rng } from '../crypto/drbg.js';
import { SHA256, SM3_256, type HashAlgorithm } from '../crypto/hash.js';
import { hmac } from '../crypto/hmac.js';
import { kdfa } from '../crypto/kdf.js';
import { createPooledDrbg } from '../crypto/pooled-drbg.js';
import { createBlockCipher, encrypt, TPM_ALG_AES, TPM_ALG_CTR, TPM_ALG_SM4 } from '../crypto/symmetric.js';
import { createTpm, type SnapshotBody, type Tpm, type TpmOptions } from './engine.js';
import { profiles } from './profile.js';
import { decodeSnapshot, encodeSnapshot } from './state/snapshot.js';

export const MIGRATION_MAGIC = 'VTPMMIGR';
export const MIGRATION_VERSION = 1;

/** The cipher suite of a blob: AES-256-CTR + HMAC-SHA-256, or SM4-128-CTR + HMAC-SM3 (TCM). */
export type MigrationSuite = 'aes256-sha256' | 'sm4-sm3';

export type MigrationErrorReason = 'format' | 'version' | 'integrity' | 'replay' | 'instance' | 'profile';

/** A blob that cannot be imported; `reason` says why. */
export class MigrationError extends Error {
  constructor(
    readonly reason: MigrationErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** The last generation accepted per instance: a blob not newer than it is a replay. */
export interface ReplayGuard {
  lastGeneration(instanceId: string): number | undefined;
  accept(instanceId: string, generation: number): void;
}

/** A ReplayGuard in memory (a fleet manager may keep one in its store instead). */
export function memoryReplayGuard(): ReplayGuard {
  const last = new Map<string, number>();
  return {
    lastGeneration: (id) => last.get(id),
    accept: (id, generation) => {
      const prev = last.get(id);
      if (prev === undefined || generation > prev) last.set(id, generation);
    },
  };
}

export interface ExportOptions {
  /** The host's 32-octet root key (a user's key, or hostKeyFromTpm() from a host vTPM). */
  hostKey: Uint8Array;
  /** Default instanceIdOf(tpm). */
  instanceId?: string;
  /** Monotonic per instance; default the TPM's Clock in ms. */
  generation?: number;
  /** Default 'sm4-sm3' for a TCM profile, else 'aes256-sha256'. */
  suite?: MigrationSuite;
  /** Source of the nonce; default the platform CSPRNG. */
  rng?: Rng;
}

/** The cleartext (MAC-covered) header of a blob. */
export interface StateHeader {
  version: number;
  suite: MigrationSuite;
  profile: string;
  instanceId: string;
  generation: number;
  /** The TPM's Clock (ms) at export. */
  clock: number;
  /** Time (ms since _TPM_Init) at export; undefined when the TPM was not running (then Clock is the one saved in NV). */
  time: number | undefined;
}

export interface ImportOptions {
  hostKey: Uint8Array;
  /** Refuse ('instance') a blob of another instance. */
  expectInstanceId?: string;
  /** Refuse ('profile') a blob of another profile. */
  expectProfile?: string;
  /** Refuse ('replay') a generation below this. */
  minGeneration?: number;
  /** Refuse ('replay') a generation not above the last accepted one; records the accepted one. */
  replayGuard?: ReplayGuard;
  /** Mix fresh entropy into the restored DRBG (default true), so source and copy never draw alike. */
  reseed?: boolean;
  /** Entropy for the reseed; default the platform CSPRNG. */
  rng?: Rng;
}

export interface ImportedState extends StateHeader {
  /** For createTpm({ snapshot }): Time and Clock continue from the export on the new TPM's clock. */
  snapshot: Uint8Array;
}

interface SuiteInfo {
  id: number;
  hash: HashAlgorithm;
  cipher: number;
  keyBytes: number;
}

const SUITES: Record<MigrationSuite, SuiteInfo> = {
  'aes256-sha256': { id: 1, hash: SHA256, cipher: TPM_ALG_AES, keyBytes: 32 },
  'sm4-sm3': { id: 2, hash: SM3_256, cipher: TPM_ALG_SM4, keyBytes: 16 },
};
const SUITE_BY_ID = new Map(Object.entries(SUITES).map(([name, s]) => [s.id, name as MigrationSuite]));

const LABEL = 'VTPM STATE MIGRATION';
const PROLOGUE = 16;
const NONCE = 32;
const TAG = 32;
const FIXED = PROLOGUE + NONCE + 8 + 8 + 8 + 1;
const MIN_LENGTH = FIXED + 2 + 2 + 4 + TAG;
const FLAG_CLOCK_READ = 1;


function checkHostKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new RangeError('migration: the host key must be 32 octets');
}

function checkGeneration(g: number): void {
  if (!Number.isSafeInteger(g) || g < 0) throw new RangeError(`migration: generation must be a non-negative safe integer, not ${g}`);
}

function deriveKeys(s: SuiteInfo, hostKey: Uint8Array, nonce: Uint8Array, prologue: Uint8Array) {
  const bytes = kdfa(s.hash, hostKey, LABEL, nonce, prologue, (s.keyBytes + 16 + 32) * 8);
  return { key: bytes.subarray(0, s.keyBytes), iv: bytes.subarray(s.keyBytes, s.keyBytes + 16), macKey: bytes.subarray(s.keyBytes + 16) };
}

function ctr(s: SuiteInfo, k: { key: Uint8Array; iv: Uint8Array }, data: Uint8Array): Uint8Array {
  return encrypt(TPM_ALG_CTR, createBlockCipher(s.cipher, k.key), k.iv, data).data;
}

/** The decoded snapshot of a TPM state, or an Error naming what is missing. */
function bodyOf(snapshot: Uint8Array): SnapshotBody {
  const body = decodeSnapshot<SnapshotBody>(snapshot);
  // The shape createTpm({ snapshot }) relies on: a profile name, the state groups and the DRBG state.
  const state = (body as Partial<SnapshotBody> | null)?.state as Record<string, unknown> | undefined;
  if (
    !body ||
    typeof body !== 'object' ||
    typeof body.profile !== 'string' ||
    !(body.drbg instanceof Uint8Array) ||
    !state ||
    typeof state !== 'object' ||
    !['persistent', 'stateReset', 'stateClear', 'volatile'].every((g) => state[g] !== null && typeof state[g] === 'object')
  ) {
    throw new Error('the snapshot is not a TPM state (profile, state groups, DRBG)');
  }
  return body;
}

function idFromBody(body: SnapshotBody): string {
  return 'eps-' + bytesToHex(SHA256.digest(concatBytes(utf8('vtpm instance id\0'), body.state.persistent.seeds.endorsement))).slice(0, 32);
}

/**
 * A stable id of a TPM: from a digest of its endorsement primary seed, so it travels with the
 * state and changes only with TPM2_ChangeEPS.
 */
export function instanceIdOf(tpm: Tpm): string {
  return idFromBody(bodyOf(tpm.snapshot()));
}

/** The TPM's whole state, encrypted and integrity-protected under `hostKey`. */
export function exportState(tpm: Tpm, options: ExportOptions): Uint8Array {
  checkHostKey(options.hostKey);
  const suiteName = options.suite ?? (tpm.profile.family === 'TCM' ? 'sm4-sm3' : 'aes256-sha256');
  const s = SUITES[suiteName];
  if (!s) throw new RangeError(`migration: unknown suite '${String(suiteName)}'`);
  const snapshot = tpm.snapshot();
  const body = decodeSnapshot<Partial<SnapshotBody> | null>(snapshot) ?? {};
  // Time and Clock now (the snapshot's reading of a started TPM), else Clock as last saved in NV.
  const now = body.at;
  const clock = now?.clock ?? body.state?.persistent.clock ?? 0;
  const generation = options.generation ?? Math.floor(clock);
  checkGeneration(generation);
  const instanceId = utf8(options.instanceId ?? idFromBody(bodyOf(snapshot)));
  const profile = utf8(tpm.profile.name);
  if (instanceId.length > 0xffff || profile.length > 0xffff) throw new RangeError('migration: instance id or profile name too long');

  const total = FIXED + 2 + profile.length + 2 + instanceId.length + 4 + snapshot.length + TAG;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set(utf8(MIGRATION_MAGIC), 0);
  v.setUint16(8, MIGRATION_VERSION);
  v.setUint16(10, s.id);
  v.setUint32(12, total);
  const nonce = (options.rng ?? systemRng()).bytes(NONCE);
  out.set(nonce, PROLOGUE);
  v.setBigUint64(48, BigInt(generation));
  v.setBigUint64(56, BigInt(Math.max(0, Math.floor(clock))));
  v.setBigUint64(64, BigInt(Math.max(0, Math.floor(now?.time ?? 0))));
  out[72] = now ? FLAG_CLOCK_READ : 0;
  let at = FIXED;
  for (const field of [profile, instanceId]) {
    v.setUint16(at, field.length);
    out.set(field, at + 2);
    at += 2 + field.length;
  }
  v.setUint32(at, snapshot.length);
  const keys = deriveKeys(s, options.hostKey, nonce, out.subarray(0, PROLOGUE));
  out.set(ctr(s, keys, snapshot), at + 4);
  out.set(hmac(s.hash, keys.macKey, out.subarray(0, total - TAG)), total - TAG);
  return out;
}

/** Checks magic, version, suite and total length; returns the suite. */
function prologue(blob: Uint8Array): SuiteInfo {
  if (!(blob instanceof Uint8Array) || blob.length < 8 || utf8Decode(blob.subarray(0, 8)) !== MIGRATION_MAGIC) {
    throw new MigrationError('format', 'not a vtpm migration blob (bad magic)');
  }
  if (blob.length < MIN_LENGTH) throw new MigrationError('format', `vtpm migration blob is truncated (${blob.length} octets)`);
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const version = v.getUint16(8);
  if (version !== MIGRATION_VERSION) throw new MigrationError('version', `vtpm migration blob version ${version} is not supported (expected ${MIGRATION_VERSION})`);
  const name = SUITE_BY_ID.get(v.getUint16(10));
  if (!name) throw new MigrationError('format', `vtpm migration blob: unknown cipher suite ${v.getUint16(10)}`);
  const total = v.getUint32(12);
  if (total !== blob.length) throw new MigrationError('format', `vtpm migration blob is ${blob.length} octets, its header says ${total} (truncated or extended)`);
  return SUITES[name];
}

function parse(blob: Uint8Array): { header: StateHeader; ciphertext: Uint8Array } {
  const s = prologue(blob);
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const end = blob.length - TAG;
  let at = FIXED;
  const field = (lenBytes: 2 | 4): Uint8Array => {
    if (at + lenBytes > end) throw new MigrationError('format', 'vtpm migration blob: header runs past the end');
    const n = lenBytes === 2 ? v.getUint16(at) : v.getUint32(at);
    if (at + lenBytes + n > end) throw new MigrationError('format', 'vtpm migration blob: a field runs past the end');
    const out = blob.subarray(at + lenBytes, at + lenBytes + n);
    at += lenBytes + n;
    return out;
  };
  const profile = utf8Decode(field(2));
  const instanceId = utf8Decode(field(2));
  const ciphertext = field(4);
  if (at !== end) throw new MigrationError('format', 'vtpm migration blob: octets after the snapshot');
  const u64 = (o: number) => {
    const n = v.getBigUint64(o);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new MigrationError('format', 'vtpm migration blob: a counter is out of range');
    return Number(n);
  };
  const read = (blob[72] & FLAG_CLOCK_READ) !== 0;
  const header: StateHeader = {
    version: MIGRATION_VERSION,
    suite: SUITE_BY_ID.get(s.id)!,
    profile,
    instanceId,
    generation: u64(48),
    clock: u64(56),
    time: read ? u64(64) : undefined,
  };
  return { header, ciphertext };
}

/** The header of a blob WITHOUT checking its MAC (for routing; importState() authenticates it). */
export function readStateHeader(blob: Uint8Array): StateHeader {
  return parse(blob).header;
}

/** Everything importState() checks, without recording the generation. */
function open(blob: Uint8Array, options: ImportOptions): ImportedState {
  checkHostKey(options.hostKey);
  const s = prologue(blob);
  const keys = deriveKeys(s, options.hostKey, blob.subarray(PROLOGUE, PROLOGUE + NONCE), blob.subarray(0, PROLOGUE));
  const tag = hmac(s.hash, keys.macKey, blob.subarray(0, blob.length - TAG));
  if (!bytesEqual(tag, blob.subarray(blob.length - TAG))) {
    throw new MigrationError('integrity', 'vtpm migration blob failed its integrity check: it was changed, or sealed under another host key');
  }
  const { header, ciphertext } = parse(blob);
  if (options.expectInstanceId !== undefined && header.instanceId !== options.expectInstanceId) {
    throw new MigrationError('instance', `vtpm migration blob is of instance '${header.instanceId}', not '${options.expectInstanceId}'`);
  }
  if (options.expectProfile !== undefined && header.profile !== options.expectProfile) {
    throw new MigrationError('profile', `vtpm migration blob is of profile '${header.profile}', not '${options.expectProfile}'`);
  }
  if (options.minGeneration !== undefined && header.generation < options.minGeneration) {
    throw new MigrationError('replay', `vtpm migration blob of '${header.instanceId}' is generation ${header.generation}, below the minimum ${options.minGeneration}`);
  }
  const last = options.replayGuard?.lastGeneration(header.instanceId);
  if (last !== undefined && header.generation <= last) {
    throw new MigrationError('replay', `vtpm migration blob of '${header.instanceId}' is generation ${header.generation}, not newer than the last accepted ${last} (replayed or stale)`);
  }

  let body: SnapshotBody;
  try {
    body = bodyOf(ctr(s, keys, ciphertext));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new MigrationError(/version/.test(message) ? 'version' : 'format', `vtpm migration blob: ${message}`);
  }
  if (body.profile !== header.profile) throw new MigrationError('format', `vtpm migration blob: header profile '${header.profile}' differs from the snapshot's '${body.profile}'`);

  // Time and Clock continue on the new host's clock: the snapshot carries them (createTpm re-bases).
  if (options.reseed !== false) {
    const drbg = createPooledDrbg({ state: body.drbg });
    drbg.stir((options.rng ?? systemRng()).bytes(32));
    body.drbg = drbg.state();
  }
  return { ...header, snapshot: encodeSnapshot(body) };
}

/**
 * Opens a blob: checks (in this order) format and version, the MAC ('integrity'), the instance,
 * the profile, the generation ('replay'), then records the generation in `replayGuard`.
 */
export function importState(blob: Uint8Array, options: ImportOptions): ImportedState {
  const state = open(blob, options);
  options.replayGuard?.accept(state.instanceId, state.generation);
  return state;
}

export type RestoreOptions = ImportOptions & Omit<TpmOptions, 'snapshot' | 'seed'>;

/**
 * A TPM restored from a blob on this host. `profile` defaults to the blob's (a built-in profile);
 * given, it must match ('profile'). The generation is recorded only once the TPM exists.
 */
export function restoreTpm(blob: Uint8Array, options: RestoreOptions): Tpm {
  const { hostKey, expectInstanceId, expectProfile, minGeneration, replayGuard, reseed, rng, ...tpmOptions } = options;
  const wanted = tpmOptions.profile === undefined ? undefined : typeof tpmOptions.profile === 'string' ? tpmOptions.profile : tpmOptions.profile.name;
  const state = open(blob, { hostKey, expectInstanceId, expectProfile: expectProfile ?? wanted, minGeneration, replayGuard, reseed, rng });
  if (tpmOptions.profile === undefined && !Object.hasOwn(profiles, state.profile)) {
    throw new MigrationError('profile', `vtpm migration blob is of profile '${state.profile}', which is not built in: pass its declaration as \`profile\``);
  }
  const tpm = createTpm({ ...tpmOptions, profile: tpmOptions.profile ?? state.profile, snapshot: state.snapshot });
  replayGuard?.accept(state.instanceId, state.generation);
  return tpm;
}
