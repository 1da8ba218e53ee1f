// Attestation: TPM2_Quote of eight PCRs with an ECDSA P-256, SM2 and RSASSA-2048 AK, in-process and
// against swtpm (Debian) over its socket in the same run; and manufacturing a vTPM (EKs, EK
// certificates in NV) against swtpm_setup doing the same.
//   npx tsx bench/attest.bench.ts      (BENCH_QUICK=1 for a short run)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { manufacture, type ManufactureOptions } from '../src/client/manufacture.js';
import { createClient, type Client } from '../src/client/client.js';
import { inProcess } from '../src/client/transport.js';
import { akTemplate } from '../src/client/templates.js';
import { TPM_ALG, TPM_RH } from '../src/gen/constants.js';
import type { TPMT_PUBLIC } from '../src/gen/types.js';
import { createTpm } from '../src/tpm/engine.js';
import { RawTcp, startSwtpm, STARTUP } from './commands.bench.js';
import { handleOf, must, type Send } from './objects.bench.js';
import { asyncOpsPerSecond, fmtOps, quick, type BenchOptions } from './harness.js';

const EMPTY = new Uint8Array(0);
const encoder: Client = createClient(inProcess(createTpm({ seed: 'encoder' })));
const createPrimary = (template: TPMT_PUBLIC) =>
  encoder.encode('CreatePrimary', {
    primaryHandle: TPM_RH.ENDORSEMENT,
    inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } },
    inPublic: { publicArea: template },
    outsideInfo: EMPTY,
    creationPCR: { pcrSelections: [] },
  });

const quote = (signHandle: number, bank: number) =>
  encoder.encode('Quote', {
    signHandle,
    qualifyingData: Uint8Array.from({ length: 20 }, (_, i) => i),
    inScheme: { scheme: TPM_ALG.NULL, details: null },
    PCRselect: { pcrSelections: [{ hash: bank, pcrSelect: Uint8Array.of(0xff, 0, 0) }] },
  } as never);

export interface QuoteRow {
  operation: string;
  vtpm: number;
  swtpm?: number;
}

interface QuoteCase {
  name: string;
  template: TPMT_PUBLIC;
  bank: number;
  profile: 'tpm2' | 'tcm2';
  /** swtpm implements the algorithms (libtpms has no SM3). */
  swtpm: boolean;
}

const QUOTES: QuoteCase[] = [
  { name: 'Quote, ECDSA P-256 AK', template: akTemplate({ alg: 'ecc-p256' }), bank: TPM_ALG.SHA256, profile: 'tpm2', swtpm: true },
  { name: 'Quote, RSASSA-2048 AK', template: akTemplate({ alg: 'rsa2048' }), bank: TPM_ALG.SHA256, profile: 'tpm2', swtpm: true },
  // SM2 with SHA-256 runs on both; the TCM's SM2/SM3 AK over the SM3 bank only on vtpm.
  {
    name: 'Quote, SM2 AK (SHA-256)',
    template: akTemplate({ alg: 'sm2-p256', nameAlg: TPM_ALG.SHA256, hash: TPM_ALG.SHA256 }),
    bank: TPM_ALG.SHA256,
    profile: 'tpm2',
    swtpm: true,
  },
  { name: 'Quote, SM2/SM3 AK, SM3 bank (tcm2)', template: akTemplate({ alg: 'sm2-p256' }), bank: TPM_ALG.SM3_256, profile: 'tcm2', swtpm: false },
];

async function quoteOps(send: Send, c: QuoteCase, opts: BenchOptions): Promise<number> {
  const ak = handleOf(await must(send, createPrimary(c.template), `${c.name}: AK`));
  const bytes = quote(ak, c.bank);
  try {
    return await asyncOpsPerSecond(() => must(send, bytes, c.name), opts);
  } finally {
    await send(encoder.encode('FlushContext', { flushHandle: ak }));
  }
}

