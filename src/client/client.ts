/**
 * The typed client: `run(name, input)` over the same command descriptors the emulator
 * dispatches with, so both sides agree on every layout. Password sessions for authorized
 * handles are added automatically (empty password unless one is given).
 */
import { utf8 } from '../crypto/bytes.js';
import { COMMANDS, type CommandName } from '../gen/commands.js';
import { systemRng, type Rng } from '../crypto/drbg.js';
import { hashByAlg } from '../crypto/hash.js';
import { TPM_ALG, TPM_RH, TPM_SE, TPM_SU, TPMA_SESSION } from '../gen/constants.js';
import { cpHash, handleName, rpHash } from '../protocol/session.js';
import { AuthSessionHandle, DEFAULT_SESSION_HASH, type SessionType } from './session.js';
import { DEFAULT_LIMITS, SCHEMA } from '../gen/schemas.js';
import type { CommandTypes } from '../gen/types.js';
import { createCodec, type Codec } from '../wire/codec.js';
import type { CommandDesc } from '../wire/descriptor.js';
import { buildCommand, splitResponse, type AuthCommand } from '../wire/frame.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { TpmError } from './errors.js';
import type { Transport } from './transport.js';

type In<N extends CommandName> = N extends keyof CommandTypes ? CommandTypes[N]['in'] : never;
type Out<N extends CommandName> = N extends keyof CommandTypes ? CommandTypes[N]['out'] : never;

/** How to authorize one handle: a password, or a session with the entity's authValue. */
export type Authorization =
  | Uint8Array
  | string
  | {
      session: AuthSessionHandle;
      authValue?: Uint8Array | string;
      /** The authValue after the command, when the command changes it (the response HMAC uses it). */
      authValueAfter?: Uint8Array | string;
    };

/**
 * The entity's authValue once the command has run (Part 1 "Response HMAC"): HierarchyChangeAuth
 * and NV_ChangeAuth set it to newAuth; Clear empties lockoutAuth.
 */
function authValueAfter(name: CommandName, handleName: string, handle: number, input: Record<string, unknown>, before: Uint8Array): Uint8Array {
  if ((name === 'HierarchyChangeAuth' && handleName === 'authHandle') || (name === 'NV_ChangeAuth' && handleName === 'nvIndex')) return bytesOf(input.newAuth as Uint8Array);
  if (name === 'Clear' && handle === TPM_RH.LOCKOUT) return new Uint8Array(0);
  return before;
}

export interface RunOptions {
  /** Authorizations by handle name ('pcrHandle': 'secret' or { session }); default: empty password. */
  auth?: { [handleName: string]: Authorization };
  /** Names of handles for cpHash where the client cannot derive them (loaded objects). */
  names?: { [handleName: string]: Uint8Array };
  /** Explicit authorization area (replaces the automatic sessions; no response checks). */
  sessions?: AuthCommand[];
}

export interface StartSessionOptions {
  type?: SessionType;
  /** authHash (default SHA-256). */
  hash?: number;
  /** Bind the session to an entity with its authValue. */
  bind?: { handle: number; authValue?: Uint8Array | string; name?: Uint8Array };
}

export interface Client {
  readonly transport: Transport;
  run<N extends CommandName>(name: N, input: In<N>, options?: RunOptions): Promise<Out<N>>;
  /** The command octets run() would send. */
  encode<N extends CommandName>(name: N, input: In<N>, options?: RunOptions): Uint8Array;
  /** Decodes a response to a command (throws TpmError for a failure code). */
  decode<N extends CommandName>(name: N, response: Uint8Array): Out<N>;
  /** TPM2_StartAuthSession: an unsalted HMAC, policy or trial session. */
  startAuthSession(options?: StartSessionOptions): Promise<AuthSessionHandle>;
  /** TPM2_FlushContext of a session or object handle. */
  flush(handle: number | AuthSessionHandle): Promise<void>;
  startup(type?: 'clear' | 'state'): Promise<void>;
  shutdown(type?: 'clear' | 'state'): Promise<void>;
  close(): Promise<void>;
}

/** A password session (Part 1 "Password Authorizations"). */
export function passwordSession(password: Uint8Array | string = new Uint8Array(0)): AuthCommand {
  return {
    sessionHandle: TPM_RH.TPM_RS_PW,
    nonce: new Uint8Array(0),
    sessionAttributes: TPMA_SESSION.continueSession,
    hmac: typeof password === 'string' ? utf8(password) : password,
  };
}

interface Prepared {
  bytes: Uint8Array;
  /** Per session: the session, Name and authValue for the response check. */
  checks: ({ session: AuthSessionHandle; name: Uint8Array; authValue: Uint8Array; authValueAfter: Uint8Array } | null)[];
}

export interface ClientOptions {
  codec?: Codec;
  /** Source of caller nonces (default: the platform CSPRNG). */
  rng?: Rng;
}

const bytesOf = (v: Uint8Array | string | undefined): Uint8Array => (v === undefined ? new Uint8Array(0) : typeof v === 'string' ? utf8(v) : v);

