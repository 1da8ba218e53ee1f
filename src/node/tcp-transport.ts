/**
 * tcpTransport(): the client Transport over TCP to `vtpm serve`, the TCG reference simulator or
 * swtpm. mssim: each command framed as {u32 8, u8 locality, u32 size, command}; swtpm: raw
 * commands on the data channel. `platform` sends mssim platform signals or swtpm control commands.
 */
import { connect, type Socket } from 'node:net';
import type { Transport } from '../client/transport.js';
import { ByteQueue, u32s } from './byte-queue.js';
import { MSSIM, PTM_BLOB_TYPE, PTM_RES, SWTPM_CMD, SWTPM_MAX_HASH_DATA } from './protocol.js';

export interface TcpTransportOptions {
  protocol: 'mssim' | 'swtpm';
  /** Default 127.0.0.1. */
  host?: string;
  /** mssim command port / swtpm data port (default 2321). */
  port?: number;
  /** mssim platform port / swtpm control channel (default port + 1). */
  platformPort?: number;
  /**
   * Locality of every command (default 0). mssim carries it in each request; swtpm in the
   * optional command header, used only when a locality is given.
   */
  locality?: number;
  /** Milliseconds to wait for a reply before failing (default 120000). */
  timeout?: number;
}

/** mssim platform-port signals (TpmTcpProtocol.h). Each resolves when the simulator acknowledges. */
export interface MssimPlatform {
  powerOn(): Promise<void>;
  powerOff(): Promise<void>;
  /** TPM_SIGNAL_RESET: _TPM_Init on a powered TPM. */
  reset(): Promise<void>;
  nvOn(): Promise<void>;
  nvOff(): Promise<void>;
  physicalPresence(on: boolean): Promise<void>;
  cancel(on: boolean): Promise<void>;
  /** Largest command and response seen since the last query (and their command / response codes). */
  commandResponseSizes(): Promise<{ command: number; commandCode: number; response: number; responseCode: number }>;
  /** Any other signal that is answered with a bare acknowledgement. */
  signal(code: number): Promise<void>;
  /** TPM_STOP: the simulator exits (no acknowledgement). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** swtpm control-channel commands (tpm_ioctl.h). A non-zero result rejects with SwtpmControlError. */
export interface SwtpmControl {
  /** PTM_CAP_* bits. */
  capabilities(): Promise<number>;
  /** CMD_INIT: (re)start the TPM (power on + _TPM_Init); flags: PTM_INIT_FLAG_DELETE_VOLATILE. */
  init(flags?: number): Promise<void>;
  /** CMD_SHUTDOWN: stop the TPM and the emulator process. */
  shutdown(): Promise<void>;
  /** CMD_STOP: stop the TPM (until init); the process keeps running. */
  stop(): Promise<void>;
  setLocality(locality: number): Promise<void>;
  hashStart(): Promise<void>;
  hashData(data: Uint8Array): Promise<void>;
  hashEnd(): Promise<void>;
  cancel(): Promise<void>;
  storeVolatile(): Promise<void>;
  tpmEstablished(): Promise<boolean>;
  resetTpmEstablished(locality: number): Promise<void>;
  /** CMD_GET_STATEBLOB (type PTM_BLOB_TYPE.*, default PERMANENT). */
  getStateBlob(type?: number): Promise<Uint8Array>;
  /** CMD_SET_STATEBLOB; the TPM must be stopped, and `init()` starts the restored one. */
  setStateBlob(blob: Uint8Array, type?: number): Promise<void>;
  config(): Promise<number>;
  /** CMD_SET_BUFFERSIZE (0 queries). */
  setBufferSize(size?: number): Promise<{ bufferSize: number; minSize: number; maxSize: number }>;
  /** CMD_GET_INFO: the parsed JSON for SWTPM_INFO_* flags. */
  info(flags: bigint): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface TcpTransport<P> extends Transport {
  readonly platform: P;
  /** Closes the command and platform connections. */
  close(): Promise<void>;
}

export class SwtpmControlError extends Error {
  constructor(
    readonly command: number,
    readonly result: number,
  ) {
    super(`swtpm control command 0x${command.toString(16)} failed with result 0x${result.toString(16)}`);
    this.name = 'SwtpmControlError';
  }
}

/** One TCP connection with exact-length reads, opened on first use, one exchange at a time. */
class Channel {
  private socket: Socket | undefined;
  private opening: Promise<Socket> | undefined;
  private readonly q = new ByteQueue();
  private waiter: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeout: number,
  ) {}

