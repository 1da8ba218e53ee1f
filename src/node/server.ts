/**
 * serve(): one TPM behind a simulator TCP protocol. mssim: command port P and platform port P+1
 * (the TCG reference simulator). swtpm: data port P and control channel P+1 (swtpm socket mode).
 * Commands from every connection run one at a time on the one TPM (execute() is synchronous).
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { nodeCryptoBackend } from './crypto-backend.js';
import { createTpm, type Tpm, type TpmOptions } from '../tpm/engine.js';
import { attachConnection, type Conn, type Logger, type Step } from './connection.js';
import type { TpmHost } from './host.js';
import { mssimSteps } from './mssim.js';
import { MSSIM_MAX_BUFFER } from './protocol.js';
import { swtpmSteps, type SwtpmHost } from './swtpm.js';
import { memoryReplayGuard, type ReplayGuard } from '../tpm/migration.js';

export type Protocol = 'mssim' | 'swtpm';

export interface ServeOptions {
  /** The TPM to serve; otherwise one is created from `tpmOptions`. */
  tpm?: Tpm;
  /** Options for the TPM created here (and for the one swtpm CMD_SET_STATEBLOB restores). */
  tpmOptions?: TpmOptions;
  protocol: Protocol;
  /** Default 127.0.0.1. */
  host?: string;
  /** Command / data port P (default 2321); P+1 is the platform port / control channel. 0 picks a free pair. */
  port?: number;
  /** Log lines (dropped connections, refused state blobs). Default: console. */
  logger?: Logger;
  /** Largest TPM command or variable-length field accepted (default 1 MiB, the reference's MAX_BUFFER). */
  maxMessageSize?: number;
  /**
   * swtpm only (like swtpm's --migration-key): 32 octets; GET_STATEBLOB returns the state sealed
   * under it (src/tpm/migration.ts) and SET_STATEBLOB accepts only blobs sealed under it.
   */
  migrationKey?: Uint8Array;
  /** With migrationKey: the generations exported or accepted (default in memory; `fileReplayGuard` keeps them across restarts). */
  replayGuard?: ReplayGuard;
}

export interface ServerAddress {
  host: string;
  /** mssim command port / swtpm data port. */
  port: number;
  /** mssim platform port / swtpm control channel (port + 1). */
  platformPort: number;
}

export interface Server {
  readonly protocol: Protocol;
  readonly address: ServerAddress;
  /** The TPM now served (swtpm CMD_SET_STATEBLOB replaces it). */
  readonly tpm: Tpm;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
  /** Settles when the server has closed: close(), mssim TPM_STOP or swtpm CMD_SHUTDOWN. */
  readonly closed: Promise<void>;
}

function listen(server: NetServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

function closeNet(server: NetServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/** Listens on P and P+1; with port 0, retries until a free adjacent pair is found. */
async function listenPair(first: NetServer, second: NetServer, port: number, host: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      await listen(first, port, host);
    } catch (e) {
      throw portError(e, host, port);
    }
    const p = (first.address() as { port: number }).port;
    try {
      if (p + 1 > 65535) throw Object.assign(new Error('no port above 65535'), { code: 'EADDRINUSE' });
      await listen(second, p + 1, host);
      return p;
    } catch (e) {
      await closeNet(first);
      if (port !== 0 || attempt >= 50 || (e as { code?: string }).code !== 'EADDRINUSE') throw portError(e, host, p + 1);
    }
  }
}

function portError(e: unknown, host: string, port: number): Error {
  const code = (e as { code?: string }).code;
  const why = code === 'EADDRINUSE' ? 'address in use' : code === 'EACCES' ? 'permission denied' : e instanceof Error ? e.message : String(e);
  return new Error(`cannot listen on ${host}:${port}: ${why}`, { cause: e });
}

