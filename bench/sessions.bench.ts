// Session overhead: NV_Read of 64 octets and Sign (ECDSA P-256) with a password, and with a
// salted HMAC session with AES-128-CFB parameter encryption (NV_Read's data out, Sign's digest
// in: each command's one TPM2B parameter), through the
// typed client in-process and against swtpm (Debian) over its socket, in one run. The client
// does the caller's side of the session (HMACs, encryption) in both cases.
//   npx tsx bench/sessions.bench.ts      (BENCH_QUICK=1 for a short run)
import { pathToFileURL } from 'node:url';
import { createClient, type Client } from '../src/client/client.js';
import type { AuthSessionHandle } from '../src/client/session.js';
import { eccKeyTemplate, srkTemplate } from '../src/client/templates.js';
import { inProcess } from '../src/client/transport.js';
import { TPM_ALG, TPM_ECC, TPM_RH, TPM_ST, TPMA_NV } from '../src/gen/constants.js';
import { tcpTransport } from '../src/node/tcp-transport.js';
import { createTpm } from '../src/tpm/engine.js';
import { startSwtpm } from './commands.bench.js';
import { asyncOpsPerSecond, fmtOps, quick, type BenchOptions } from './harness.js';

const EMPTY = new Uint8Array(0);
const INDEX = 0x01500400;
const AES128 = { algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB };

/** swtpm answers TPM_RC_RETRY the first time it uses an algorithm: try again. */
async function retrying<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i < 3 && (e as { rc?: number }).rc === 0x922) continue;
      throw e;
    }
  }
}

interface Target {
  nvRead(session?: AuthSessionHandle): Promise<unknown>;
  sign(session?: AuthSessionHandle): Promise<unknown>;
  session(): Promise<AuthSessionHandle>;
}

async function prepare(client: Client): Promise<Target> {
  const empty = { sensitive: { userAuth: EMPTY, data: EMPTY } };
  await retrying(() =>
    client.run('NV_DefineSpace', {
      authHandle: TPM_RH.OWNER,
      auth: new TextEncoder().encode('nv'),
      publicInfo: { nvPublic: { nvIndex: INDEX, nameAlg: TPM_ALG.SHA256, attributes: TPMA_NV.AUTHWRITE | TPMA_NV.AUTHREAD | TPMA_NV.NO_DA, authPolicy: EMPTY, dataSize: 64 } },
    }),
  );
  await client.run('NV_Write', { authHandle: INDEX, nvIndex: INDEX, data: new Uint8Array(64).fill(1), offset: 0 }, { auth: { authHandle: 'nv' } });
  const srk = await retrying(() => client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: empty, inPublic: { publicArea: srkTemplate({ alg: 'ecc-p256', unique: 'empty' }) }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } }));
  const created = await retrying(() => client.run('Create', { parentHandle: srk.objectHandle, inSensitive: empty, inPublic: { publicArea: eccKeyTemplate({ usage: 'sign', curve: TPM_ECC.NIST_P256 }) }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } }));
  const key = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: created.outPrivate, inPublic: created.outPublic });
  const names = { nvIndex: (await client.run('NV_ReadPublic', { nvIndex: INDEX })).nvName };
  const digest = new Uint8Array(32).fill(7);
  const validation = { tag: TPM_ST.HASHCHECK, hierarchy: TPM_RH.NULL, digest: EMPTY };
  return {
    // Names given, so the client does not read them before each command.
    // NV_Read's response data is encrypted (its first command parameter is no TPM2B).
    nvRead: (session) =>
      (session && ((session.decrypt = false), (session.encrypt = true)),
      client.run('NV_Read', { authHandle: INDEX, nvIndex: INDEX, size: 64, offset: 0 }, { auth: { authHandle: session ? { session, authValue: 'nv' } : 'nv' }, names: { authHandle: names.nvIndex, ...names } })),
    // Sign's digest is encrypted (its response, a TPMT_SIGNATURE, is no TPM2B).
    sign: (session) =>
      (session && ((session.decrypt = true), (session.encrypt = false)),
      retrying(() =>
        client.run('Sign', { keyHandle: key.objectHandle, digest, inScheme: { scheme: TPM_ALG.NULL, details: null }, validation }, { auth: { keyHandle: session ? { session } : '' }, names: { keyHandle: key.name } }),
      )),
    async session() {
      return client.startAuthSession({ salt: { handle: srk.objectHandle, publicArea: srk.outPublic.publicArea }, symmetric: AES128 });
    },
  };
}

export interface SessionRow {
  operation: string;
  vtpmPassword: number;
  vtpmSession: number;
  swtpmPassword?: number;
  swtpmSession?: number;
}

export async function run(opts: BenchOptions = quick()): Promise<SessionRow[]> {
  const local = createClient(inProcess(createTpm({ seed: 'bench sessions' })));
  await local.startup();
  const vt = await prepare(local);
  const vs = await vt.session();
  const swtpm = await startSwtpm();
  let sw: { target: Target; session: AuthSessionHandle; close(): Promise<void> } | undefined;
  if (swtpm) {
    const transport = tcpTransport({ protocol: 'swtpm', port: swtpm.port });
    const client = createClient(transport);
    const target = await prepare(client);
    sw = { target, session: await target.session(), close: () => client.close() };
  }
  const rows: SessionRow[] = [];
  try {
    for (const [operation, op] of [
      ['NV_Read 64 B', (t: Target, s?: AuthSessionHandle) => t.nvRead(s)],
      ['Sign ECDSA P-256', (t: Target, s?: AuthSessionHandle) => t.sign(s)],
    ] as const) {
      const row: SessionRow = {
        operation,
        vtpmPassword: await asyncOpsPerSecond(() => op(vt), opts),
        vtpmSession: await asyncOpsPerSecond(() => op(vt, vs), opts),
      };
      if (sw) {
        row.swtpmPassword = await asyncOpsPerSecond(() => op(sw!.target), opts);
        row.swtpmSession = await asyncOpsPerSecond(() => op(sw!.target, sw!.session), opts);
      }
      rows.push(row);
    }
  } finally {
    await sw?.close();
    swtpm?.stop();
  }
  return rows;
}

export function toMarkdown(rows: SessionRow[]): string {
  const f = (x?: number) => (x ? fmtOps(x) : '–');
  const over = (pw?: number, s?: number) => (pw && s ? `+${((pw / s - 1) * 100).toFixed(0)}%` : '–');
  const lines = [
    '| operation | vtpm password | vtpm salted AES-CFB session | session cost | swtpm password | swtpm salted AES-CFB session | vtpm session / swtpm session |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.operation} | ${f(r.vtpmPassword)}/s | ${f(r.vtpmSession)}/s | ${over(r.vtpmPassword, r.vtpmSession)} | ${f(r.swtpmPassword)}/s | ${f(r.swtpmSession)}/s | ${r.swtpmSession ? `${(r.vtpmSession / r.swtpmSession).toFixed(1)}×` : '–'} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) run().then((r) => console.log(toMarkdown(r)));