  private open(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed && !this.failure) return Promise.resolve(this.socket);
    this.opening ??= new Promise<Socket>((resolve, reject) => {
      this.q.clear();
      this.failure = undefined;
      const s = connect({ host: this.host, port: this.port });
      s.setNoDelay(true);
      const onError = (e: Error) => {
        this.opening = undefined;
        reject(new Error(`cannot connect to ${this.host}:${this.port}: ${e.message}`, { cause: e }));
      };
      s.once('error', onError);
      s.once('connect', () => {
        s.off('error', onError);
        this.opening = undefined;
        this.socket = s;
        s.on('data', (chunk: Buffer) => {
          this.q.push(chunk);
          this.deliver();
        });
        s.on('error', (e) => this.fail(new Error(`${this.host}:${this.port}: ${e.message}`, { cause: e })));
        s.on('close', () => this.fail(new Error(`${this.host}:${this.port}: connection closed`)));
        resolve(s);
      });
    });
    return this.opening;
  }

  private fail(e: Error) {
    this.failure ??= e;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(this.failure);
  }

  private deliver() {
    const w = this.waiter;
    if (w && this.q.length >= w.n) {
      this.waiter = undefined;
      w.resolve(this.q.take(w.n));
    }
  }

  read(n: number): Promise<Buffer> {
    if (this.q.length >= n) return Promise.resolve(this.q.take(n));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`${this.host}:${this.port}: no reply within ${this.timeout} ms`));
        this.socket?.destroy();
      }, this.timeout);
      this.waiter = {
        n,
        resolve: (b) => (clearTimeout(timer), resolve(b)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
    });
  }

  async u32(): Promise<number> {
    return (await this.read(4)).readUInt32BE(0);
  }

  /** Runs `fn` (write, then reads) after every earlier exchange; a failed exchange closes the connection. */
  exchange<T>(request: Buffer, fn: () => Promise<T>): Promise<T> {
    const run = async () => {
      const s = await this.open();
      s.write(request);
      try {
        return await fn();
      } catch (e) {
        s.destroy();
        throw e;
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Writes a request that has no reply, then closes. */
  async sendAndClose(request: Buffer): Promise<void> {
    await this.chain;
    const s = await this.open();
    await new Promise<void>((resolve) => s.end(request, () => resolve()));
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    const s = this.socket;
    this.socket = undefined;
    if (!s || s.destroyed) return;
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => s.destroy(), 1000).unref();
    });
  }
}

function mssimPlatform(ch: Channel): MssimPlatform {
  const signal = (code: number) =>
    ch.exchange(u32s(code), async () => {
      const ack = await ch.u32();
      if (ack !== 0) throw new Error(`mssim platform signal ${code} was refused (${ack})`);
    });
  return {
    powerOn: () => signal(MSSIM.POWER_ON),
    powerOff: () => signal(MSSIM.POWER_OFF),
    reset: () => signal(MSSIM.RESET),
    nvOn: () => signal(MSSIM.NV_ON),
    nvOff: () => signal(MSSIM.NV_OFF),
    physicalPresence: (on) => signal(on ? MSSIM.PHYS_PRES_ON : MSSIM.PHYS_PRES_OFF),
    cancel: (on) => signal(on ? MSSIM.CANCEL_ON : MSSIM.CANCEL_OFF),
    commandResponseSizes: () =>
      ch.exchange(u32s(MSSIM.GET_COMMAND_RESPONSE_SIZES), async () => {
        const n = await ch.u32();
        const b = await ch.read(n);
        await ch.u32();
        const at = (i: number) => (b.length >= 4 * i + 4 ? b.readUInt32BE(4 * i) : 0);
        return { command: at(0), commandCode: at(1), response: at(2), responseCode: at(3) };
      }),
    signal,
    stop: () => ch.sendAndClose(u32s(MSSIM.STOP)),
    close: () => ch.close(),
  };
}

