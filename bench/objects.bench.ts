// Keys and objects: CreatePrimary (ECC P-256, SM2, RSA-2048 uncached and cached), Create+Load of
// an ECC key, Sign (ECDSA P-256, SM2, RSASSA-2048) and RSA-2048 decrypt, in-process and against
// swtpm (Debian) over its socket, in one run. "Uncached" primaries change the template's unique
// field every time, so neither TPM can reuse a key.
//   npx tsx bench/objects.bench.ts      (BENCH_QUICK=1 for a short run)
import { pathToFileURL } from 'node:url';
import { createClient, type Client } from '../src/client/client.js';
import { inProcess } from '../src/client/transport.js';
import { eccKeyTemplate, rsaKeyTemplate, srkTemplate } from '../src/client/templates.js';
import { TPM_ALG, TPM_CC, TPM_ECC, TPM_RH, TPM_ST } from '../src/gen/constants.js';
import type { TPMT_PUBLIC } from '../src/gen/types.js';
import { createTpm } from '../src/tpm/engine.js';
import { RawTcp, rcOf, startSwtpm, STARTUP } from './commands.bench.js';
import { asyncOpsPerSecond, fmtOps, opsPerSecond, quick, type BenchOptions } from './harness.js';

const EMPTY = new Uint8Array(0);
const encoder: Client = createClient(inProcess(createTpm({ seed: 'encoder' })));

/** A target both TPMs answer through: bytes in, bytes out. */
export type Send = (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export const handleOf = (r: Uint8Array) => new DataView(r.buffer, r.byteOffset).getUint32(10);

function createPrimary(template: TPMT_PUBLIC, hierarchy: number = TPM_RH.OWNER): Uint8Array {
  return encoder.encode('CreatePrimary', {
    primaryHandle: hierarchy,
    inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } },
    inPublic: { publicArea: template },
    outsideInfo: EMPTY,
    creationPCR: { pcrSelections: [] },
  });
}

const flush = (handle: number) => encoder.encode('FlushContext', { flushHandle: handle });

/** A new unique field each call: an uncached primary. */
function varied(template: TPMT_PUBLIC, n: number): TPMT_PUBLIC {
  const tag = Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  if (template.type === TPM_ALG.RSA) return { ...template, unique: tag };
  return { ...template, unique: { x: tag, y: EMPTY } };
}

const RETRY = 0x922;

export async function must(send: Send, bytes: Uint8Array, what: string): Promise<Uint8Array> {
  let r = await send(bytes);
  // swtpm answers TPM_RC_RETRY the first time it uses an algorithm (its self-test): send again.
  for (let i = 0; i < 3 && rcOf(r) === RETRY; i++) r = await send(bytes);
  const rc = rcOf(r);
  if (rc !== 0) throw new Error(`${what}: rc 0x${rc.toString(16)}`);
  return r;
}

/** Decoded response parameters of a command the encoder knows. */
function decode<N extends Parameters<Client['decode']>[0]>(name: N, bytes: Uint8Array) {
  return encoder.decode(name, bytes);
}

async function loadedKey(send: Send, parent: number, template: TPMT_PUBLIC): Promise<number> {
  const created = decode('Create', await must(send, encoder.encode('Create', { parentHandle: parent, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: template }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } }), 'Create'));
  const loaded = await must(send, encoder.encode('Load', { parentHandle: parent, inPrivate: created.outPrivate, inPublic: created.outPublic }), 'Load');
  return handleOf(loaded);
}

function sign(handle: number, hashAlg: number): Uint8Array {
  return encoder.encode('Sign', {
    keyHandle: handle,
    digest: new Uint8Array(hashAlg === TPM_ALG.SHA256 || hashAlg === TPM_ALG.SM3_256 ? 32 : 48).fill(3),
    inScheme: { scheme: TPM_ALG.NULL, details: null },
    validation: { tag: TPM_ST.HASHCHECK, hierarchy: TPM_RH.NULL, digest: EMPTY },
  } as never);
}

export interface ObjectRow {
  operation: string;
  vtpm: number;
  swtpm?: number;
}

interface Case {
  name: string;
  /** Commands that must be implemented for the case. */
  needs: number[];
  /** Optional: the case only runs on targets with this profile ('tcm2' for SM2 keys). */
  profile?: 'tcm2';
  /** Prepares the target and returns one operation (awaited) to time. */
  prepare(send: Send): Promise<() => Promise<unknown>>;
}

const SRK = srkTemplate({ alg: 'ecc-p256', unique: 'empty' });

