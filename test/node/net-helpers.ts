/** Raw TCP clients for protocol tests: exact bytes out, exact-length reads in. */
import { connect, type Socket } from 'node:net';
import { serve, type Server, type ServeOptions } from '../../src/node/server.js';
import type { Logger } from '../../src/node/connection.js';

export interface RawConn {
  socket: Socket;
  write(...parts: (Buffer | Uint8Array | string)[]): Promise<void>;
  /** Exactly n bytes (rejects if the connection ends first or after `ms`). */
  read(n: number, ms?: number): Promise<Buffer>;
  u32(): Promise<number>;
  /** Resolves when the peer closed the connection. */
  ended: Promise<void>;
  /** Bytes received but not read yet. */
  pending(): number;
  close(): void;
}

export const hexBuf = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
export const u32 = (...v: number[]) => {
  const b = Buffer.alloc(4 * v.length);
  v.forEach((x, i) => b.writeUInt32BE(x >>> 0, 4 * i));
  return b;
};

export async function rawConnect(port: number, host = '127.0.0.1'): Promise<RawConn> {
  const socket = connect({ host, port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buf = Buffer.alloc(0);
  let closed = false;
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    wake?.();
  });
  socket.on('error', () => {});
  const ended = new Promise<void>((resolve) =>
    socket.on('close', () => {
      closed = true;
      wake?.();
      resolve();
    }),
  );
  const read = async (n: number, ms = 5000): Promise<Buffer> => {
    const deadline = Date.now() + ms;
    while (buf.length < n) {
      if (closed) throw new Error(`connection closed with ${buf.length} of ${n} bytes`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out with ${buf.length} of ${n} bytes`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
  return {
    socket,
    write: (...parts) =>
      new Promise<void>((resolve, reject) =>
        socket.write(Buffer.concat(parts.map((p) => (typeof p === 'string' ? hexBuf(p) : Buffer.from(p)))), (e) => (e ? reject(e) : resolve())),
      ),
    read,
    u32: async () => (await read(4)).readUInt32BE(0),
    ended,
    pending: () => buf.length,
    close: () => socket.destroy(),
  };
}

/** A logger that keeps its lines. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (m) => lines.push(m), info: (m) => lines.push(m) };
}

/** serve() on a free port pair with a seeded TPM and a fake clock, and a captured log. */
export async function testServer(options: Partial<ServeOptions> & Pick<ServeOptions, 'protocol'>): Promise<Server & { log: string[] }> {
  const logger = captureLogger();
  let now = 1_000;
  const server = await serve({
    port: 0,
    logger,
    tpmOptions: { seed: 'vtpm node test', clock: { now: () => now++ } },
    ...options,
  });
  return Object.assign(server, { log: logger.lines });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** TPM2 commands as octets. */
export const CMD = {
  startupClear: '8001 0000000c 00000144 0000',
  shutdownState: '8001 0000000c 00000145 0001',
  getRandom8: '8001 0000000c 0000017b 0008',
};

export function rcOf(response: Buffer): number {
  return response.readUInt32BE(6);
}
