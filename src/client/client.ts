/**
 * The typed client: `run(name, input)` over the same command descriptors the emulator
 * dispatches with, so both sides agree on every layout. Password sessions for authorized
 * handles are added automatically (empty password unless one is given).
 */
import { utf8 } from '../crypto/bytes.js';
import { COMMANDS, type CommandName } from '../gen/commands.js';
import { pooledRng, systemRng, type Rng } from '../crypto/drbg.js';
import { hashByAlg } from '../crypto/hash.js';
import { TPM_ALG, TPM_RH, TPM_SE, TPM_SU, TPMA_SESSION } from '../gen/constants.js';
import { cpHash, handleName, parameterCrypt, rpHash, type SessionSymmetric } from '../protocol/session.js';
import { encryptSecret } from '../protocol/secret.js';
import { AuthSessionHandle, DEFAULT_SESSION_HASH, type SessionType } from './session.js';
import { DEFAULT_LIMITS, SCHEMA } from '../gen/schemas.js';
import type { CommandTypes, TPMT_PUBLIC } from '../gen/types.js';
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
  /** Names of handles for cpHash; by default the client reads those of NV indices and objects from the TPM. */
  names?: { [handleName: string]: Uint8Array };
  /** Explicit authorization area (replaces the automatic sessions; no response checks). */
  sessions?: AuthCommand[];
  /**
   * A session that only encrypts parameters (set its `decrypt`/`encrypt` flags), appended after
   * the authorization sessions. A session authorizing a handle may encrypt as well.
   */
  encryptSession?: AuthSessionHandle;
  /**
   * A session that audits this command (set its `audit` flag), appended after the authorization
   * and encryption sessions unless it is one of them (Part 1 "Session Audit"). The Names the
   * client reads first (ReadPublic, NV_ReadPublic) are commands too and end exclusive audit:
   * give `names` to keep a session exclusive.
   */
  auditSession?: AuthSessionHandle;
}

export interface StartSessionOptions {
  type?: SessionType;
  /** authHash (default SHA-256). */
  hash?: number;
  /** Bind the session to an entity with its authValue. */
  bind?: { handle: number; authValue?: Uint8Array | string; name?: Uint8Array };
  /** Salt the session with a secret encrypted to a loaded key (RSA-OAEP or ECC, Part 1 "Salted Sessions"). */
  salt?: { handle: number; publicArea: TPMT_PUBLIC };
  /** Parameter encryption: AES-128-CFB, SM4-128-CFB, XOR with the session hash, … (default none). */
  symmetric?: SessionSymmetric;
}

export interface Client {
  readonly transport: Transport;
  run<N extends CommandName>(name: N, input: In<N>, options?: RunOptions): Promise<Out<N>>;
  /** The command octets run() would send. */
  encode<N extends CommandName>(name: N, input: In<N>, options?: RunOptions): Uint8Array;
  /** Decodes a response to a command (throws TpmError for a failure code). */
  decode<N extends CommandName>(name: N, response: Uint8Array): Out<N>;
  /** TPM2_StartAuthSession: an HMAC, policy or trial session, optionally bound, salted and with parameter encryption. */
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
  /** Per session: the session, the entity it authorized (Name, authValue after the command) and the HMAC sent, for the response check. */
  checks: ({ session: AuthSessionHandle; entity: { name: Uint8Array; authValue: Uint8Array } | null; sent: Uint8Array; sessionValue: Uint8Array; cpHash: Uint8Array; attributes: number } | null)[];
}

export interface ClientOptions {
  codec?: Codec;
  /** Source of caller nonces (default: the platform CSPRNG). */
  rng?: Rng;
}

const EMPTY: Uint8Array = new Uint8Array(0);
const bytesOf = (v: Uint8Array | string | undefined): Uint8Array => (v === undefined ? new Uint8Array(0) : typeof v === 'string' ? utf8(v) : v);

/** The default client codec, shared: its compiled encoders and decoders are the same for every client. */
let defaultCodec: Codec | undefined;