function cases(): Case[] {
  let n = 0;
  const primaryCase = (name: string, template: TPMT_PUBLIC, cached: boolean, profile?: 'tcm2'): Case => ({
    name,
    needs: [TPM_CC.CreatePrimary],
    profile,
    async prepare(send) {
      return async () => {
        const r = await must(send, createPrimary(cached ? template : varied(template, n++)), name);
        await send(flush(handleOf(r)));
      };
    },
  });
  const signCase = (name: string, template: TPMT_PUBLIC, srk: TPMT_PUBLIC, hashAlg: number, profile?: 'tcm2'): Case => ({
    name,
    needs: [TPM_CC.Sign],
    profile,
    async prepare(send) {
      const parent = handleOf(await must(send, createPrimary(srk), 'SRK'));
      const key = await loadedKey(send, parent, template);
      const bytes = sign(key, hashAlg);
      return () => must(send, bytes, name);
    },
  });
  const sm2Srk = srkTemplate({ alg: 'sm2-p256', unique: 'empty' });
  return [
    primaryCase('CreatePrimary ECC P-256', eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.NIST_P256 }), false),
    primaryCase('CreatePrimary SM2 P-256', eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.SM2_P256 }), false, 'tcm2'),
    primaryCase('CreatePrimary RSA-2048 (uncached)', srkTemplate({ alg: 'rsa2048', unique: 'empty' }), false),
    primaryCase('CreatePrimary RSA-2048 (same template again)', srkTemplate({ alg: 'rsa2048', unique: 'empty' }), true),
    {
      name: 'Create + Load ECC P-256 key',
      needs: [TPM_CC.Create, TPM_CC.Load],
      async prepare(send) {
        const parent = handleOf(await must(send, createPrimary(SRK), 'SRK'));
        const template = eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.NIST_P256 });
        return async () => send(flush(await loadedKey(send, parent, template)));
      },
    },
    signCase('Sign ECDSA P-256', eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.NIST_P256 }), SRK, TPM_ALG.SHA256),
    signCase('Sign SM2', eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.SM2_P256 }), sm2Srk, TPM_ALG.SM3_256, 'tcm2'),
    signCase('Sign RSASSA-2048', rsaKeyTemplate({ usage: 'sign' }), SRK, TPM_ALG.SHA256),
    {
      name: 'RSA_Decrypt RSA-2048 (OAEP)',
      needs: [TPM_CC.RSA_Decrypt, TPM_CC.RSA_Encrypt],
      async prepare(send) {
        const parent = handleOf(await must(send, createPrimary(SRK), 'SRK'));
        const key = await loadedKey(send, parent, rsaKeyTemplate({ usage: 'decrypt', scheme: TPM_ALG.OAEP }));
        const ct = decode('RSA_Encrypt', await must(send, encoder.encode('RSA_Encrypt', { keyHandle: key, message: Uint8Array.of(1, 2, 3), inScheme: { scheme: TPM_ALG.NULL, details: null }, label: EMPTY } as never), 'RSA_Encrypt')).outData;
        const bytes = encoder.encode('RSA_Decrypt', { keyHandle: key, cipherText: ct, inScheme: { scheme: TPM_ALG.NULL, details: null }, label: EMPTY } as never);
        return () => must(send, bytes, 'RSA_Decrypt');
      },
    },
  ];
}

/** Slow operations (RSA key generation) are timed per call: a median of single runs. */
async function medianOps(op: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await op();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return 1000 / times[Math.floor(times.length / 2)];
}

export async function run(opts: BenchOptions = quick()): Promise<ObjectRow[]> {
  const swtpm = await startSwtpm();
  const sw = swtpm ? new RawTcp(false) : undefined;
  if (sw && swtpm) await sw.connect(swtpm.port);
  const rows: ObjectRow[] = [];
  try {
    for (const c of cases()) {
      const tpm = createTpm({ seed: 'bench objects', profile: c.profile ?? 'tpm2' });
      if (!c.needs.every((code) => tpm.profile.commands.has(code))) continue;
      tpm.execute(STARTUP);
      const local: Send = (b) => tpm.execute(b);
      const slow = c.name.includes('uncached') && c.name.includes('RSA');
      const timed = async (send: Send, sync: boolean) => {
        const op = await c.prepare(send);
        if (slow) return medianOps(op, opts.rounds && opts.rounds < 5 ? 5 : 15);
        return sync ? opsPerSecond(() => void op(), opts) : asyncOpsPerSecond(op, opts);
      };
      const row: ObjectRow = { operation: c.name, vtpm: await timed(local, false) };
      // swtpm is a TPM 2.0 without the TCM profile; SM2 cases run on vtpm only.
      if (sw && !c.profile) {
        try {
          row.swtpm = await timed((b) => sw.send(b), false);
        } catch (e) {
          // An operation swtpm refuses (an algorithm it lacks) stays empty.
          if (process.env.BENCH_DEBUG) console.error(c.name, e);
        }
        for (let h = 0x80000000; h < 0x80000004; h++) await sw.send(flush(h));
      }
      rows.push(row);
    }
  } finally {
    sw?.close();
    swtpm?.stop();
  }
  return rows;
}

export function toMarkdown(rows: ObjectRow[]): string {
  const f = (x?: number) => (x ? `${fmtOps(x)}/s (${(1000 / x).toFixed(x > 100 ? 2 : 1)} ms)` : '–');
  const lines = ['| operation | vtpm in-process | swtpm TCP | vtpm / swtpm |', '|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.operation} | ${f(r.vtpm)} | ${f(r.swtpm)} | ${r.swtpm ? `${(r.vtpm / r.swtpm).toFixed(1)}×` : '–'} |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) run().then((r) => console.log(toMarkdown(r)));
