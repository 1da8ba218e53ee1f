// Benchmark of the symmetric/hash half of src/crypto against node:crypto in the same process.
//   npx tsx bench/crypto-sym.bench.ts            (full: 7 rounds of >= 200 ms per cell)
//   BENCH_QUICK=1 npx tsx bench/crypto-sym.bench.ts   (3 rounds of >= 50 ms)
// Each cell: warm-up, then `rounds` timed rounds of at least `minMs`, median reported.
// 64-byte cells are operations per second of one whole call (for ciphers this includes the key
// schedule on both sides: createBlockCipher + encrypt vs createCipheriv + update + final, as a
// TPM command does); 1 MiB cells are MB/s (1 MB = 10^6 bytes).
import { createCipheriv, createHash, createHmac as nodeHmac } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { opsPerSecond } from './harness.js';
import { ecb as nobleEcb, unsafe as nobleAes } from '@noble/ciphers/aes.js';
import { SHA1, SHA256, SHA384, SM3_256 } from '../src/crypto/hash.js';
import { hmac } from '../src/crypto/hmac.js';
import { kdfa } from '../src/crypto/kdf.js';
import { TPM_ALG_AES, TPM_ALG_CFB, TPM_ALG_ECB, TPM_ALG_SM4, createBlockCipher, encrypt } from '../src/crypto/symmetric.js';

export interface BenchOptions {
  rounds?: number;
  minMs?: number;
}

export interface BenchRow {
  name: string;
  /** ops/s on a 64-byte input */
  ours64: number;
  node64: number;
  /** MB/s on a 1 MiB input (NaN where not applicable) */
  oursMBs: number;
  nodeMBs: number;
}

let sink = 0;
function consume(x: Uint8Array): void {
  sink ^= x.length === 0 ? 0 : x[0];
}

/** Median ops/s of fn (the shared timing loop in harness.ts). */
function measure(fn: () => void, rounds: number, minMs: number): number {
  return opsPerSecond(fn, { rounds, minMs });
}

function filled(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + seed) & 0xff;
  return b;
}

function nodeKdfa256(key: Uint8Array, label: Uint8Array, u: Uint8Array, v: Uint8Array): Uint8Array {
  // One block suffices for 256 bits with SHA-256: HMAC(key, [1]32 ‖ label ‖ 00 ‖ u ‖ v ‖ [256]32).
  return nodeHmac('sha256', key)
    .update(Uint8Array.of(0, 0, 0, 1))
    .update(label)
    .update(Uint8Array.of(0))
    .update(u)
    .update(v)
    .update(Uint8Array.of(0, 0, 1, 0))
    .digest();
}

interface Case {
  name: string;
  ours: (d: Uint8Array) => Uint8Array;
  node: (d: Uint8Array) => Uint8Array;
  bulk: boolean;
}

function cases(): Case[] {
  const key16 = filled(16, 1);
  const key32 = filled(32, 2);
  const iv = filled(16, 3);
  const nodeCipher = (name: string, k: Uint8Array, ivOrNull: Uint8Array | null) => (d: Uint8Array) => {
    const c = createCipheriv(name, k, ivOrNull);
    c.setAutoPadding(false);
    const a = c.update(d);
    c.final();
    return a;
  };
  const label = new TextEncoder().encode('ATH');
  const nonceA = filled(32, 4);
  const nonceB = filled(32, 5);
  return [
    { name: 'SHA-256', ours: (d) => SHA256.digest(d), node: (d) => createHash('sha256').update(d).digest(), bulk: true },
    { name: 'SHA-384', ours: (d) => SHA384.digest(d), node: (d) => createHash('sha384').update(d).digest(), bulk: true },
    { name: 'SHA-1', ours: (d) => SHA1.digest(d), node: (d) => createHash('sha1').update(d).digest(), bulk: true },
    { name: 'SM3', ours: (d) => SM3_256.digest(d), node: (d) => createHash('sm3').update(d).digest(), bulk: true },
    {
      name: 'HMAC-SHA256',
      ours: (d) => hmac(SHA256, key32, d),
      node: (d) => nodeHmac('sha256', key32).update(d).digest(),
      bulk: true,
    },
    {
      name: 'HMAC-SM3',
      ours: (d) => hmac(SM3_256, key32, d),
      node: (d) => nodeHmac('sm3', key32).update(d).digest(),
      bulk: true,
    },
    {
      name: 'AES-128-CFB',
      ours: (d) => encrypt(TPM_ALG_CFB, createBlockCipher(TPM_ALG_AES, key16), iv, d).data,
      node: nodeCipher('aes-128-cfb', key16, iv),
      bulk: true,
    },
    {
      name: 'SM4-CFB',
      ours: (d) => encrypt(TPM_ALG_CFB, createBlockCipher(TPM_ALG_SM4, key16), iv, d).data,
      node: nodeCipher('sm4-cfb', key16, iv),
      bulk: true,
    },
    {
      name: 'SM4-ECB',
      ours: (d) => encrypt(TPM_ALG_ECB, createBlockCipher(TPM_ALG_SM4, key16), new Uint8Array(0), d).data,
      node: nodeCipher('sm4-ecb', key16, null),
      bulk: true,
    },
    {
      name: 'KDFa(SHA-256, 256 bits)',
      ours: () => kdfa(SHA256, key32, 'ATH', nonceA, nonceB, 256),
      node: () => nodeKdfa256(key32, label, nonceA, nonceB),
      bulk: false,
    },
  ];
}

