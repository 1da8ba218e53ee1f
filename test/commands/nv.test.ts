/**
 * Part 3 "Non-volatile Storage": NV_DefineSpace, NV_UndefineSpace(Special), NV_ReadPublic,
 * NV_Write, NV_Read, NV_Increment, NV_Extend, NV_SetBits, NV_WriteLock, NV_GlobalWriteLock,
 * NV_ReadLock, NV_ChangeAuth through the typed client on seeded TPMs of both profiles. Names and
 * extend values are computed here with node:crypto, independently of the emulator.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { TPM_ALG, TPM_CAP, TPM_CC, TPM_NT, TPM_PT, TPM_RC, TPM_RH, TPMA_NV as A } from '../../src/gen/constants.js';
import type { TPMS_NV_PUBLIC } from '../../src/gen/types.js';
import { createTpm, memoryStorage } from '../../src/tpm/engine.js';
import { profiles } from '../../src/tpm/profile.js';
import { createClient } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { rcOf, startedTpm, testTpm, toHex } from '../helpers/tpm.js';

const HAVE_HIERARCHY_CONTROL = createTpm().profile.commands.has(TPM_CC.HierarchyControl);
const H = (n: number) => TPM_RC.H | (n << 8);
const P = (n: number) => TPM_RC.P | (n << 8);
const S1 = TPM_RC.S | 0x100;
const text = (s: string) => new TextEncoder().encode(s);
const NODE_HASH: Record<number, string> = { [TPM_ALG.SHA256]: 'sha256', [TPM_ALG.SM3_256]: 'sm3', [TPM_ALG.SHA1]: 'sha1' };

const nt = (type: number) => type << A.TPM_NT_SHIFT;
const OWNER_RW = A.OWNERWRITE | A.OWNERREAD;
const AUTH_RW = A.AUTHWRITE | A.AUTHREAD;
const INDEX = 0x01500010;

function nodeHash(alg: number, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(NODE_HASH[alg]);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** TPMS_NV_PUBLIC marshalled by hand (Part 2), and the Name nameAlg ‖ H(it). */
function independentName(p: TPMS_NV_PUBLIC): string {
  const b = new Uint8Array(4 + 2 + 4 + 2 + p.authPolicy.length + 2);
  const v = new DataView(b.buffer);
  v.setUint32(0, p.nvIndex);
  v.setUint16(4, p.nameAlg);
  v.setUint32(6, p.attributes >>> 0);
  v.setUint16(10, p.authPolicy.length);
  b.set(p.authPolicy, 12);
  v.setUint16(12 + p.authPolicy.length, p.dataSize);
  return p.nameAlg.toString(16).padStart(4, '0') + toHex(nodeHash(p.nameAlg, b));
}

const u64 = (v: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v);
  return b;
};
const asU64 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);

