/**
 * State migration (src/tpm/migration.ts): a TPM sealed under a host key on one "host" and
 * restored on another (a new createTpm on its own clock) keeps its EK, NV, counters and
 * persistent keys; Clock and Time continue. Tampered, wrongly keyed, replayed, misdirected and
 * truncated blobs are refused with the matching reason. hostKeyFromTpm keeps the host key
 * sealed in a host vTPM.
 */
import { describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import { hostKeyFromTpm } from '../../src/client/host-key.js';
import { EK_BY_ALG } from '../../src/client/manufacture.js';
import { eccKeyTemplate, ekTemplate, srkTemplate } from '../../src/client/templates.js';
import { inProcess } from '../../src/client/transport.js';
import { utf8 } from '../../src/crypto/bytes.js';
import { createDrbg } from '../../src/crypto/drbg.js';
import { SHA256, SM3_256 } from '../../src/crypto/hash.js';
import { TPM_ALG, TPM_CAP, TPM_NT, TPM_RC, TPM_RH, TPM_ST, TPMA_NV as A } from '../../src/gen/constants.js';
import type { TPMT_PUBLIC } from '../../src/gen/types.js';
import { verifySignature } from '../../src/protocol/signature.js';
import { createTpm, memoryStorage, type Tpm } from '../../src/tpm/engine.js';
import {
  exportState,
  importState,
  instanceIdOf,
  memoryReplayGuard,
  MigrationError,
  readStateHeader,
  restoreTpm,
  type MigrationErrorReason,
} from '../../src/tpm/migration.js';
import { rcOf, testTpm, toHex } from '../helpers/tpm.js';

const EMPTY = new Uint8Array(0);
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };
const HOST_KEY = SHA256.digest(utf8('host A root of trust'));
const OTHER_KEY = SHA256.digest(utf8('host B root of trust'));
const EK = 0x81010001;
const SIGNER = 0x81000010;
const NV_DATA = 0x01500020;
const NV_COUNTER = 0x01500021;
const rng = (label: string) => createDrbg(utf8(label));

function reasonOf(f: () => unknown): MigrationErrorReason | 'none' {
  try {
    f();
  } catch (e) {
    if (e instanceof MigrationError) return e.reason;
    throw e;
  }
  return 'none';
}

const clientOf = (tpm: Tpm) => createClient(inProcess(tpm));

interface Source {
  tpm: Tpm;
  client: Client;
  tick(ms: number): void;
  ekPublic: TPMT_PUBLIC;
  signerPublic: TPMT_PUBLIC;
  data: Uint8Array;
}

const PROFILES = [
  { profile: 'tpm2', nameAlg: TPM_ALG.SHA256, hash: SHA256, ek: EK_BY_ALG['ecc-p256'], srk: 'ecc-p256', curve: undefined, suite: 'aes256-sha256' },
  { profile: 'tcm2', nameAlg: TPM_ALG.SM3_256, hash: SM3_256, ek: EK_BY_ALG['sm2-p256'], srk: 'sm2-p256', curve: 0x0020, suite: 'sm4-sm3' },
] as const;