/** Errors that swtpm answers with the bare 4-byte result, whatever the command's reply layout. */
const BARE_ERRORS = new Set<number>([PTM_RES.BAD_PARAMETER, PTM_RES.BAD_ORDINAL, PTM_RES.IOERROR, PTM_RES.SIZE]);

function swtpmControl(ch: Channel): SwtpmControl {
  const request = (cmd: number, body: Buffer = Buffer.alloc(0)) => Buffer.concat([u32s(cmd), body]);
  const check = (cmd: number, result: number) => {
    if (result !== PTM_RES.SUCCESS) throw new SwtpmControlError(cmd, result);
  };
  const simple = (cmd: number, body?: Buffer) =>
    ch.exchange(request(cmd, body), async () => {
      check(cmd, await ch.u32());
    });
  const u8 = (v: number) => Buffer.from([v & 0xff]);

  return {
    capabilities: () =>
      ch.exchange(request(SWTPM_CMD.GET_CAPABILITY), async () => {
        check(SWTPM_CMD.GET_CAPABILITY, await ch.u32());
        return ch.u32();
      }),
    init: (flags = 0) => simple(SWTPM_CMD.INIT, u32s(flags)),
    shutdown: () => simple(SWTPM_CMD.SHUTDOWN),
    stop: () => simple(SWTPM_CMD.STOP),
    setLocality: (locality) => simple(SWTPM_CMD.SET_LOCALITY, u8(locality)),
    hashStart: () => simple(SWTPM_CMD.HASH_START),
    async hashData(data) {
      for (let i = 0; i === 0 || i < data.length; i += SWTPM_MAX_HASH_DATA) {
        const part = Buffer.from(data.subarray(i, i + SWTPM_MAX_HASH_DATA));
        await simple(SWTPM_CMD.HASH_DATA, Buffer.concat([u32s(part.length), part]));
      }
    },
    hashEnd: () => simple(SWTPM_CMD.HASH_END),
    cancel: () => simple(SWTPM_CMD.CANCEL_TPM_CMD),
    storeVolatile: () => simple(SWTPM_CMD.STORE_VOLATILE),
    tpmEstablished: () =>
      ch.exchange(request(SWTPM_CMD.GET_TPMESTABLISHED), async () => {
        const result = await ch.u32();
        if (BARE_ERRORS.has(result)) check(SWTPM_CMD.GET_TPMESTABLISHED, result);
        const b = await ch.read(4);
        check(SWTPM_CMD.GET_TPMESTABLISHED, result);
        return (b[0] & 1) === 1;
      }),
    resetTpmEstablished: (locality) => simple(SWTPM_CMD.RESET_TPMESTABLISHED, u8(locality)),
    getStateBlob: (type = PTM_BLOB_TYPE.PERMANENT) =>
      ch.exchange(request(SWTPM_CMD.GET_STATEBLOB, u32s(0, type, 0)), async () => {
        const result = await ch.u32();
        if (BARE_ERRORS.has(result)) check(SWTPM_CMD.GET_STATEBLOB, result);
        const head = await ch.read(12);
        const blob = await ch.read(head.readUInt32BE(8));
        check(SWTPM_CMD.GET_STATEBLOB, result);
        return new Uint8Array(blob);
      }),
    setStateBlob: (blob, type = PTM_BLOB_TYPE.PERMANENT) => simple(SWTPM_CMD.SET_STATEBLOB, Buffer.concat([u32s(0, type, blob.length), blob])),
    config: () =>
      ch.exchange(request(SWTPM_CMD.GET_CONFIG), async () => {
        check(SWTPM_CMD.GET_CONFIG, await ch.u32());
        return ch.u32();
      }),
    setBufferSize: (size = 0) =>
      ch.exchange(request(SWTPM_CMD.SET_BUFFERSIZE, u32s(size)), async () => {
        check(SWTPM_CMD.SET_BUFFERSIZE, await ch.u32());
        const b = await ch.read(12);
        return { bufferSize: b.readUInt32BE(0), minSize: b.readUInt32BE(4), maxSize: b.readUInt32BE(8) };
      }),
    async info(flags) {
      const parts: Buffer[] = [];
      let offset = 0;
      for (;;) {
        const body = Buffer.alloc(16);
        body.writeBigUInt64BE(flags, 0);
        body.writeUInt32BE(offset, 8);
        const { total, part } = await ch.exchange(request(SWTPM_CMD.GET_INFO, body), async () => {
          check(SWTPM_CMD.GET_INFO, await ch.u32());
          const head = await ch.read(8);
          return { total: head.readUInt32BE(0), part: await ch.read(head.readUInt32BE(4)) };
        });
        parts.push(part);
        offset += part.length;
        if (offset >= total || part.length === 0) break;
      }
      const text = Buffer.concat(parts).toString('utf8').replace(/\0+$/, '');
      return JSON.parse(text) as Record<string, unknown>;
    },
    close: () => ch.close(),
  };
}