describe.each([
  ['tpm2', TPM_ALG.SHA256],
  ['tcm2', TPM_ALG.SM3_256],
])('NV, profile %s', (profile, nameAlg) => {
  const pub = (over: Partial<TPMS_NV_PUBLIC> = {}): TPMS_NV_PUBLIC => ({
    nvIndex: INDEX,
    nameAlg,
    attributes: OWNER_RW | AUTH_RW,
    authPolicy: new Uint8Array(0),
    dataSize: 32,
    ...over,
  });
  const define = (client: Client, p: TPMS_NV_PUBLIC, auth = 'index-pw', authHandle: number = TPM_RH.OWNER) =>
    client.run('NV_DefineSpace', { authHandle, auth: text(auth), publicInfo: { nvPublic: p } });
  const write = (client: Client, data: Uint8Array, offset = 0, authHandle: number = TPM_RH.OWNER, pw = '', nvIndex = INDEX) =>
    client.run('NV_Write', { authHandle, nvIndex, data, offset }, { auth: { authHandle: pw } });
  const read = async (client: Client, size: number, offset = 0, authHandle: number = TPM_RH.OWNER, pw = '', nvIndex = INDEX) =>
    (await client.run('NV_Read', { authHandle, nvIndex, size, offset }, { auth: { authHandle: pw } })).data;
  const increment = (client: Client, nvIndex = INDEX) => client.run('NV_Increment', { authHandle: TPM_RH.OWNER, nvIndex });
  const readPublic = (client: Client, nvIndex = INDEX) => client.run('NV_ReadPublic', { nvIndex });
  const counter = async (client: Client, nvIndex = INDEX) => asU64(await read(client, 8, 0, TPM_RH.OWNER, '', nvIndex));

  it('defines an index; ReadPublic gives the public area and a Name that matches an independent computation', async () => {
    const { client } = await startedTpm({ profile });
    const p = pub({ authPolicy: new Uint8Array(32).fill(7), attributes: OWNER_RW | AUTH_RW | A.POLICYREAD });
    await define(client, p);
    const r = await readPublic(client);
    expect(r.nvPublic.nvPublic).toEqual(p);
    expect(toHex(r.nvName)).toBe(independentName(p));
    // The first write sets TPMA_NV_WRITTEN, which changes the Name.
    await write(client, text('hello'));
    const r2 = await readPublic(client);
    expect(r2.nvPublic.nvPublic.attributes).toBe((p.attributes | A.WRITTEN) >>> 0);
    expect(toHex(r2.nvName)).toBe(independentName({ ...p, attributes: (p.attributes | A.WRITTEN) >>> 0 }));
  });

  it('writes and reads with owner authorization, the index password, and an HMAC session on the index', async () => {
    const { client } = await startedTpm({ profile });
    await define(client, pub({ dataSize: 16 }));
    await write(client, text('abcd'), 4);
    // A partial first write leaves the rest zero.
    expect(toHex(await read(client, 16))).toBe('00000000' + toHex(text('abcd')) + '00'.repeat(8));
    await write(client, text('xy'), 0, INDEX, 'index-pw');
    expect(await read(client, 6, 0, INDEX, 'index-pw')).toEqual(text('xy\0\0ab'));
    const name = (await readPublic(client)).nvName;
    const s = await client.startAuthSession({ hash: nameAlg });
    const names = { authHandle: name, nvIndex: name };
    await client.run('NV_Write', { authHandle: INDEX, nvIndex: INDEX, data: text('hm'), offset: 14 }, { auth: { authHandle: { session: s, authValue: 'index-pw' } }, names });
    const r = await client.run('NV_Read', { authHandle: INDEX, nvIndex: INDEX, size: 2, offset: 14 }, { auth: { authHandle: { session: s, authValue: 'index-pw' } }, names });
    expect(r.data).toEqual(text('hm'));
    expect(await rcOf(client.run('NV_Read', { authHandle: INDEX, nvIndex: INDEX, size: 2, offset: 0 }, { auth: { authHandle: { session: s, authValue: 'nope' } }, names }))).toBe(
      TPM_RC.AUTH_FAIL | S1,
    );
  });

  it('checks NV_DefineSpace as the reference does, blaming the same handle or parameter', async () => {
    const { client } = await startedTpm({ profile });
    const rc = (p: Partial<TPMS_NV_PUBLIC>, auth = '', authHandle: number = TPM_RH.OWNER) => rcOf(define(client, pub(p), auth, authHandle));
    expect(await rc({ authPolicy: new Uint8Array(5) })).toBe(TPM_RC.SIZE | P(2));
    expect(await rc({}, 'x'.repeat(33))).toBe(TPM_RC.SIZE | P(1));
    expect(await rc({ attributes: OWNER_RW | nt(3) })).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await rc({ dataSize: 2049 })).toBe(TPM_RC.SIZE | P(2));
    expect(await rc({ attributes: OWNER_RW | nt(TPM_NT.EXTEND), dataSize: 20 })).toBe(TPM_RC.SIZE | P(2));
    expect(await rc({ attributes: OWNER_RW | nt(TPM_NT.COUNTER), dataSize: 4 })).toBe(TPM_RC.SIZE | P(2));
    expect(await rc({ attributes: OWNER_RW | nt(TPM_NT.COUNTER) | A.CLEAR_STCLEAR, dataSize: 8 })).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await rc({ attributes: OWNER_RW | nt(TPM_NT.PIN_FAIL), dataSize: 8 })).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await rc({ attributes: OWNER_RW | A.AUTHWRITE | nt(TPM_NT.PIN_PASS), dataSize: 8 })).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await rc({ attributes: OWNER_RW | A.WRITTEN })).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await rc({ attributes: A.OWNERWRITE })).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await rc({ attributes: A.OWNERREAD })).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await rc({ attributes: OWNER_RW | A.CLEAR_STCLEAR | A.WRITEDEFINE })).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await rc({ attributes: OWNER_RW | A.PLATFORMCREATE })).toBe(TPM_RC.ATTRIBUTES | H(1));
    expect(await rc({ attributes: OWNER_RW }, '', TPM_RH.PLATFORM)).toBe(TPM_RC.ATTRIBUTES | H(1));
    expect(await rc({ attributes: OWNER_RW | A.POLICY_DELETE })).toBe(TPM_RC.ATTRIBUTES | P(2));
    expect(await rc({ attributes: OWNER_RW | A.WRITEALL, dataSize: 1025 })).toBe(TPM_RC.SIZE | P(2));
    // Not an NV index handle: refused when publicInfo is unmarshalled (TPMI_RH_NV_INDEX).
    expect(await rc({ nvIndex: 0x81000001 })).toBe(TPM_RC.VALUE | P(2));
    await define(client, pub());
    expect(await rc({})).toBe(TPM_RC.NV_DEFINED);
  });

  it('fills NV: TPM_RC_NV_SPACE', async () => {
    const { client, tpm } = await startedTpm({ profile });
    let n = 0;
    let rc = 0;
    for (; n < 100; n++) {
      rc = await rcOf(define(client, pub({ nvIndex: 0x01000100 + n, dataSize: 2048 }))).catch(() => 0);
      if (rc) break;
    }
    expect(rc).toBe(TPM_RC.NV_SPACE);
    // 16 KiB of NV (NV_MEMORY_SIZE) holds seven 2 KiB indices with their public areas.
    expect(tpm.profile.limits.NV_MEMORY_SIZE).toBe(16384);
    expect(n).toBe(7);
    // A smaller one may still fit; deleting one makes room again.
    await client.run('NV_UndefineSpace', { authHandle: TPM_RH.OWNER, nvIndex: 0x01000100 });
    await define(client, pub({ nvIndex: 0x01000100 + n, dataSize: 2048 }));
  });

  it('takes NV and RAM sizes from the profile', async () => {
    const base = profiles[profile];
    const { client } = await startedTpm({ profile: { ...base, name: `${profile}-small-nv`, limits: { ...base.limits, NV_MEMORY_SIZE: 600, RAM_INDEX_SPACE: 40 } } });
    await define(client, pub({ dataSize: 400 }));
    expect(await rcOf(define(client, pub({ nvIndex: INDEX + 1, dataSize: 200 })))).toBe(TPM_RC.NV_SPACE);
    // ORDERLY data takes RAM, not NV: 12 octets of header and the data.
    await define(client, pub({ nvIndex: INDEX + 1, dataSize: 28, attributes: OWNER_RW | A.ORDERLY }));
    expect(await rcOf(define(client, pub({ nvIndex: INDEX + 2, dataSize: 1, attributes: OWNER_RW | A.ORDERLY })))).toBe(TPM_RC.NV_SPACE);
  });

  it('selects access by the authorizing handle and session type', async () => {
    const { client } = await startedTpm({ profile });
    const policy = new Uint8Array(32).fill(1);
    // Owner may read but not write; the index authValue may write but not read; policy-only reads.
    await define(client, pub({ attributes: A.OWNERREAD | A.AUTHWRITE | A.POLICYREAD, authPolicy: policy }));
    expect(await rcOf(write(client, text('a')))).toBe(TPM_RC.NV_AUTHORIZATION);
    expect(await rcOf(write(client, text('a'), 0, TPM_RH.PLATFORM))).toBe(TPM_RC.NV_AUTHORIZATION);
    await write(client, text('a'), 0, INDEX, 'index-pw');
    expect(await read(client, 1)).toEqual(text('a'));
    // Reading with the index's password: AUTHREAD is CLEAR, only its policy may read.
    expect(await rcOf(read(client, 1, 0, INDEX, 'index-pw'))).toBe(TPM_RC.AUTH_UNAVAILABLE);
    // A policy session for a write: POLICYWRITE is CLEAR.
    const name = (await readPublic(client)).nvName;
    const ps = await client.startAuthSession({ hash: nameAlg, type: 'policy' });
    expect(
      await rcOf(client.run('NV_Write', { authHandle: INDEX, nvIndex: INDEX, data: text('b'), offset: 0 }, { auth: { authHandle: { session: ps } }, names: { authHandle: name, nvIndex: name } })),
    ).toBe(TPM_RC.AUTH_UNAVAILABLE);
    // A policy read is selected; the (empty) policyDigest does not match the authPolicy.
    const ps2 = await client.startAuthSession({ hash: nameAlg, type: 'policy' });
    expect(
      await rcOf(client.run('NV_Read', { authHandle: INDEX, nvIndex: INDEX, size: 1, offset: 0 }, { auth: { authHandle: { session: ps2 } }, names: { authHandle: name, nvIndex: name } })),
    ).toBe(TPM_RC.POLICY_FAIL | S1);
    // Another index cannot authorize this one.
    await define(client, pub({ nvIndex: INDEX + 1 }), 'other');
    expect(await rcOf(write(client, text('a'), 0, INDEX + 1, 'other'))).toBe(TPM_RC.NV_AUTHORIZATION);
    // An undefined index: TPM_RC_HANDLE on the handle that names it.
    expect(await rcOf(write(client, text('a'), 0, TPM_RH.OWNER, '', INDEX + 5))).toBe(TPM_RC.HANDLE | H(2));
    expect(await rcOf(read(client, 1, 0, INDEX + 5, '', INDEX + 5))).toBe(TPM_RC.HANDLE | H(1));
    expect(await rcOf(readPublic(client, INDEX + 5))).toBe(TPM_RC.HANDLE | H(1));
  });

  it('checks ranges, WRITEALL and reading unwritten indices', async () => {
    const { client } = await startedTpm({ profile });
    await define(client, pub({ dataSize: 8 }));
    expect(await rcOf(read(client, 1))).toBe(TPM_RC.NV_UNINITIALIZED);
    expect(await rcOf(write(client, text('a'), 9))).toBe(TPM_RC.VALUE | P(2));
    expect(await rcOf(write(client, text('abc'), 6))).toBe(TPM_RC.NV_RANGE);
    await write(client, text('abcdefgh'));
    expect(await rcOf(read(client, 1025))).toBe(TPM_RC.VALUE | P(1));
    expect(await rcOf(read(client, 1, 9))).toBe(TPM_RC.VALUE | P(2));
    expect(await rcOf(read(client, 4, 5))).toBe(TPM_RC.NV_RANGE);
    expect(await read(client, 0, 8)).toEqual(new Uint8Array(0));
    await define(client, pub({ nvIndex: INDEX + 1, dataSize: 8, attributes: OWNER_RW | A.WRITEALL }));
    expect(await rcOf(write(client, text('abc'), 0, TPM_RH.OWNER, '', INDEX + 1))).toBe(TPM_RC.NV_RANGE);
    await write(client, text('12345678'), 0, TPM_RH.OWNER, '', INDEX + 1);
  });

  it('counter, bits and extend indices have their own commands', async () => {
    const { client } = await startedTpm({ profile });
    const C = INDEX;
    const B = INDEX + 1;
    const E = INDEX + 2;
    const digest = nameAlg === TPM_ALG.SHA256 ? 32 : 32;
    await define(client, pub({ nvIndex: C, attributes: OWNER_RW | nt(TPM_NT.COUNTER), dataSize: 8 }));
    await define(client, pub({ nvIndex: B, attributes: OWNER_RW | nt(TPM_NT.BITS), dataSize: 8 }));
    await define(client, pub({ nvIndex: E, attributes: OWNER_RW | nt(TPM_NT.EXTEND), dataSize: digest }));
    expect(await rcOf(counter(client, C))).toBe(TPM_RC.NV_UNINITIALIZED);
    await increment(client, C);
    await increment(client, C);
    expect(await counter(client, C)).toBe(2n);
    expect(await rcOf(write(client, u64(0n), 0, TPM_RH.OWNER, '', C))).toBe(TPM_RC.ATTRIBUTES);
    expect(await rcOf(increment(client, B))).toBe(TPM_RC.ATTRIBUTES | H(2));
    await client.run('NV_SetBits', { authHandle: TPM_RH.OWNER, nvIndex: B, bits: 0x11n });
    await client.run('NV_SetBits', { authHandle: TPM_RH.OWNER, nvIndex: B, bits: 0x8000000000000100n });
    expect(await counter(client, B)).toBe(0x8000000000000111n);
    expect(await rcOf(client.run('NV_SetBits', { authHandle: TPM_RH.OWNER, nvIndex: C, bits: 1n }))).toBe(TPM_RC.ATTRIBUTES | H(2));
    await client.run('NV_Extend', { authHandle: TPM_RH.OWNER, nvIndex: E, data: text('one') });
    await client.run('NV_Extend', { authHandle: TPM_RH.OWNER, nvIndex: E, data: text('two') });
    const expected = nodeHash(nameAlg, nodeHash(nameAlg, new Uint8Array(digest), text('one')), text('two'));
    expect(toHex(await read(client, digest, 0, TPM_RH.OWNER, '', E))).toBe(toHex(expected));
    expect(await rcOf(client.run('NV_Extend', { authHandle: TPM_RH.OWNER, nvIndex: C, data: text('x') }))).toBe(TPM_RC.ATTRIBUTES | H(2));
    // A counter defined again at the same handle continues above the deleted one's value.
    await client.run('NV_UndefineSpace', { authHandle: TPM_RH.OWNER, nvIndex: C });
    await define(client, pub({ nvIndex: C, attributes: OWNER_RW | nt(TPM_NT.COUNTER), dataSize: 8 }));
    await increment(client, C);
    expect(await counter(client, C)).toBe(3n);
  });

  it('WRITEDEFINE, WRITE_STCLEAR, GLOBALLOCK, READ_STCLEAR and CLEAR_STCLEAR across Startup', async () => {
    const { client, tpm } = await startedTpm({ profile });
    const D = INDEX; // WRITEDEFINE
    const S = INDEX + 1; // WRITE_STCLEAR | READ_STCLEAR
    const G = INDEX + 2; // GLOBALLOCK
    const X = INDEX + 3; // CLEAR_STCLEAR
    const N = INDEX + 4; // no lock attributes
    await define(client, pub({ nvIndex: D, attributes: OWNER_RW | A.WRITEDEFINE }));
    await define(client, pub({ nvIndex: S, attributes: OWNER_RW | A.WRITE_STCLEAR | A.READ_STCLEAR }));
    await define(client, pub({ nvIndex: G, attributes: OWNER_RW | A.GLOBALLOCK }));
    await define(client, pub({ nvIndex: X, attributes: OWNER_RW | A.CLEAR_STCLEAR }));
    await define(client, pub({ nvIndex: N }));
    for (const h of [D, S, G, X, N]) await write(client, text('v'), 0, TPM_RH.OWNER, '', h);
    const lock = (h: number) => client.run('NV_WriteLock', { authHandle: TPM_RH.OWNER, nvIndex: h });
    expect(await rcOf(lock(N))).toBe(TPM_RC.ATTRIBUTES | H(2));
    expect(await rcOf(lock(G))).toBe(TPM_RC.ATTRIBUTES | H(2));
    await lock(D);
    await lock(D); // already locked: no error
    await lock(S);
    await client.run('NV_GlobalWriteLock', { authHandle: TPM_RH.OWNER });
    for (const h of [D, S, G]) expect(await rcOf(write(client, text('w'), 0, TPM_RH.OWNER, '', h))).toBe(TPM_RC.NV_LOCKED);
    await write(client, text('w'), 0, TPM_RH.OWNER, '', N);
    const readLock = (h: number) => client.run('NV_ReadLock', { authHandle: TPM_RH.OWNER, nvIndex: h });
    expect(await rcOf(client.run('NV_WriteLock', { authHandle: TPM_RH.PLATFORM, nvIndex: N }))).toBe(TPM_RC.NV_AUTHORIZATION);
    // An unwritten READ_STCLEAR index may be read-locked.
    await define(client, pub({ nvIndex: INDEX + 9, attributes: OWNER_RW | A.READ_STCLEAR }));
    await readLock(INDEX + 9);
    expect(await rcOf(read(client, 1, 0, TPM_RH.OWNER, '', INDEX + 9))).toBe(TPM_RC.NV_LOCKED);
    expect(await rcOf(readLock(N))).toBe(TPM_RC.ATTRIBUTES | H(2));
    await readLock(S);
    await readLock(S);
    expect(await rcOf(read(client, 1, 0, TPM_RH.OWNER, '', S))).toBe(TPM_RC.NV_LOCKED);
    const attrs = async (h: number) => (await readPublic(client, h)).nvPublic.nvPublic.attributes;
    expect(await attrs(S)).toBe((OWNER_RW | A.WRITE_STCLEAR | A.READ_STCLEAR | A.WRITTEN | A.WRITELOCKED | A.READLOCKED) >>> 0);

    // TPM Resume keeps every lock.
    await client.shutdown('state');
    tpm.reset();
    await client.startup('state');
    for (const h of [D, S, G]) expect(await rcOf(write(client, text('w'), 0, TPM_RH.OWNER, '', h))).toBe(TPM_RC.NV_LOCKED);
    expect(await rcOf(read(client, 1, 0, TPM_RH.OWNER, '', S))).toBe(TPM_RC.NV_LOCKED);
    expect(await read(client, 1, 0, TPM_RH.OWNER, '', X)).toEqual(text('v'));

    // TPM Reset: only the written WRITEDEFINE lock stays; CLEAR_STCLEAR data is gone.
    await client.shutdown('clear');
    tpm.reset();
    await client.startup('clear');
    expect(await rcOf(write(client, text('w'), 0, TPM_RH.OWNER, '', D))).toBe(TPM_RC.NV_LOCKED);
    for (const h of [S, G]) await write(client, text('w'), 0, TPM_RH.OWNER, '', h);
    expect(await read(client, 1, 0, TPM_RH.OWNER, '', S)).toEqual(text('w'));
    expect(await rcOf(read(client, 1, 0, TPM_RH.OWNER, '', X))).toBe(TPM_RC.NV_UNINITIALIZED);

    // TPM Restart clears STCLEAR locks too.
    await lock(S);
    await client.shutdown('state');
    tpm.reset();
    await client.startup('clear');
    await write(client, text('r'), 0, TPM_RH.OWNER, '', S);
  });

  it('counters never go backwards: orderly and disorderly shutdowns, ORDERLY counters', async () => {
    const { client, tpm } = await startedTpm({ profile });
    const C = INDEX; // NV-backed counter
    const O = INDEX + 1; // ORDERLY counter
    await define(client, pub({ nvIndex: C, attributes: OWNER_RW | nt(TPM_NT.COUNTER), dataSize: 8 }));
    await define(client, pub({ nvIndex: O, attributes: OWNER_RW | nt(TPM_NT.COUNTER) | A.ORDERLY, dataSize: 8 }));
    for (let i = 0; i < 5; i++) {
      await increment(client, C);
      await increment(client, O);
    }
    expect(await counter(client, O)).toBe(5n);
    // Orderly: both exact.
    await client.shutdown('clear');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup('clear');
    expect(await counter(client, C)).toBe(5n);
    expect(await counter(client, O)).toBe(5n);
    for (let i = 0; i < 3; i++) await increment(client, O);
    expect(await counter(client, O)).toBe(8n);
    // Disorderly: the NV counter is exact; the ORDERLY one resumes at its NV value with the
    // low MAX_ORDERLY_COUNT bits set, above anything it reported.
    tpm.powerOff();
    tpm.powerOn();
    await client.startup('clear');
    expect(await counter(client, C)).toBe(5n);
    const mask = BigInt(tpm.profile.limits.MAX_ORDERLY_COUNT);
    expect(await counter(client, O)).toBe(5n | mask);
    await increment(client, O);
    expect(await counter(client, O)).toBe((5n | mask) + 1n);
    // Rolling over the low bits writes the orderly counter to NV: a crash after it loses nothing.
    tpm.powerOff();
    tpm.powerOn();
    await client.startup('clear');
    expect(await counter(client, O)).toBe((5n | mask) + 1n + mask);
    // After a Shutdown, an ORDERLY write voids the orderly state: a crash then still jumps ahead.
    await client.shutdown('clear');
    const saved = await counter(client, O);
    await increment(client, O);
    expect(await counter(client, O)).toBe(saved + 1n);
    tpm.powerOff();
    tpm.powerOn();
    await client.startup('clear');
    // (saved + 1 rolled the low bits over here, so NV holds saved + 1.)
    expect(await counter(client, O)).toBe((saved + 1n) | mask);
    expect((saved + 1n) | mask).toBeGreaterThan(saved + 1n);
  });

  it('an ORDERLY counter written after Shutdown, then a power loss: resumes above what it reported', async () => {
    const { client, tpm } = await startedTpm({ profile });
    await define(client, pub({ attributes: OWNER_RW | nt(TPM_NT.COUNTER) | A.ORDERLY, dataSize: 8 }));
    for (let i = 0; i < 3; i++) await increment(client);
    await client.shutdown('clear');
    await increment(client);
    expect(await counter(client)).toBe(4n);
    tpm.powerOff();
    tpm.powerOn();
    await client.startup('clear');
    expect(await counter(client)).toBe(3n | BigInt(tpm.profile.limits.MAX_ORDERLY_COUNT));
  });

  it('a policy session may write a POLICYWRITE index whose authPolicy it matches', async () => {
    const { client } = await startedTpm({ profile });
    // A fresh policy session's policyDigest is all zeros: an authPolicy of zeros matches it.
    await define(client, pub({ attributes: A.OWNERREAD | A.POLICYWRITE, authPolicy: new Uint8Array(32) }));
    const name = (await readPublic(client)).nvName;
    const ps = await client.startAuthSession({ hash: nameAlg, type: 'policy' });
    await client.run('NV_Write', { authHandle: INDEX, nvIndex: INDEX, data: text('by policy'), offset: 0 }, { auth: { authHandle: { session: ps } }, names: { authHandle: name, nvIndex: name } });
    expect(await read(client, 9)).toEqual(text('by policy'));
    // A password is not accepted for a policy-only write.
    expect(await rcOf(write(client, text('x'), 0, INDEX, 'index-pw'))).toBe(TPM_RC.AUTH_UNAVAILABLE);
  });

  it('platform authorization follows PPWRITE / PPREAD', async () => {
    const { client } = await startedTpm({ profile });
    await define(client, pub({ attributes: A.PPWRITE | A.OWNERREAD | A.PLATFORMCREATE }), '', TPM_RH.PLATFORM);
    expect(await rcOf(write(client, text('o')))).toBe(TPM_RC.NV_AUTHORIZATION);
    await write(client, text('p'), 0, TPM_RH.PLATFORM);
    expect(await rcOf(read(client, 1, 0, TPM_RH.PLATFORM))).toBe(TPM_RC.NV_AUTHORIZATION);
    expect(await read(client, 1)).toEqual(text('p'));
  });

  it('PIN fail index: a successful use resets pinCount', async () => {
    const { client } = await startedTpm({ profile });
    await define(client, pub({ attributes: OWNER_RW | A.NO_DA | nt(TPM_NT.PIN_FAIL), dataSize: 8 }), 'pin');
    await write(client, u64((2n << 32n) | 5n));
    expect(asU64(await read(client, 8, 0, INDEX, 'pin'))).toBe(5n);
  });

  it('an ORDERLY ordinary index is unwritten after TPM Reset, kept over Resume', async () => {
    const { client, tpm } = await startedTpm({ profile });
    await define(client, pub({ attributes: OWNER_RW | A.ORDERLY }));
    await write(client, text('ram'));
    await client.shutdown('state');
    tpm.reset();
    await client.startup('state');
    expect(await read(client, 3)).toEqual(text('ram'));
    await client.shutdown('clear');
    tpm.reset();
    await client.startup('clear');
    expect(await rcOf(read(client, 3))).toBe(TPM_RC.NV_UNINITIALIZED);
  });

  it('DA-protected indices answer TPM_RC_AUTH_FAIL, NO_DA ones TPM_RC_BAD_AUTH', async () => {
    const { client } = await startedTpm({ profile });
    await define(client, pub());
    await define(client, pub({ nvIndex: INDEX + 1, attributes: OWNER_RW | AUTH_RW | A.NO_DA }));
    await write(client, text('a'));
    await write(client, text('a'), 0, TPM_RH.OWNER, '', INDEX + 1);
    expect(await rcOf(read(client, 1, 0, INDEX, 'wrong'))).toBe(TPM_RC.AUTH_FAIL | S1);
    expect(await rcOf(read(client, 1, 0, INDEX + 1, 'wrong', INDEX + 1))).toBe(TPM_RC.BAD_AUTH | S1);
  });

  it('NV_ChangeAuth and NV_UndefineSpaceSpecial need a policy (ADMIN role); UndefineSpace rules', async () => {
    const { client } = await startedTpm({ profile });
    await define(client, pub());
    expect(await rcOf(client.run('NV_ChangeAuth', { nvIndex: INDEX, newAuth: text('new') }, { auth: { nvIndex: 'index-pw' } }))).toBe(TPM_RC.AUTH_TYPE);
    // Without an authPolicy a policy session is unavailable.
    const name = (await readPublic(client)).nvName;
    const ps = await client.startAuthSession({ hash: nameAlg, type: 'policy' });
    expect(await rcOf(client.run('NV_ChangeAuth', { nvIndex: INDEX, newAuth: text('new') }, { auth: { nvIndex: { session: ps } }, names: { nvIndex: name } }))).toBe(
      TPM_RC.AUTH_UNAVAILABLE,
    );
    // Platform-created, POLICY_DELETE.
    const P1 = pub({ nvIndex: INDEX + 1, attributes: OWNER_RW | A.PLATFORMCREATE });
    const PD = pub({ nvIndex: INDEX + 2, attributes: OWNER_RW | A.PLATFORMCREATE | A.POLICY_DELETE, authPolicy: new Uint8Array(32).fill(3) });
    await define(client, P1, '', TPM_RH.PLATFORM);
    await define(client, PD, '', TPM_RH.PLATFORM);
    expect(await rcOf(client.run('NV_UndefineSpace', { authHandle: TPM_RH.OWNER, nvIndex: INDEX + 1 }))).toBe(TPM_RC.NV_AUTHORIZATION);
    expect(await rcOf(client.run('NV_UndefineSpace', { authHandle: TPM_RH.PLATFORM, nvIndex: INDEX + 2 }))).toBe(TPM_RC.ATTRIBUTES | H(2));
    expect(await rcOf(client.run('NV_UndefineSpaceSpecial', { nvIndex: INDEX + 2, platform: TPM_RH.PLATFORM }))).toBe(TPM_RC.AUTH_TYPE);
    await client.run('NV_UndefineSpace', { authHandle: TPM_RH.PLATFORM, nvIndex: INDEX + 1 });
    await client.run('NV_UndefineSpace', { authHandle: TPM_RH.OWNER, nvIndex: INDEX });
    expect(await rcOf(readPublic(client, INDEX))).toBe(TPM_RC.HANDLE | H(1));
  });

  it('PIN pass index: its authValue reads while pinCount < pinLimit, each use counted', async () => {
    const { client } = await startedTpm({ profile });
    await define(client, pub({ attributes: OWNER_RW | A.AUTHREAD | nt(TPM_NT.PIN_PASS), dataSize: 8 }), 'pin');
    // Unwritten: the authValue is not available.
    expect(await rcOf(read(client, 8, 0, INDEX, 'pin'))).toBe(TPM_RC.AUTH_UNAVAILABLE);
    await write(client, u64((0n << 32n) | 2n));
    expect(asU64(await read(client, 8, 0, INDEX, 'pin'))).toBe((1n << 32n) | 2n);
    expect(asU64(await read(client, 8, 0, INDEX, 'pin'))).toBe((2n << 32n) | 2n);
    expect(await rcOf(read(client, 8, 0, INDEX, 'pin'))).toBe(TPM_RC.AUTH_UNAVAILABLE);
  });

  it.skipIf(!HAVE_HIERARCHY_CONTROL)('indices of a disabled hierarchy are hidden; phEnableNV CLEAR refuses platform definitions', async () => {
    const { client, tpm } = await startedTpm({ profile });
    const PI = INDEX + 1;
    await define(client, pub({ nvIndex: PI, attributes: OWNER_RW | A.PLATFORMCREATE }), '', TPM_RH.PLATFORM);
    await define(client, pub());
    const control = (authHandle: number, enable: number, state: number) => client.run('HierarchyControl', { authHandle, enable, state } as never);
    await control(TPM_RH.PLATFORM, TPM_RH.PLATFORM_NV, 0);
    expect(await rcOf(readPublic(client, PI))).toBe(TPM_RC.HANDLE | H(1));
    await readPublic(client);
    expect(await rcOf(define(client, pub({ nvIndex: PI + 5, attributes: OWNER_RW | A.PLATFORMCREATE }), '', TPM_RH.PLATFORM))).toBe(TPM_RC.HIERARCHY | H(1));
    await control(TPM_RH.PLATFORM, TPM_RH.OWNER, 0);
    expect(await rcOf(readPublic(client))).toBe(TPM_RC.HANDLE | H(1));
    // Startup(CLEAR) sets the enables again.
    await client.shutdown('clear');
    tpm.reset();
    await client.startup('clear');
    await readPublic(client);
    await readPublic(client, PI);
  });

  // Needs the dispatcher to refuse undefined indices with the other handles, call entities.ts
  // authUnavailable() before comparing an authValue, and nv.ts nvPinAuthorizationFailed() on a
  // failure (the NV helper's dispatcher patch): enable then.
  it('the dispatcher refuses an unavailable authValue before comparing it; PIN fail counts failures', async () => {
    const { client } = await startedTpm({ profile });
    await define(client, pub({ attributes: OWNER_RW | A.AUTHREAD }));
    await write(client, text('a'));
    // AUTHWRITE is CLEAR: even a wrong password is TPM_RC_AUTH_UNAVAILABLE (no DA failure, no oracle).
    expect(await rcOf(write(client, text('b'), 0, INDEX, 'wrong'))).toBe(TPM_RC.AUTH_UNAVAILABLE);
    expect(await rcOf(client.run('NV_ChangeAuth', { nvIndex: INDEX, newAuth: text('n') }, { auth: { nvIndex: 'wrong' } }))).toBe(TPM_RC.AUTH_TYPE);
    // An undefined index is refused before any authorization (TPM_RC_HANDLE on its handle).
    expect(await rcOf(write(client, text('a'), 0, TPM_RH.OWNER, 'wrong-owner', INDEX + 7))).toBe(TPM_RC.HANDLE | H(2));
    // PIN fail: each failure counts; at pinLimit the authValue is unavailable; success starts over.
    const F = INDEX + 1;
    await define(client, pub({ nvIndex: F, attributes: OWNER_RW | A.NO_DA | nt(TPM_NT.PIN_FAIL), dataSize: 8 }), 'pin');
    await write(client, u64(2n), 0, TPM_RH.OWNER, '', F);
    expect(await rcOf(read(client, 8, 0, F, 'guess', F))).toBe(TPM_RC.BAD_AUTH | S1);
    expect(asU64(await read(client, 8, 0, TPM_RH.OWNER, '', F))).toBe((1n << 32n) | 2n);
    expect(asU64(await read(client, 8, 0, F, 'pin', F))).toBe(2n);
    expect(await rcOf(read(client, 8, 0, F, 'guess', F))).toBe(TPM_RC.BAD_AUTH | S1);
    expect(await rcOf(read(client, 8, 0, F, 'guess', F))).toBe(TPM_RC.BAD_AUTH | S1);
    expect(await rcOf(read(client, 8, 0, F, 'pin', F))).toBe(TPM_RC.AUTH_UNAVAILABLE);
  });

  it('NV survives restarts with storage', async () => {
    const storage = memoryStorage();
    const first = testTpm({ profile, storage });
    await first.client.startup();
    await define(first.client, pub());
    await write(first.client, text('persist'));
    await define(first.client, pub({ nvIndex: INDEX + 1, attributes: OWNER_RW | nt(TPM_NT.COUNTER) | A.ORDERLY, dataSize: 8 }));
    await increment(first.client, INDEX + 1);
    await increment(first.client, INDEX + 1);
    await first.client.shutdown('clear');
    const second = createTpm({ profile, storage, seed: 'another', clock: { now: () => 5 } });
    const client = createClient(inProcess(second));
    await client.startup();
    expect(await read(client, 7)).toEqual(text('persist'));
    expect(await counter(client, INDEX + 1)).toBe(2n);
    // Killed without a Shutdown: the ORDERLY counter's RAM value is lost, the restarted TPM
    // resumes above it.
    for (let i = 0; i < 3; i++) await increment(client, INDEX + 1);
    expect(await counter(client, INDEX + 1)).toBe(5n);
    const third = createClient(inProcess(createTpm({ profile, storage, seed: 'third', clock: { now: () => 9 } })));
    await third.startup();
    expect(await counter(third, INDEX + 1)).toBe(2n | BigInt(second.profile.limits.MAX_ORDERLY_COUNT));
    expect(await read(third, 7)).toEqual(text('persist'));
  });

  it('GetCapability lists NV handles and counts', async () => {
    const { client } = await startedTpm({ profile });
    await define(client, pub({ nvIndex: INDEX + 1 }));
    await define(client, pub({ nvIndex: INDEX, attributes: OWNER_RW | nt(TPM_NT.COUNTER), dataSize: 8 }));
    const h = await client.run('GetCapability', { capability: TPM_CAP.HANDLES, property: 0x01000000, propertyCount: 10 });
    expect(h.capabilityData).toEqual({ capability: TPM_CAP.HANDLES, data: { handle: [INDEX, INDEX + 1] } });
    const props = await client.run('GetCapability', { capability: TPM_CAP.TPM_PROPERTIES, property: TPM_PT.HR_NV_INDEX, propertyCount: 1 });
    expect(props.capabilityData.data).toEqual({ tpmProperty: [{ property: TPM_PT.HR_NV_INDEX, value: 2 }] });
    const c = await client.run('GetCapability', { capability: TPM_CAP.TPM_PROPERTIES, property: TPM_PT.NV_COUNTERS, propertyCount: 1 });
    expect(c.capabilityData.data).toEqual({ tpmProperty: [{ property: TPM_PT.NV_COUNTERS, value: 1 }] });
  });
});
