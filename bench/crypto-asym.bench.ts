// Asymmetric crypto benchmark: ECDSA P-256, SM2 (ours vs sm-crypto), RSA-2048 (ours vs
// node:crypto). Run: npx tsx bench/crypto-asym.bench.ts  — prints a markdown table.
// Method: warm-up pass, then the median ops/s of several timed rounds.
import * as nodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { bigintToBytes, bytesToHex, concatBytes, hexToBytes, utf8 } from '../src/crypto/bytes.js';
import { createDrbg } from '../src/crypto/drbg.js';
import { CURVE_NIST_P256, CURVE_SM2_P256, eccGenerateKey, ecdsaSign, ecdsaVerify } from '../src/crypto/ecc.js';
import { SHA256 } from '../src/crypto/hash.js';
import { oaepDecrypt, oaepEncrypt, rsaGenerateKey, rsassaSign, rsassaVerify } from '../src/crypto/rsa.js';
import { sm2GenerateKey, sm2SignDigest, sm2VerifyDigest } from '../src/crypto/sm2.js';

interface SmCryptoSm2 {
  generateKeyPairHex(): { privateKey: string; publicKey: string };
  doSignature(msg: Uint8Array, privateKey: string, opts?: { hash?: boolean }): string;
  doVerifySignature(msg: Uint8Array, sig: string, publicKey: string, opts?: { hash?: boolean }): boolean;
}

export interface BenchRow {
  /** What is measured. */
  op: string;
  /** Our implementation: ops/s (or ms for keygen rows, see unit). */
  ours: number;
  /** Name of the reference implementation. */
  ref: string;
  /** Reference result in the same unit, when measured. */
  theirs?: number;
  /** ours / theirs for ops/s rows; theirs / ours for ms rows (so > 1 means ours is faster). */
  speedup?: number;
  unit: 'ops/s' | 'ms';
}

export interface BenchOptions {
  /** Timed rounds per measurement (median reported). */
  rounds?: number;
  /** Minimum duration of one round in ms. */
  minMs?: number;
  /** Keys generated for the RSA keygen medians. */
  keygenCount?: number;
}

