// Command throughput: the same command octets against in-process execute(), `vtpm serve` over
// TCP (swtpm data-channel framing and mssim framing) and swtpm (Debian package, started here on
// loopback), in one run. Also: startup time of a new TPM, and memory and creation time of 1,000
// idle TPMs in one process.
//   npx tsx bench/commands.bench.ts      (BENCH_QUICK=1 for a short run)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from '../src/client/client.js';
import { inProcess } from '../src/client/transport.js';
import { TPM_ALG, TPM_RH } from '../src/gen/constants.js';
import { createTpm, type Tpm } from '../src/tpm/engine.js';
import { asyncOpsPerSecond, fmtOps, opsPerSecond, quick, type BenchOptions } from './harness.js';

export const STARTUP = Uint8Array.from([0x80, 0x01, 0, 0, 0, 12, 0, 0, 1, 0x44, 0, 0]);

/** Command octets, built with the typed client's encoder. */
function commands(): Record<string, { bytes: Uint8Array; profile: string }> {
  const c = createClient(inProcess(createTpm({ seed: 'x' })));
  const digest = (alg: number, n: number) => ({ digests: [{ hashAlg: alg, digest: new Uint8Array(n).fill(7) }] });
  return {
    'GetRandom(16)': { bytes: c.encode('GetRandom', { bytesRequested: 16 }), profile: 'tpm2' },
    'PCR_Extend SHA-256': { bytes: c.encode('PCR_Extend', { pcrHandle: 16, digests: digest(TPM_ALG.SHA256, 32) } as never), profile: 'tpm2' },
    'PCR_Extend SM3': { bytes: c.encode('PCR_Extend', { pcrHandle: 16, digests: digest(TPM_ALG.SM3_256, 32) } as never), profile: 'tcm2' },
    'PCR_Read (8 PCRs)': {
      bytes: c.encode('PCR_Read', { pcrSelectionIn: { pcrSelections: [{ hash: TPM_ALG.SHA256, pcrSelect: Uint8Array.of(0xff, 0, 0) }] } } as never),
      profile: 'tpm2',
    },
    'Hash 1 KiB SHA-256': { bytes: c.encode('Hash', { data: new Uint8Array(1024).fill(1), hashAlg: TPM_ALG.SHA256, hierarchy: TPM_RH.NULL } as never), profile: 'tpm2' },
  };
}

/** A request/response client over a raw TPM byte stream (swtpm data channel). */
export class RawTcp {
  private socket!: Socket;
  private buf = Buffer.alloc(0);
  private waiting: ((b: Buffer) => void) | null = null;
  private want = 0;
  constructor(private readonly mssim: boolean) {}
  connect(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket = new Socket();
      this.socket.setNoDelay(true);
      this.socket.once('error', reject);
      this.socket.on('data', (d) => {
        this.buf = Buffer.concat([this.buf, d]);
        this.pump();
      });
      this.socket.connect(port, '127.0.0.1', () => resolve());
    });
  }
  private pump() {
    if (!this.waiting) return;
    const headerLen = this.mssim ? 4 : 6;
    if (this.buf.length < headerLen) return;
    const size = this.mssim ? this.buf.readUInt32BE(0) + 8 : this.buf.readUInt32BE(2);
    if (this.buf.length < size) return;
    const out = this.buf.subarray(0, size);
    this.buf = this.buf.subarray(size);
    const w = this.waiting;
    this.waiting = null;
    w(out);
  }
  send(cmd: Uint8Array): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      if (this.mssim) {
        const head = Buffer.alloc(9);
        head.writeUInt32BE(8, 0);
        head.writeUInt8(0, 4);
        head.writeUInt32BE(cmd.length, 5);
        this.socket.write(Buffer.concat([head, cmd]));
      } else this.socket.write(cmd);
      this.pump();
    });
  }
  close() {
    this.socket.destroy();
  }
}


async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    if (port < 65000) return port;
  }
}

