/**
 * The typed client: `run(name, input)` over the same command descriptors the emulator
 * dispatches with, so both sides agree on every layout. Password sessions for authorized
 * handles are added automatically (empty password unless one is given).
 */
import { utf8 } from '../crypto/bytes.js';
import { COMMANDS, type CommandName } from '../gen/commands.js';
import { TPM_RH, TPM_SU, TPMA_SESSION } from '../gen/constants.js';
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

export interface RunOptions {
  /** Passwords for authorized handles, by handle name ('pcrHandle': 'secret'). */
  auth?: { [handleName: string]: Uint8Array | string };
  /** Explicit authorization area (replaces the automatic password sessions). */
  sessions?: AuthCommand[];
}

export interface Client {
  readonly transport: Transport;
  run<N extends CommandName>(name: N, input: In<N>, options?: RunOptions): Promise<Out<N>>;
  /** The command octets run() would send. */
  encode<N extends CommandName>(name: N, input: In<N>, options?: RunOptions): Uint8Array;
  /** Decodes a response to a command (throws TpmError for a failure code). */
  decode<N extends CommandName>(name: N, response: Uint8Array): Out<N>;
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

export function createClient(transport: Transport, codec: Codec = createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, strict: false })): Client {
  const desc = (name: CommandName): CommandDesc => {
    const d = (COMMANDS as Record<string, CommandDesc>)[name];
    if (!d) throw new Error(`unknown command '${name}'`);
    return d;
  };

  const encode = (name: CommandName, input: unknown, options: RunOptions = {}): Uint8Array => {
    const d = desc(name);
    const values = input as Record<string, unknown>;
    const handles = d.handles.map((h) => {
      const v = values[h.name];
      if (typeof v !== 'number') throw new Error(`TPM2_${name}: handle '${h.name}' is missing`);
      return v;
    });
    const sessions = options.sessions ?? d.handles.filter((h) => h.auth).map((h) => passwordSession(options.auth?.[h.name]));
    const w = new Writer(256);
    codec.writeFields(d.params, w, values);
    return buildCommand(d.code, handles, sessions, w.finish());
  };

  const decode = (name: CommandName, response: Uint8Array): unknown => {
    const d = desc(name);
    const frame = splitResponse(response, d);
    if (frame.rc !== 0) throw new TpmError(d.name, frame.rc);
    const out: Record<string, unknown> = {};
    d.responseHandles.forEach((h, i) => (out[h.name] = frame.handles[i]));
    Object.assign(out, codec.readFields(d.responseParams, new Reader(response, frame.paramStart, frame.paramEnd)));
    return out;
  };

  const run = async (name: CommandName, input: unknown, options?: RunOptions) => decode(name, await transport.send(encode(name, input, options)));

  return {
    transport,
    run: run as Client['run'],
    encode: encode as Client['encode'],
    decode: decode as Client['decode'],
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