function opsPerSecond(fn: () => void, rounds: number, minMs: number): number {
  // warm-up / calibration
  const t0 = performance.now();
  let warm = 0;
  while (performance.now() - t0 < Math.min(200, minMs)) {
    fn();
    warm++;
  }
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    let n = 0;
    let now = start;
    do {
      fn();
      n++;
      now = performance.now();
    } while (now - start < minMs);
    results.push((n * 1000) / (now - start));
  }
  return median(results);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function msMedian(fn: () => void, count: number): number {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

export function run(opts: BenchOptions = {}): BenchRow[] {
  const rounds = opts.rounds ?? 7;
  const minMs = opts.minMs ?? 250;
  const keygenCount = opts.keygenCount ?? 7;
  const ops = (fn: () => void) => opsPerSecond(fn, rounds, minMs);
  const rows: BenchRow[] = [];
  const add = (op: string, ours: number, ref: string, theirs?: number, unit: 'ops/s' | 'ms' = 'ops/s') =>
    rows.push({
      op,
      ours,
      ref,
      theirs,
      unit,
      speedup: theirs === undefined ? undefined : unit === 'ops/s' ? ours / theirs : theirs / ours,
    });
  const rng = createDrbg(utf8('bench'));
  const msg = utf8('benchmark message');
  const digest = SHA256.digest(msg);

  // ECDSA P-256 (node hashes the message itself: it cannot sign a given digest)
  {
    const c = CURVE_NIST_P256;
    const key = eccGenerateKey(c, rng);
    const sig = ecdsaSign(c, key.d, digest);
    const nodeKeys = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const nodeSig = nodeCrypto.sign('sha256', msg, nodeKeys.privateKey);
    add(
      'ECDSA P-256 keygen',
      ops(() => eccGenerateKey(c, rng)),
      'node:crypto',
      ops(() => nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' })),
    );
    add(
      'ECDSA P-256 sign (digest)',
      ops(() => ecdsaSign(c, key.d, digest)),
      'node:crypto (sign msg)',
      ops(() => nodeCrypto.sign('sha256', msg, nodeKeys.privateKey)),
    );
    add(
      'ECDSA P-256 verify',
      ops(() => ecdsaVerify(c, key.x, key.y, digest, sig.r, sig.s)),
      'node:crypto (verify msg)',
      ops(() => nodeCrypto.verify('sha256', msg, nodeKeys.publicKey, nodeSig)),
    );
  }

  // SM2 on SM2_P256, digest mode, ours vs sm-crypto 0.5.8
  {
    const smc = (createRequire(import.meta.url)('sm-crypto') as { sm2: SmCryptoSm2 }).sm2;
    const c = CURVE_SM2_P256;
    const key = sm2GenerateKey(rng);
    const sig = sm2SignDigest(c, key.d, digest);
    const smKey = smc.generateKeyPairHex();
    const smSig = smc.doSignature(digest, smKey.privateKey, { hash: false });
    const ourPubHex = '04' + bytesToHex(key.x) + bytesToHex(key.y);
    if (!smc.doVerifySignature(digest, bytesToHex(concatBytes(sig.r, sig.s)), ourPubHex, { hash: false })) {
      throw new Error('SM2 cross-check failed');
    }
    add('SM2 keygen', ops(() => sm2GenerateKey(rng)), 'sm-crypto 0.5.8', ops(() => smc.generateKeyPairHex()));
    add(
      'SM2 sign (digest)',
      ops(() => sm2SignDigest(c, key.d, digest)),
      'sm-crypto 0.5.8',
      ops(() => smc.doSignature(digest, smKey.privateKey, { hash: false })),
    );
    add(
      'SM2 verify (digest)',
      ops(() => sm2VerifyDigest(c, key.x, key.y, digest, sig.r, sig.s)),
      'sm-crypto 0.5.8',
      ops(() => smc.doVerifySignature(digest, smSig, smKey.publicKey, { hash: false })),
    );
  }

  // RSA-2048 vs node:crypto (same key in both)
  {
    const key = rsaGenerateKey(2048, rng);
    const b64u = (v: bigint) => Buffer.from(bigintToBytes(v, Math.ceil(v.toString(16).length / 2))).toString('base64url');
    const priv = nodeCrypto.createPrivateKey({
      key: {
        kty: 'RSA',
        n: b64u(key.n),
        e: b64u(key.e),
        d: b64u(key.d),
        p: b64u(key.p),
        q: b64u(key.q),
        dp: b64u(key.dp),
        dq: b64u(key.dq),
        qi: b64u(key.qinv),
      },
      format: 'jwk',
    });
    const pub = nodeCrypto.createPublicKey(priv);
    const sig = rsassaSign(key, SHA256, digest);
    const label = utf8('DUPLICATE\0');
    const ct = oaepEncrypt(key, SHA256, hexToBytes('00'.repeat(32)), label, rng);
    const oaepOpts = { padding: nodeCrypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label };
    add(
      'RSA-2048 sign (PKCS#1 v1.5, SHA-256)',
      ops(() => rsassaSign(key, SHA256, digest)),
      'node:crypto',
      ops(() => nodeCrypto.sign('sha256', msg, priv)),
    );
    add(
      'RSA-2048 verify (PKCS#1 v1.5)',
      ops(() => rsassaVerify(key, SHA256, digest, sig)),
      'node:crypto',
      ops(() => nodeCrypto.verify('sha256', msg, pub, sig)),
    );
    add(
      'RSA-2048 decrypt (OAEP SHA-256)',
      ops(() => oaepDecrypt(key, SHA256, ct, label)),
      'node:crypto',
      ops(() => nodeCrypto.privateDecrypt({ key: priv, ...oaepOpts }, ct)),
    );
    add(
      'RSA-2048 keygen (median ms/key, ' + keygenCount + ' keys)',
      msMedian(() => rsaGenerateKey(2048, rng), keygenCount),
      'node:crypto',
      msMedian(() => nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 }), keygenCount),
      'ms',
    );
  }
  return rows;
}

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined) return '–';
  return unit === 'ms' ? v.toFixed(0) + ' ms' : Math.round(v).toLocaleString('en-US');
}

export function toMarkdown(rows: BenchRow[]): string {
  const lines = [
    '| operation | ours | reference | reference result | ours vs reference |',
    '|---|---:|---|---:|---:|',
  ];
  for (const r of rows) {
    const ratio = r.speedup === undefined ? '–' : r.speedup.toFixed(2) + '×';
    lines.push(`| ${r.op} | ${fmt(r.ours, r.unit)} | ${r.ref} | ${fmt(r.theirs, r.unit)} | ${ratio} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = run();
  console.log(`Node ${process.version}, ${process.arch}; ops/s unless noted; median of 7 rounds ≥ 250 ms after warm-up.`);
  console.log('"ours vs reference" > 1 means ours is faster.\n');
  console.log(toMarkdown(rows));
}