async function waitForPort(port: number, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} did not open`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Swtpm {
  port: number;
  proc: ChildProcess;
  dir: string;
  stop(): void;
}

export async function startSwtpm(): Promise<Swtpm | undefined> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'vtpm-bench-swtpm-'));
  const proc = spawn(
    'swtpm',
    ['socket', '--tpm2', '--server', `type=tcp,port=${port},bindaddr=127.0.0.1`, '--ctrl', `type=tcp,port=${port + 1},bindaddr=127.0.0.1`, '--tpmstate', `dir=${dir}`, '--flags', 'not-need-init,startup-clear'],
    { stdio: 'ignore' },
  );
  const failed = new Promise<undefined>((resolve) => proc.once('error', () => resolve(undefined)));
  const ready = waitForPort(port).then(() => true as const);
  const ok = await Promise.race([ready, failed]);
  if (!ok) return undefined;
  return {
    port,
    proc,
    dir,
    stop() {
      proc.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CommandRow {
  command: string;
  inProcess: number;
  /** In-process with node:crypto one-shot digests (nodeCryptoBackend). */
  inProcessNode?: number;
  vtpmTcp?: number;
  vtpmMssim?: number;
  swtpm?: number;
}

export function rcOf(b: Uint8Array, mssim = false): number {
  return new DataView(b.buffer, b.byteOffset + (mssim ? 4 : 0)).getUint32(6);
}

export async function run(opts: BenchOptions = quick()): Promise<{ rows: CommandRow[]; startup: Record<string, number>; memory: Record<string, number> }> {
  const cmds = commands();
  const node = await import('../src/node/index.js').catch(() => undefined);
  const serve = (node as { serve?: (o: object) => Promise<{ close(): Promise<void>; address: { port: number } }> } | undefined)?.serve;
  const swtpm = await startSwtpm();
  const rows: CommandRow[] = [];
  try {
    for (const [name, { bytes, profile }] of Object.entries(cmds)) {
      const tpm = createTpm({ profile, seed: 'bench' });
      tpm.execute(STARTUP);
      const implemented = rcOf(tpm.execute(bytes)) === 0;
      if (!implemented) continue;
      const row: CommandRow = { command: name, inProcess: opsPerSecond(() => tpm.execute(bytes), opts) };
      const backend = (node as { nodeCryptoBackend?: () => never } | undefined)?.nodeCryptoBackend;
      if (backend) {
        const fast = createTpm({ profile, seed: 'bench', cryptoBackend: backend() });
        fast.execute(STARTUP);
        row.inProcessNode = opsPerSecond(() => fast.execute(bytes), opts);
      }
      if (serve) {
        for (const protocol of ['swtpm', 'mssim'] as const) {
          const server = await serve({ protocol, port: 0, host: '127.0.0.1', tpmOptions: { profile, seed: 'bench' }, logger: { info() {}, warn() {}, error() {}, log() {} } });
          const port = server.address.port;
          try {
            const c = new RawTcp(protocol === 'mssim');
            if (protocol === 'mssim') {
              const platform = new Socket();
              await new Promise<void>((r) => platform.connect(port + 1, '127.0.0.1', () => r()));
              for (const signal of [1, 11]) {
                const b = Buffer.alloc(4);
                b.writeUInt32BE(signal);
                platform.write(b);
                await new Promise((r) => platform.once('data', r));
              }
              platform.destroy();
            }
            await c.connect(port);
            await c.send(STARTUP);
            const rate = await asyncOpsPerSecond(() => c.send(bytes), opts);
            if (protocol === 'swtpm') row.vtpmTcp = rate;
            else row.vtpmMssim = rate;
            c.close();
          } finally {
            await server.close();
          }
        }
      }
      if (swtpm && profile === 'tpm2') {
        const c = new RawTcp(false);
        await c.connect(swtpm.port);
        const r = await c.send(bytes);
        if (rcOf(r) === 0) row.swtpm = await asyncOpsPerSecond(() => c.send(bytes), opts);
        c.close();
      }
      rows.push(row);
    }

    // Startup time: a new TPM ready for commands.
    const startup: Record<string, number> = {};
    const t0 = performance.now();
    const n = 50;
    for (let i = 0; i < n; i++) createTpm({ seed: `s${i}` }).execute(STARTUP);
    startup['vtpm createTpm + Startup (ms)'] = (performance.now() - t0) / n;
    if (swtpm) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const s0 = performance.now();
        const s = await startSwtpm();
        if (!s) break;
        const c = new RawTcp(false);
        await c.connect(s.port);
        await c.send(STARTUP);
        times.push(performance.now() - s0);
        c.close();
        s.stop();
      }
      times.sort((a, b) => a - b);
      if (times.length) startup['swtpm process start + Startup (ms)'] = times[times.length >> 1];
    }

    // Memory of idle TPMs.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const m0 = performance.now();
    const fleet: Tpm[] = [];
    for (let i = 0; i < 1000; i++) {
      const tpm = createTpm({ seed: `fleet-${i}` });
      tpm.execute(STARTUP);
      fleet.push(tpm);
    }
    const createMs = performance.now() - m0;
    gc?.();
    const heap1 = process.memoryUsage().heapUsed;
    const memory = {
      'create 1,000 TPMs with Startup (ms)': createMs,
      'heap per idle TPM (KiB)': (heap1 - heap0) / 1000 / 1024,
      'gc exposed (1 = exact)': gc ? 1 : 0,
    };
    fleet.length = 0;
    return { rows, startup, memory };
  } finally {
    swtpm?.stop();
  }
}

export function toMarkdown(r: Awaited<ReturnType<typeof run>>): string {
  const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(1)}×` : '–');
  const f = (x?: number) => (x ? fmtOps(x) : '–');
  const lines = [
    '| command | in-process op/s | in-process, node:crypto digests | vtpm serve TCP (swtpm framing) | vtpm serve TCP (mssim) | swtpm TCP | in-process / swtpm | in-process node:crypto / swtpm | vtpm TCP / swtpm |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of r.rows) {
    lines.push(
      `| ${row.command} | ${f(row.inProcess)} | ${f(row.inProcessNode)} | ${f(row.vtpmTcp)} | ${f(row.vtpmMssim)} | ${f(row.swtpm)} | ${ratio(row.inProcess, row.swtpm)} | ${ratio(row.inProcessNode, row.swtpm)} | ${ratio(row.vtpmTcp, row.swtpm)} |`,
    );
  }
  lines.push('', '| measure | value |', '|---|---:|');
  for (const [k, v] of Object.entries({ ...r.startup, ...r.memory })) lines.push(`| ${k} | ${v.toFixed(v < 10 ? 2 : 0)} |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((r) => console.log(toMarkdown(r)));
}