describe.each(PROFILES)('migration ($profile)', (p) => {
  /** A started TPM with a persistent EK, a persistent signing key, an NV index with data and a counter incremented 3 times. */
  async function source(seed = `migration source ${p.profile}`): Promise<Source> {
    const t = testTpm({ profile: p.profile, seed });
    const client = t.client;
    await client.startup();
    const ek = await client.run('CreatePrimary', { primaryHandle: TPM_RH.ENDORSEMENT, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: ekTemplate(p.ek) }, ...noCreation });
    await client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: ek.objectHandle, persistentHandle: EK });
    await client.flush(ek.objectHandle);

    const srk = await client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: srkTemplate({ alg: p.srk }) }, ...noCreation });
    const template = eccKeyTemplate({ curve: p.curve, noDA: true });
    const c = await client.run('Create', { parentHandle: srk.objectHandle, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: template }, ...noCreation });
    const key = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    await client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: key.objectHandle, persistentHandle: SIGNER });
    await client.flush(key.objectHandle);
    await client.flush(srk.objectHandle);

    const rw = A.OWNERWRITE | A.OWNERREAD;
    await client.run('NV_DefineSpace', { authHandle: TPM_RH.OWNER, auth: EMPTY, publicInfo: { nvPublic: { nvIndex: NV_DATA, nameAlg: p.nameAlg, attributes: rw, authPolicy: EMPTY, dataSize: 16 } } });
    const data = utf8('baseline 0123456');
    await client.run('NV_Write', { authHandle: TPM_RH.OWNER, nvIndex: NV_DATA, data, offset: 0 });
    const counterAttributes = rw | (TPM_NT.COUNTER << A.TPM_NT_SHIFT);
    await client.run('NV_DefineSpace', { authHandle: TPM_RH.OWNER, auth: EMPTY, publicInfo: { nvPublic: { nvIndex: NV_COUNTER, nameAlg: p.nameAlg, attributes: counterAttributes, authPolicy: EMPTY, dataSize: 8 } } });
    for (let i = 0; i < 3; i++) {
      await client.run('NV_Increment', { authHandle: TPM_RH.OWNER, nvIndex: NV_COUNTER });
      t.tick(1500);
    }
    const ekPublic = (await client.run('ReadPublic', { objectHandle: EK })).outPublic.publicArea;
    const signerPublic = (await client.run('ReadPublic', { objectHandle: SIGNER })).outPublic.publicArea;
    return { ...t, client, ekPublic, signerPublic, data };
  }

  const counter = async (client: Client) => new DataView((await client.run('NV_Read', { authHandle: TPM_RH.OWNER, nvIndex: NV_COUNTER, size: 8, offset: 0 })).data.buffer).getBigUint64(0);

  it('moves EK, NV data, counter and persistent key to a second host; Clock, Time and resetCount continue', async () => {
    const a = await source();
    const before = await a.client.run('ReadClock', {});
    const blob = exportState(a.tpm, { hostKey: HOST_KEY, instanceId: 'vm-1', generation: 1, rng: rng('nonce') });
    expect(readStateHeader(blob)).toMatchObject({ profile: p.profile, instanceId: 'vm-1', generation: 1, suite: p.suite, clock: Number(before.currentTime.clockInfo.clock), time: Number(before.currentTime.time) });
    // The snapshot travels encrypted: no snapshot magic, no NV data in the clear.
    expect(Buffer.from(blob).includes(Buffer.from('VTPMSNAP'))).toBe(false);
    expect(Buffer.from(blob).includes(Buffer.from(a.data))).toBe(false);

    // The second host's clock port reads much less (a younger process).
    let nowB = 5;
    const b = restoreTpm(blob, { hostKey: HOST_KEY, expectInstanceId: 'vm-1', replayGuard: memoryReplayGuard(), clock: { now: () => nowB }, rng: rng('reseed') });
    expect(b.profile.name).toBe(p.profile);
    const cb = clientOf(b);
    expect(await rcOf(cb.startup())).toBe(TPM_RC.INITIALIZE); // already started, as it was on host A

    const after = await cb.run('ReadClock', {});
    expect(after.currentTime.clockInfo.clock).toBe(before.currentTime.clockInfo.clock);
    expect(after.currentTime.time).toBe(before.currentTime.time);
    expect(after.currentTime.clockInfo.resetCount).toBe(before.currentTime.clockInfo.resetCount);
    expect(after.currentTime.clockInfo.restartCount).toBe(before.currentTime.clockInfo.restartCount);
    nowB += 250;
    const later = await cb.run('ReadClock', {});
    expect(later.currentTime.clockInfo.clock).toBe(before.currentTime.clockInfo.clock + 250n);

    expect(toHex((await cb.run('ReadPublic', { objectHandle: EK })).outPublic.bytes!)).toBe(toHex((await a.client.run('ReadPublic', { objectHandle: EK })).outPublic.bytes!));
    expect((await cb.run('NV_Read', { authHandle: TPM_RH.OWNER, nvIndex: NV_DATA, size: 16, offset: 0 })).data).toEqual(a.data);
    expect(await counter(cb)).toBe(await counter(a.client));
    await cb.run('NV_Increment', { authHandle: TPM_RH.OWNER, nvIndex: NV_COUNTER });
    expect(await counter(cb)).toBe((await counter(a.client)) + 1n);

    const digest = p.hash.digest(utf8('signed after migration'));
    const sig = await cb.run('Sign', { keyHandle: SIGNER, digest, inScheme: { scheme: TPM_ALG.NULL, details: null }, validation: { tag: TPM_ST.HASHCHECK, hierarchy: TPM_RH.NULL, digest: EMPTY } });
    expect(verifySignature(a.signerPublic, digest, sig.signature)).toBe(true);

    // A shutdown and restart on host B keeps everything (resetCount grows as after any Reset).
    await cb.shutdown();
    b.powerOff();
    b.powerOn();
    await cb.startup();
    expect((await cb.run('ReadClock', {})).currentTime.clockInfo.resetCount).toBe(before.currentTime.clockInfo.resetCount + 1);
    expect(toHex((await cb.run('ReadPublic', { objectHandle: EK })).name)).toBe(toHex((await a.client.run('ReadPublic', { objectHandle: EK })).name));
  });

  it('defaults: instance id from the EPS (the same after migration), generation = Clock, suite by profile; the DRBG is reseeded unless asked not to', async () => {
    const a = await source();
    const blob = exportState(a.tpm, { hostKey: HOST_KEY });
    const h = readStateHeader(blob);
    expect(h.instanceId).toBe(instanceIdOf(a.tpm));
    expect(h.instanceId).toMatch(/^eps-[0-9a-f]{32}$/);
    expect(h.generation).toBe(Number((await a.client.run('ReadClock', {})).currentTime.clockInfo.clock));
    expect(h.suite).toBe(p.suite);

    const imported = importState(blob, { hostKey: HOST_KEY });
    expect(imported.instanceId).toBe(h.instanceId);
    const b = createTpm({ profile: p.profile, snapshot: imported.snapshot, clock: { now: () => 0 } });
    expect(instanceIdOf(b)).toBe(h.instanceId);

    // Reseeded: host A and host B no longer draw the same numbers; without the reseed they do.
    const same = restoreTpm(blob, { hostKey: HOST_KEY, reseed: false });
    const ra = await a.client.run('GetRandom', { bytesRequested: 16 });
    expect((await clientOf(same).run('GetRandom', { bytesRequested: 16 })).randomBytes).toEqual(ra.randomBytes);
    expect((await clientOf(b).run('GetRandom', { bytesRequested: 16 })).randomBytes).not.toEqual(ra.randomBytes);

    // The other suite imports too (the suite is in the authenticated header).
    const other = exportState(a.tpm, { hostKey: HOST_KEY, suite: p.suite === 'sm4-sm3' ? 'aes256-sha256' : 'sm4-sm3' });
    expect(importState(other, { hostKey: HOST_KEY }).profile).toBe(p.profile);
  });

  it('a flipped octet is refused: in the prologue as format/version, anywhere after it as integrity; a wrong host key is integrity', async () => {
    const a = await source();
    const blob = exportState(a.tpm, { hostKey: HOST_KEY, instanceId: 'vm-1', generation: 7, rng: rng('nonce') });
    const positions = new Set<number>();
    for (let i = 0; i < 160; i++) positions.add(i);
    for (let i = 160; i < blob.length; i += Math.max(1, Math.floor(blob.length / 300))) positions.add(i);
    for (let i = blob.length - 40; i < blob.length; i++) positions.add(i);
    for (const at of positions) {
      const bad = blob.slice();
      bad[at] ^= 0x01;
      const reason = reasonOf(() => importState(bad, { hostKey: HOST_KEY }));
      const expected = at < 8 ? 'format' : at < 10 ? 'version' : at < 16 ? 'format' : 'integrity';
      expect([at, reason]).toEqual([at, expected]);
    }
    expect(reasonOf(() => importState(blob, { hostKey: OTHER_KEY }))).toBe('integrity');
    expect(() => importState(blob, { hostKey: OTHER_KEY })).toThrow(/changed, or sealed under another host key/);
    expect(reasonOf(() => restoreTpm(blob, { hostKey: OTHER_KEY }))).toBe('integrity');
    expect(reasonOf(() => importState(blob, { hostKey: HOST_KEY }))).toBe('none');
  });

  it('replay: a generation not newer than the last accepted one is refused; so are other instances, profiles and truncated blobs', async () => {
    const a = await source();
    const old = exportState(a.tpm, { hostKey: HOST_KEY, instanceId: 'vm-1', generation: 5 });
    const newer = exportState(a.tpm, { hostKey: HOST_KEY, instanceId: 'vm-1', generation: 9 });
    const guard = memoryReplayGuard();
    expect(importState(newer, { hostKey: HOST_KEY, replayGuard: guard }).generation).toBe(9);
    expect(guard.lastGeneration('vm-1')).toBe(9);
    expect(reasonOf(() => importState(old, { hostKey: HOST_KEY, replayGuard: guard }))).toBe('replay');
    expect(() => importState(old, { hostKey: HOST_KEY, replayGuard: guard })).toThrow(/generation 5, not newer than the last accepted 9/);
    expect(reasonOf(() => importState(newer, { hostKey: HOST_KEY, replayGuard: guard }))).toBe('replay');
    expect(reasonOf(() => restoreTpm(newer, { hostKey: HOST_KEY, replayGuard: guard }))).toBe('replay');
    expect(reasonOf(() => importState(old, { hostKey: HOST_KEY, minGeneration: 6 }))).toBe('replay');
    // A failed import records nothing; another instance has its own history.
    const other = exportState(a.tpm, { hostKey: HOST_KEY, instanceId: 'vm-2', generation: 1 });
    expect(reasonOf(() => importState(other, { hostKey: OTHER_KEY, replayGuard: guard }))).toBe('integrity');
    expect(guard.lastGeneration('vm-2')).toBeUndefined();
    expect(reasonOf(() => importState(other, { hostKey: HOST_KEY, replayGuard: guard }))).toBe('none');

    expect(reasonOf(() => importState(newer, { hostKey: HOST_KEY, expectInstanceId: 'vm-2' }))).toBe('instance');
    const wrongProfile = p.profile === 'tpm2' ? 'tcm2' : 'tpm2';
    expect(reasonOf(() => importState(newer, { hostKey: HOST_KEY, expectProfile: wrongProfile }))).toBe('profile');
    expect(reasonOf(() => restoreTpm(newer, { hostKey: HOST_KEY, profile: wrongProfile }))).toBe('profile');
    for (const cut of [newer.length - 1, newer.length - 33, 60, 12, 5, 0]) {
      expect(reasonOf(() => importState(newer.subarray(0, cut), { hostKey: HOST_KEY }))).toBe('format');
    }
    expect(reasonOf(() => importState(new Uint8Array([...newer, 0]), { hostKey: HOST_KEY }))).toBe('format');
    expect(reasonOf(() => importState(a.tpm.snapshot(), { hostKey: HOST_KEY }))).toBe('format');
  });
});