export function createClient(transport: Transport, options: ClientOptions = {}): Client {
  const codec = options.codec ?? (defaultCodec ??= createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, strict: false }));
  const rng = options.rng ?? pooledRng(systemRng());
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
    // The sessions in order: one per authorized handle (password or session), then an encrypt-only one.
    interface Slot {
      session: AuthSessionHandle | null;
      password?: Uint8Array | string;
      entity: { name: Uint8Array; authValue: Uint8Array } | null;
      after: Uint8Array;
    }
    const slots: Slot[] = [];
    d.handles.forEach((h, i) => {
      if (!h.auth) return;
      const a = opts.auth?.[h.name];
      if (a === undefined || typeof a === 'string' || a instanceof Uint8Array) {
        slots.push({ session: null, password: a, entity: null, after: EMPTY });
        return;
      }
      const authValue = bytesOf(a.authValue);
      const after = a.authValueAfter !== undefined ? bytesOf(a.authValueAfter) : authValueAfter(name, h.name, handles[i], values, authValue);
      slots.push({ session: a.session, entity: { name: names[i], authValue }, after });
    });
    if (opts.encryptSession) slots.push({ session: opts.encryptSession, entity: null, after: EMPTY });
    if (opts.auditSession && !slots.some((x) => x.session === opts.auditSession)) slots.push({ session: opts.auditSession, entity: null, after: EMPTY });
    for (const slot of slots) slot.session?.newNonce();

    // Parameter encryption of the first parameter's data (Part 1 "Session-based encryption").
    const decryptAt = slots.findIndex((x) => x.session?.decrypt);
    const encryptAt = slots.findIndex((x) => x.session?.encrypt);
    let sent = params;
    // (A session without a symmetric algorithm sends the parameter as it is; the TPM refuses it.)
    if (decryptAt >= 0 && params.length >= 2 && slots[decryptAt].session!.symmetric.algorithm !== TPM_ALG.NULL) {
      const slot = slots[decryptAt];
      const session = slot.session!;
      const size = (params[0] << 8) | params[1];
      sent = params.slice();
      sent.set(parameterCrypt(session.hash, session.symmetric, session.sessionValue(slot.entity?.authValue ?? null), session.nonceCaller, session.nonceTPM, params.subarray(2, 2 + size), false), 2);
    }

    const sessions: AuthCommand[] = [];
    const checks: Prepared['checks'] = [];
    const cpHashes = new Map<number, Uint8Array>();
    slots.forEach((slot, k) => {
      const session = slot.session;
      if (!session) {
        sessions.push(passwordSession(slot.password));
        checks.push(null);
        return;
      }
      let cp = cpHashes.get(session.hash.alg);
      if (!cp) cpHashes.set(session.hash.alg, (cp = cpHash(session.hash, d.code, names, sent)));
      // The first authorization session also covers the nonces of separate encryption sessions.
      const first = k === 0 && slot.entity !== null;
      const nonceDecrypt = first && decryptAt > 0 ? slots[decryptAt].session!.nonceTPM : EMPTY;
      const nonceEncrypt = first && encryptAt > 0 && encryptAt !== decryptAt ? slots[encryptAt].session!.nonceTPM : EMPTY;
      const attributes = session.attributes();
      const hmac = session.commandHmac(cp, slot.entity, attributes, nonceDecrypt, nonceEncrypt);
      sessions.push({ sessionHandle: session.handle, nonce: session.nonceCaller, sessionAttributes: attributes, hmac });
      const entityAfter = slot.entity ? { name: slot.entity.name, authValue: slot.after } : null;
      checks.push({ session, entity: entityAfter, sent: hmac, sessionValue: session.sessionValue(slot.entity ? slot.after : null), cpHash: cp, attributes });
    });
    return { bytes: buildCommand(d.code, handles, sessions, sent), checks };
  };

  const encode = (name: CommandName, input: unknown, opts?: RunOptions): Uint8Array => prepare(name, input, opts).bytes;

  const decode = (name: CommandName, response: Uint8Array, prepared?: Prepared): unknown => {
    const d = desc(name);
    const frame = splitResponse(response, d);
    if (frame.rc !== 0) throw new TpmError(d.name, frame.rc);
    const out: Record<string, unknown> = {};
    d.responseHandles.forEach((h, i) => (out[h.name] = frame.handles[i]));
    let params = response.subarray(frame.paramStart, frame.paramEnd);
    prepared?.checks.forEach((c, k) => {
      const s = frame.sessions[k];
      if (!c || !s) return;
      const rp = rpHash(c.session.hash, 0, d.code, params);
      if (!c.session.acceptResponse(rp, c.entity, s.nonce, s.sessionAttributes, s.hmac, c.sent)) {
        throw new Error(`TPM2_${name}: the response HMAC of session ${k + 1} does not verify`);
      }
      c.session.recordAudit(c.cpHash, rp, c.attributes, s.sessionAttributes);
    });
    // The TPM encrypted the first response parameter's data with its new nonce.
    const encrypted = prepared?.checks.find((c) => c?.session.encrypt);
    if (encrypted && params.length >= 2) {
      const size = (params[0] << 8) | params[1];
      const clear = params.slice();
      const session = encrypted.session;
      clear.set(parameterCrypt(session.hash, session.symmetric, encrypted.sessionValue, session.nonceTPM, session.nonceCaller, params.subarray(2, 2 + size), true), 2);
      params = clear;
    }
    Object.assign(out, codec.readFields(d.responseParams, new Reader(params, 0, params.length)));
    return out;
  };

  /**
   * Names of the handles a session covers (cpHash needs them; Part 1 "Names"): NV indices and
   * objects are asked of the TPM (NV_ReadPublic, ReadPublic) unless given in `names`; a sequence
   * object's Name is empty.
   */
  const withNames = async (name: CommandName, input: unknown, opts: RunOptions = {}): Promise<RunOptions> => {
    const sessionUsed = opts.encryptSession !== undefined || opts.auditSession !== undefined || Object.values(opts.auth ?? {}).some((a) => typeof a === 'object' && !(a instanceof Uint8Array));
    if (!sessionUsed || opts.sessions) return opts;
    const d = desc(name);
    const names = { ...opts.names };
    for (const h of d.handles) {
      if (names[h.name]) continue;
      const handle = (input as Record<string, number>)[h.name];
      const type = handle >>> 24;
      try {
        if (type === 0x01) names[h.name] = ((await run('NV_ReadPublic', { nvIndex: handle })) as { nvName: Uint8Array }).nvName;
        else if (type === 0x80 || type === 0x81) names[h.name] = ((await run('ReadPublic', { objectHandle: handle })) as { name: Uint8Array }).name;
      } catch (e) {
        if (!(e instanceof TpmError)) throw e;
        names[h.name] = EMPTY;
      }
    }
    return { ...opts, names };
  };

  const run = async (name: CommandName, input: unknown, opts?: RunOptions): Promise<unknown> => {
    opts = await withNames(name, input, opts);
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
      const shared = opts.salt ? encryptSecret(opts.salt.publicArea, 'SECRET', rng) : undefined;
      const symmetric = opts.symmetric ?? { algorithm: TPM_ALG.NULL, keyBits: null, mode: null };
      const out = (await run('StartAuthSession', {
        tpmKey: opts.salt?.handle ?? TPM_RH.NULL,
        bind: bindHandle,
        nonceCaller,
        encryptedSalt: shared?.encryptedSecret ?? new Uint8Array(0),
        sessionType: type === 'hmac' ? TPM_SE.HMAC : type === 'policy' ? TPM_SE.POLICY : TPM_SE.TRIAL,
        symmetric,
        authHash: hashAlg,
      })) as { sessionHandle: number; nonceTPM: Uint8Array };
      const bind = opts.bind ? { name: opts.bind.name ?? handleName(opts.bind.handle), authValue: bytesOf(opts.bind.authValue) } : null;
      return new AuthSessionHandle({ handle: out.sessionHandle, type, hashAlg, nonceTPM: out.nonceTPM, nonceCaller, bind, salt: shared?.seed, symmetric, rng });
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