export async function serve(options: ServeOptions): Promise<Server> {
  const protocol = options.protocol;
  if (protocol !== 'mssim' && protocol !== 'swtpm') throw new Error(`unknown protocol '${String(protocol)}' (mssim or swtpm)`);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 2321;
  if (!Number.isInteger(port) || port < 0 || port > 65534) throw new Error(`port must be an integer 0-65534 (the next one is the ${protocol === 'mssim' ? 'platform port' : 'control channel'}), not ${port}`);
  const logger = options.logger ?? console;
  if (options.migrationKey !== undefined && (protocol !== 'swtpm' || options.migrationKey.length !== 32)) {
    throw new Error(protocol !== 'swtpm' ? 'a migration key needs the swtpm protocol (its control channel carries the state)' : `the migration key must be 32 octets, not ${options.migrationKey.length}`);
  }
  // OpenSSL digests unless the caller chose otherwise: same results, faster on large inputs.
  const tpmOptionsWithBackend: TpmOptions = { cryptoBackend: nodeCryptoBackend(), ...options.tpmOptions };
  let tpm = options.tpm ?? createTpm(tpmOptionsWithBackend);

  const sockets = new Set<Socket>();
  let stopping: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let onClose: () => void = () => {};

  const hostCtx: SwtpmHost = {
    get tpm() {
      return tpm;
    },
    logger,
    maxMessage: options.maxMessageSize ?? MSSIM_MAX_BUFFER,
    tpmEstablished: false,
    migration: options.migrationKey ? { hostKey: options.migrationKey.slice(), replayGuard: options.replayGuard ?? memoryReplayGuard() } : undefined,
    hashStart() {
      hostCtx.tpmEstablished = true;
      tpm.hashStart();
    },
    forceFailureMode() {
      tpm.enterFailureMode('TEST_FAILURE_MODE platform signal');
    },
    stop(from: Conn) {
      from.end();
      void close();
    },
    replaceTpm(snapshot) {
      const tpmOptions: TpmOptions = { ...tpmOptionsWithBackend, profile: options.tpmOptions?.profile ?? tpm.profile.spec, snapshot };
      // createTpm saves the restored persistent group into the storage.
      tpm = createTpm(tpmOptions);
    },
  };
  const tpmHost: TpmHost = hostCtx;

  let steps: [Step, Step];
  let names: [string, string];
  if (protocol === 'mssim') {
    const s = mssimSteps(tpmHost);
    steps = [s.command, s.platform];
    names = ['mssim command', 'mssim platform'];
  } else {
    const s = swtpmSteps(hostCtx);
    steps = [s.data, s.control];
    names = ['swtpm data', 'swtpm control'];
    onClose = s.autoShutdown;
  }

  const accept = (step: Step, name: string) => (socket: Socket) => {
    if (stopping) return void socket.destroy();
    sockets.add(socket);
    attachConnection(socket, name, step, logger, () => sockets.delete(socket));
  };
  const first = createServer(accept(steps[0], names[0]));
  const second = createServer(accept(steps[1], names[1]));
  const actualPort = await listenPair(first, second, port, host);
  // Errors while finding a free pair are handled by listenPair; log only later ones.
  for (const s of [first, second]) s.on('error', (e) => logger.warn(`vtpm: ${protocol} server error: ${e.message}`));

  const close = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        onClose();
      } catch (e) {
        logger.warn(`vtpm: while closing: ${e instanceof Error ? e.message : String(e)}`);
      }
      const done = Promise.all([closeNet(first), closeNet(second)]);
      for (const s of sockets) {
        if (!s.writableLength) s.destroy();
        else {
          s.destroySoon(); // let a last reply go out, but do not wait on a client that does not read
          setTimeout(() => s.destroy(), 1000).unref();
        }
      }
      await done;
      resolveClosed();
    })();
    return stopping;
  };

  return {
    protocol,
    address: { host, port: actualPort, platformPort: actualPort + 1 },
    get tpm() {
      return tpm;
    },
    close,
    closed,
  };
}
