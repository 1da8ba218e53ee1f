// NV throughput: NV_Write and NV_Read of 64 octets and NV_Increment, in-process with memory
// storage and with file storage (write, fsync, rename, fsync dir per command), vtpm serve over
// TCP with --state, and swtpm (Debian) with its directory state, in one run.
//   npx tsx bench/nv.bench.ts      (BENCH_QUICK=1 for a short run)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from '../src/client/client.js';
import { inProcess } from '../src/client/transport.js';
import { TPM_ALG, TPM_RH, TPMA_NV } from '../src/gen/constants.js';
import { fileStorage } from '../src/node/file-storage.js';
import { serve } from '../src/node/server.js';
import { createTpm, type TpmOptions } from '../src/tpm/engine.js';
import { RawTcp, rcOf, startSwtpm, STARTUP } from './commands.bench.js';
import { asyncOpsPerSecond, fmtOps, opsPerSecond, quick, type BenchOptions } from './harness.js';

const DATA = 0x01500020;
const COUNTER = 0x01500021;
const RW = TPMA_NV.OWNERWRITE | TPMA_NV.OWNERREAD | TPMA_NV.NO_DA;

function commands() {
  const c = createClient(inProcess(createTpm({ seed: 'x' })));
  const define = (nvIndex: number, attributes: number, dataSize: number) =>
    c.encode('NV_DefineSpace', {
      authHandle: TPM_RH.OWNER,
      auth: new Uint8Array(0),
      publicInfo: { nvPublic: { nvIndex, nameAlg: TPM_ALG.SHA256, attributes, authPolicy: new Uint8Array(0), dataSize } },
    } as never);
  return {
    setup: [define(DATA, RW, 64), define(COUNTER, RW | (1 << 4), 8)],
    ops: {
      'NV_Write 64 B': c.encode('NV_Write', { authHandle: TPM_RH.OWNER, nvIndex: DATA, data: new Uint8Array(64).fill(9), offset: 0 } as never),
      'NV_Read 64 B': c.encode('NV_Read', { authHandle: TPM_RH.OWNER, nvIndex: DATA, size: 64, offset: 0 } as never),
      NV_Increment: c.encode('NV_Increment', { authHandle: TPM_RH.OWNER, nvIndex: COUNTER } as never),
    } as Record<string, Uint8Array>,
  };
}

export interface NvRow {
  command: string;
  memory: number;
  /** fileStorage durability 'power' (fsync file and directory) and 'process' (write and rename). */
  file: number;
  fileProcess: number;
  tcpFile: number;
  swtpm?: number;
}

export async function run(opts: BenchOptions = quick()): Promise<NvRow[]> {
  const { setup, ops } = commands();
  // Each NV_Write carries new data (a write of the same octets changes no state and saves nothing).
  let n = 0;
  const write = ops['NV_Write 64 B'];
  const next = (bytes: Uint8Array) => {
    if (bytes !== write) return bytes;
    const b = bytes.slice();
    new DataView(b.buffer).setUint32(b.length - 2 - 64, n++);
    return b;
  };
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'vtpm-nvbench-'));
    dirs.push(d);
    return d;
  };
  const prepared = (options: TpmOptions) => {
    const tpm = createTpm({ seed: 'bench', ...options });
    tpm.execute(STARTUP);
    for (const s of setup) if (rcOf(tpm.execute(s)) !== 0) throw new Error('NV setup failed');
    tpm.execute(ops['NV_Write 64 B']);
    return tpm;
  };
  const swtpm = await startSwtpm();
  const rows: NvRow[] = [];
  try {
    const mem = prepared({});
    const file = prepared({ storage: fileStorage(tmp()) });
    const fileProcess = prepared({ storage: fileStorage(tmp(), { durability: 'process' }) });
    const server = await serve({
      protocol: 'swtpm',
      port: 0,
      tpm: prepared({ storage: fileStorage(tmp()) }),
      logger: { info() {}, warn() {}, error() {}, log() {} } as never,
    });
    const tcp = new RawTcp(false);
    await tcp.connect(server.address.port);
    let sw: RawTcp | undefined;
    if (swtpm) {
      sw = new RawTcp(false);
      await sw.connect(swtpm.port);
      for (const s of setup) await sw.send(s);
      await sw.send(ops['NV_Write 64 B']);
    }
    try {
      for (const [name, bytes] of Object.entries(ops)) {
        const row: NvRow = {
          command: name,
          memory: opsPerSecond(() => mem.execute(next(bytes)), opts),
          file: opsPerSecond(() => file.execute(next(bytes)), opts),
          fileProcess: opsPerSecond(() => fileProcess.execute(next(bytes)), opts),
          tcpFile: await asyncOpsPerSecond(() => tcp.send(next(bytes)), opts),
        };
        if (sw && rcOf(await sw.send(bytes)) === 0) row.swtpm = await asyncOpsPerSecond(() => sw!.send(next(bytes)), opts);
        rows.push(row);
      }
    } finally {
      tcp.close();
      sw?.close();
      await server.close();
    }
  } finally {
    swtpm?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return rows;
}

export function toMarkdown(rows: NvRow[]): string {
  const f = (x?: number) => (x ? fmtOps(x) : '–');
  const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(1)}×` : '–');
  const lines = [
    '| command | in-process, memory | in-process, file (fsync) | in-process, file (process-safe) | vtpm serve TCP, file (fsync) | swtpm TCP, dir | file fsync / swtpm | file process-safe / swtpm | vtpm TCP / swtpm |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.command} | ${f(r.memory)} | ${f(r.file)} | ${f(r.fileProcess)} | ${f(r.tcpFile)} | ${f(r.swtpm)} | ${ratio(r.file, r.swtpm)} | ${ratio(r.fileProcess, r.swtpm)} | ${ratio(r.tcpFile, r.swtpm)} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) run().then((r) => console.log(toMarkdown(r)));