/** Run the comparison; returns one row per primitive. */
export function run(opts: BenchOptions = {}): BenchRow[] {
  const rounds = opts.rounds ?? 7;
  const minMs = opts.minMs ?? 200;
  const small = filled(64, 9);
  const big = filled(1 << 20, 10);
  const rows: BenchRow[] = [];
  for (const c of cases()) {
    // Sanity: both sides agree before timing.
    const a = c.ours(small);
    const b = c.node(small);
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error(c.name + ': outputs differ');
    const ours64 = measure(() => consume(c.ours(small)), rounds, minMs);
    const node64 = measure(() => consume(c.node(small)), rounds, minMs);
    const oursMBs = c.bulk ? (measure(() => consume(c.ours(big)), rounds, minMs) * big.length) / 1e6 : NaN;
    const nodeMBs = c.bulk ? (measure(() => consume(c.node(big)), rounds, minMs) * big.length) / 1e6 : NaN;
    rows.push({ name: c.name, ours64, node64, oursMBs, nodeMBs });
  }
  return rows;
}

/** Per-block cost of the candidate raw AES routes in @noble/ciphers 2.4.0 (ns per 16-byte block). */
export function aesRoutes(opts: BenchOptions = {}): Array<{ route: string; nsPerBlock: number }> {
  const rounds = opts.rounds ?? 7;
  const minMs = opts.minMs ?? 200;
  const key = filled(16, 1);
  const block = filled(16, 2);
  const out = new Uint8Array(16);
  const ours = createBlockCipher(TPM_ALG_AES, key);
  const xk = nobleAes.expandKeyLE(key);
  const aligned = new Uint8Array(16);
  const routes: Array<[string, () => void]> = [
    ['ours: unsafe.encrypt on LE words (chosen)', () => ours.encryptBlock(block, out)],
    ['unsafe.encryptBlock (aligned in-place copy)', () => {
      aligned.set(block);
      nobleAes.encryptBlock(xk, aligned);
    }],
    // noble's ecb() objects refuse a second encrypt(), so the key is expanded on every block here.
    ['ecb(key, {disablePadding}).encrypt (new ecb per block)', () => consume(nobleEcb(key, { disablePadding: true }).encrypt(block))],
  ];
  return routes.map(([route, fn]) => ({ route, nsPerBlock: 1e9 / measure(fn, rounds, minMs) }));
}

const fmtOps = (x: number): string => (x >= 1e6 ? (x / 1e6).toFixed(2) + ' M' : (x / 1e3).toFixed(0) + ' k');
const fmtMBs = (x: number): string => (Number.isNaN(x) ? '–' : x.toFixed(x < 100 ? 1 : 0));
const fmtRatio = (a: number, b: number): string => (Number.isNaN(a) || Number.isNaN(b) ? '–' : (a / b).toFixed(2) + '×');

export function formatTable(rows: BenchRow[]): string {
  const lines = [
    '| primitive | ours 64 B op/s | node 64 B op/s | ours/node | ours 1 MiB MB/s | node 1 MiB MB/s | ours/node |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${fmtOps(r.ours64)} | ${fmtOps(r.node64)} | ${fmtRatio(r.ours64, r.node64)} | ${fmtMBs(r.oursMBs)} | ${fmtMBs(r.nodeMBs)} | ${fmtRatio(r.oursMBs, r.nodeMBs)} |`,
    );
  }
  return lines.join('\n');
}

function main(): void {
  const quick = process.env.BENCH_QUICK === '1';
  const opts: BenchOptions = quick ? { rounds: 3, minMs: 50 } : {};
  console.log(`# crypto-sym benchmark (Node ${process.version}, ${opts.rounds ?? 7} rounds ≥ ${opts.minMs ?? 200} ms, median)\n`);
  const rows = run(opts);
  console.log(formatTable(rows));
  const sha = rows.find((r) => r.name === 'SHA-256')!;
  const sm3 = rows.find((r) => r.name === 'SM3')!;
  const slow64 = sha.ours64 / sm3.ours64;
  const slowBulk = sha.oursMBs / sm3.oursMBs;
  console.log(
    `\nSM3 time relative to our SHA-256: ${slow64.toFixed(2)}× at 64 B, ${slowBulk.toFixed(2)}× at 1 MiB ` +
      `(goal ≤ 1.2×: ${slow64 <= 1.2 && slowBulk <= 1.2 ? 'met' : 'NOT met'})`,
  );
  console.log('\n## AES single-block routes (@noble/ciphers 2.4.0)\n');
  console.log('| route | ns/block |\n|---|---|');
  for (const r of aesRoutes(opts)) console.log(`| ${r.route} | ${r.nsPerBlock.toFixed(0)} |`);
  if (sink === 0.5) console.log(sink);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