describe('hostKeyFromTpm', () => {
  it.each(['tpm2', 'tcm2'] as const)('%s: created once, the same on later calls and after a power cycle; another host vTPM has another key', async (profile) => {
    const storage = memoryStorage();
    const host1 = createTpm({ profile, seed: `host 1 ${profile}`, storage });
    const c1 = clientOf(host1);
    await c1.startup();
    const k1 = await hostKeyFromTpm(c1);
    expect(k1.length).toBe(32);
    expect(await hostKeyFromTpm(c1)).toEqual(k1);
    expect((await c1.run('GetCapability', { capability: TPM_CAP.HANDLES, property: 0x80000000, propertyCount: 8 })).capabilityData.data).toEqual({ handle: [] }); // no transient objects left

    await c1.shutdown();
    host1.powerOff();
    const again = createTpm({ profile, storage });
    const ca = clientOf(again);
    await ca.startup();
    expect(await hostKeyFromTpm(ca)).toEqual(k1);

    const host2 = createTpm({ profile, seed: `host 2 ${profile}` });
    const c2 = clientOf(host2);
    await c2.startup();
    const k2 = await hostKeyFromTpm(c2);
    expect(toHex(k2)).not.toBe(toHex(k1));

    const guest = testTpm({ profile, seed: 'guest' });
    await guest.client.startup();
    const blob = exportState(guest.tpm, { hostKey: k1, instanceId: 'guest', generation: 1 });
    expect(reasonOf(() => importState(blob, { hostKey: k2 }))).toBe('integrity');
    expect(importState(blob, { hostKey: await hostKeyFromTpm(ca) }).instanceId).toBe('guest');
  });

  it('bound to PCRs: unseals while they hold the values of creation, not after an extend', async () => {
    const { client } = testTpm({ seed: 'host pcr' });
    await client.startup();
    const k = await hostKeyFromTpm(client, { handle: 0x81000101, pcrs: [16, 23] });
    expect(await hostKeyFromTpm(client, { handle: 0x81000101, pcrs: [16, 23] })).toEqual(k);
    const pub = (await client.run('ReadPublic', { objectHandle: 0x81000101 })).outPublic.publicArea;
    expect(pub.authPolicy.length).toBe(32);
    await client.run('PCR_Extend', { pcrHandle: 23, digests: { digests: [{ hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32).fill(1) }] } });
    await expect(hostKeyFromTpm(client, { handle: 0x81000101, pcrs: [16, 23] })).rejects.toThrow(/POLICY_FAIL|PCR_CHANGED|VALUE/);
    // Another handle is another key.
    expect(toHex(await hostKeyFromTpm(client, { handle: 0x81000102 }))).not.toBe(toHex(k));
  });
});