export async function run(opts: BenchOptions = quick()): Promise<QuoteRow[]> {
  const swtpm = await startSwtpm();
  const sw = swtpm ? new RawTcp(false) : undefined;
  if (sw && swtpm) await sw.connect(swtpm.port);
  const rows: QuoteRow[] = [];
  try {
    for (const c of QUOTES) {
      const tpm = createTpm({ seed: 'bench attest', profile: c.profile });
      tpm.execute(STARTUP);
      const row: QuoteRow = { operation: c.name, vtpm: await quoteOps((b) => tpm.execute(b), c, opts) };
      if (sw && c.swtpm) {
        try {
          row.swtpm = await quoteOps((b) => sw.send(b), c, opts);
        } catch (e) {
          if (process.env.BENCH_DEBUG) console.error(c.name, e);
        }
      }
      rows.push(row);
    }
  } finally {
    sw?.close();
    swtpm?.stop();
  }
  return rows;
}

export interface ManufactureRow {
  what: string;
  /** Median and 90th percentile of whole runs, ms. */
  median: number;
  p90: number;
  runs: number;
}

function stats(what: string, times: number[]): ManufactureRow {
  times.sort((a, b) => a - b);
  return { what, median: times[times.length >> 1], p90: times[Math.min(times.length - 1, Math.floor(times.length * 0.9))], runs: times.length };
}

/** A fresh TPM per run (its own seed, so no primary-key cache helps), started, then manufactured. */
async function manufactureRuns(profile: string, options: ManufactureOptions, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t = performance.now();
    const tpm = createTpm({ profile, seed: `bench manufacture ${profile} ${i}` });
    const client = createClient(inProcess(tpm));
    await client.startup();
    await manufacture(client, { caSeed: 'bench ca', ...options });
    if (i >= 2) times.push(performance.now() - t);
  }
  return times;
}

/** swtpm_setup (Debian) with its defaults: RSA 2048 and ECC EKs with certificates from swtpm_localca, platform certificate. */
function swtpmSetupRuns(runs: number): number[] | undefined {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'vtpm-bench-swtpm-setup-'));
    const t = performance.now();
    try {
      execFileSync('swtpm_setup', ['--tpm2', '--tpmstate', dir, '--create-ek-cert', '--create-platform-cert', '--overwrite'], { stdio: 'ignore' });
    } catch {
      return undefined;
    } finally {
      times.push(performance.now() - t);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return times;
}

export async function runManufacture(opts: BenchOptions = quick()): Promise<ManufactureRow[]> {
  const runs = opts.rounds && opts.rounds < 5 ? 7 : 21;
  const rows = [
    stats('vtpm manufacture(): RSA 2048 + ECC P-256 EKs, certificates (default)', await manufactureRuns('tpm2', {}, runs)),
    stats('vtpm manufacture(): RSA 2048 + ECC P-384 EKs, certificates, platform certificate (as swtpm_setup)', await manufactureRuns('tpm2', { eks: ['L-1', 'H-3'], platformCertificate: true }, runs)),
    stats('vtpm manufacture(): ECC P-256 EK, certificate', await manufactureRuns('tpm2', { eks: ['L-2'] }, runs)),
    stats('vtpm manufacture(): tcm2, SM2 EK, SM2-signed certificate', await manufactureRuns('tcm2', {}, runs)),
  ];
  const sw = swtpmSetupRuns(Math.max(3, Math.floor(runs / 3)));
  if (sw) rows.push(stats('swtpm_setup --create-ek-cert --create-platform-cert (RSA 2048 + ECC P-384)', sw));
  return rows;
}

export function manufactureMarkdown(rows: ManufactureRow[]): string {
  const lines = ['| manufacturing a TPM (fresh seed each run) | median | p90 | runs |', '|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.what} | ${r.median.toFixed(1)} ms | ${r.p90.toFixed(1)} ms | ${r.runs} |`);
  return lines.join('\n');
}

export function toMarkdown(rows: QuoteRow[]): string {
  const f = (x?: number) => (x ? `${fmtOps(x)}/s (${(1000 / x).toFixed(2)} ms)` : '–');
  const lines = ['| operation | vtpm in-process | swtpm TCP | vtpm / swtpm |', '|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.operation} | ${f(r.vtpm)} | ${f(r.swtpm)} | ${r.swtpm ? `${(r.vtpm / r.swtpm).toFixed(1)}×` : '–'} |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(toMarkdown(await run()));
  console.log();
  console.log(manufactureMarkdown(await runManufacture()));
}