export function tcpTransport(options: TcpTransportOptions & { protocol: 'mssim' }): TcpTransport<MssimPlatform>;
export function tcpTransport(options: TcpTransportOptions & { protocol: 'swtpm' }): TcpTransport<SwtpmControl>;
export function tcpTransport(options: TcpTransportOptions): TcpTransport<MssimPlatform | SwtpmControl>;
export function tcpTransport(options: TcpTransportOptions): TcpTransport<MssimPlatform | SwtpmControl> {
  const { protocol } = options;
  if (protocol !== 'mssim' && protocol !== 'swtpm') throw new Error(`unknown protocol '${String(protocol)}' (mssim or swtpm)`);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 2321;
  const timeout = options.timeout ?? 120_000;
  const locality = options.locality;
  if (locality !== undefined && (!Number.isInteger(locality) || locality < 0 || locality > 255)) throw new Error(`locality must be 0-255, not ${locality}`);
  const data = new Channel(host, port, timeout);
  const side = new Channel(host, options.platformPort ?? port + 1, timeout);
  const platform = protocol === 'mssim' ? mssimPlatform(side) : swtpmControl(side);
  const framed = protocol === 'mssim' || locality !== undefined;

  const send = (command: Uint8Array): Promise<Uint8Array> => {
    const body = Buffer.from(command.buffer, command.byteOffset, command.byteLength);
    if (framed) {
      const head = Buffer.alloc(9);
      head.writeUInt32BE(MSSIM.SEND_COMMAND, 0);
      head[4] = locality ?? 0;
      head.writeUInt32BE(body.length, 5);
      return data.exchange(Buffer.concat([head, body]), async () => {
        const n = await data.u32();
        const response = await data.read(n);
        await data.u32(); // acknowledgement
        if (n === 0) throw new Error(`${protocol}: empty response (is the TPM powered on?)`);
        return new Uint8Array(response);
      });
    }
    return data.exchange(Buffer.from(body), async () => {
      const head = await data.read(10);
      const size = head.readUInt32BE(2);
      if (size < 10) throw new Error(`swtpm: response size ${size} is smaller than a response header`);
      const rest = await data.read(size - 10);
      return new Uint8Array(Buffer.concat([head, rest]));
    });
  };

  return {
    send,
    platform,
    async close() {
      await Promise.all([data.close(), side.close()]);
    },
  };
}