export function createClient(transport: Transport, options: ClientOptions = {}): Client {
  const codec = options.codec ?? createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, strict: false });
  const rng = options.rng ?? systemRng();
  const desc = (name: CommandName): CommandDesc => {
    const d = (COMMANDS as Record<string, CommandDesc>)[name];
    if (!d) throw new Error(`unknown command '${name}'`);
    return d;
  };

  const prepare = (name: CommandName, input: unknown, opts: RunOptions = {}): Prepared => {
    const d = desc(name);
    const values = input as Record<string, unknown>;
    const handles = d.handles.map((h) => {
      const v = values[h.name];
      if (typeof v !== 'number') throw new Error(`TPM2_${name}: handle '${h.name}' is missing`);
      return v;
    });
    const w = new Writer(256);
    codec.writeFields(d.params, w, values);
    const params = w.finish();
    if (opts.sessions) return { bytes: buildCommand(d.code, handles, opts.sessions, params), checks: [] };

    const names = d.handles.map((h, i) => opts.names?.[h.name] ?? (handles[i] >>> 24 === 0x80 ? new Uint8Array(0) : handleName(handles[i])));
    const sessions: AuthCommand[] = [];
    const checks: Prepared['checks'] = [];
    const cpHashes = new Map<number, Uint8Array>();
    d.handles.forEach((h, i) => {
      if (!h.auth) return;
      const a = opts.auth?.[h.name];
      if (a === undefined || typeof a === 'string' || a instanceof Uint8Array) {
        sessions.push(passwordSession(a));
        checks.push(null);
        return;
      }
      const session = a.session;
      const authValue = bytesOf(a.authValue);
      let cp = cpHashes.get(session.hash.alg);
      if (!cp) cpHashes.set(session.hash.alg, (cp = cpHash(session.hash, d.code, names, params)));
      const attributes = session.continueSession ? TPMA_SESSION.continueSession : 0;
      const { nonce, hmac } = session.commandHmac(cp, names[i], authValue, attributes);
      sessions.push({ sessionHandle: session.handle, nonce, sessionAttributes: attributes, hmac });
      const after = a.authValueAfter !== undefined ? bytesOf(a.authValueAfter) : authValueAfter(name, h.name, handles[i], values, authValue);
      checks.push({ session, name: names[i], authValue, authValueAfter: after });
    });
    return { bytes: buildCommand(d.code, handles, sessions, params), checks };
  };

  const encode = (name: CommandName, input: unknown, opts?: RunOptions): Uint8Array => prepare(name, input, opts).bytes;

  const decode = (name: CommandName, response: Uint8Array, prepared?: Prepared): unknown => {
    const d = desc(name);
    const frame = splitResponse(response, d);
    if (frame.rc !== 0) throw new TpmError(d.name, frame.rc);
    const out: Record<string, unknown> = {};
    d.responseHandles.forEach((h, i) => (out[h.name] = frame.handles[i]));
    const params = response.subarray(frame.paramStart, frame.paramEnd);
    prepared?.checks.forEach((c, k) => {
      const s = frame.sessions[k];
      if (!c || !s) return;
      const rp = rpHash(c.session.hash, 0, d.code, params);
      if (!c.session.acceptResponse(rp, c.name, c.authValueAfter, s.nonce, s.sessionAttributes, s.hmac)) {
        throw new Error(`TPM2_${name}: the response HMAC of session ${k + 1} does not verify`);
      }
    });
    Object.assign(out, codec.readFields(d.responseParams, new Reader(response, frame.paramStart, frame.paramEnd)));
    return out;
  };

  const run = async (name: CommandName, input: unknown, opts?: RunOptions) => {
    const prepared = prepare(name, input, opts);
    return decode(name, await transport.send(prepared.bytes), prepared);
  };

  return {
    transport,
    run: run as Client['run'],
    encode: encode as Client['encode'],
    decode: ((name: CommandName, response: Uint8Array) => decode(name, response)) as Client['decode'],
    async startAuthSession(opts = {}) {
      const type = opts.type ?? 'hmac';
      const hashAlg = opts.hash ?? DEFAULT_SESSION_HASH;
      const hash = hashByAlg(hashAlg);
      if (!hash) throw new Error(`unknown session hash 0x${hashAlg.toString(16)}`);
      const nonceCaller = rng.bytes(hash.digestSize);
      const bindHandle = opts.bind?.handle ?? TPM_RH.NULL;
      const out = (await run('StartAuthSession', {
        tpmKey: TPM_RH.NULL,
        bind: bindHandle,
        nonceCaller,
        encryptedSalt: new Uint8Array(0),
        sessionType: type === 'hmac' ? TPM_SE.HMAC : type === 'policy' ? TPM_SE.POLICY : TPM_SE.TRIAL,
        symmetric: { algorithm: TPM_ALG.NULL, keyBits: null, mode: null },
        authHash: hashAlg,
      })) as { sessionHandle: number; nonceTPM: Uint8Array };
      const bind = opts.bind ? { name: opts.bind.name ?? handleName(opts.bind.handle), authValue: bytesOf(opts.bind.authValue) } : null;
      return new AuthSessionHandle({ handle: out.sessionHandle, type, hashAlg, nonceTPM: out.nonceTPM, nonceCaller, bind, rng });
    },
    async flush(handle) {
      await run('FlushContext', { flushHandle: typeof handle === 'number' ? handle : handle.handle });
    },
    async startup(type = 'clear') {
      await run('Startup', { startupType: type === 'clear' ? TPM_SU.CLEAR : TPM_SU.STATE });
    },
    async shutdown(type = 'clear') {
      await run('Shutdown', { shutdownType: type === 'clear' ? TPM_SU.CLEAR : TPM_SU.STATE });
    },
    async close() {
      await transport.close?.();
    },
  };
}
