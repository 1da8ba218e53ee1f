/**
 * Part 3 "Hierarchy Commands": HierarchyControl, HierarchyChangeAuth, SetPrimaryPolicy,
 * ChangePPS, ChangeEPS, Clear, ClearControl through the typed client on seeded TPMs of both
 * profiles, with the response codes and handle/parameter numbers of the TCG reference.
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { LOGIC_VALUES, TPM_ALG, TPM_CAP, TPM_PT, TPM_RC, TPM_RH, TPMA_NV as A, TPMA_PERMANENT, TPMA_STARTUP_CLEAR } from '../../src/gen/constants.js';
import type { TPML_TAGGED_POLICY, TPML_TAGGED_TPM_PROPERTY, TPMS_NV_PUBLIC } from '../../src/gen/types.js';
import { memoryStorage, type Tpm } from '../../src/tpm/engine.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/tpm/state/snapshot.js';
import type { TpmState } from '../../src/tpm/state/types.js';
import { rcOf, startedTpm, testTpm, toHex } from '../helpers/tpm.js';

const H1 = TPM_RC.H | 0x100;
const P1 = TPM_RC.P | 0x100;
const S1 = TPM_RC.S | 0x100;
const text = (s: string) => new TextEncoder().encode(s);
const { YES, NO } = LOGIC_VALUES;

/** Seeds and proofs as hex, from a snapshot of the whole state. */
function secrets(tpm: Tpm) {
  const st = decodeSnapshot<{ state: TpmState }>(tpm.snapshot()).state;
  const p = st.persistent;
  return {
    eps: toHex(p.seeds.endorsement),
    sps: toHex(p.seeds.owner),
    pps: toHex(p.seeds.platform),
    ehProof: toHex(p.hierarchyProof.endorsement),
    shProof: toHex(p.hierarchyProof.owner),
    phProof: toHex(p.hierarchyProof.platform),
    nullSeed: toHex(st.stateReset.nullSeed),
    nullProof: toHex(st.stateReset.nullProof),
    pcrPolicies: p.pcrPolicies.map((x) => x.hashAlg),
  };
}

async function property(client: Client, pt: number): Promise<number> {
  const r = await client.run('GetCapability', { capability: TPM_CAP.TPM_PROPERTIES, property: pt, propertyCount: 1 });
  return (r.capabilityData.data as TPML_TAGGED_TPM_PROPERTY).tpmProperty[0].value;
}
async function policies(client: Client): Promise<Map<number, number>> {
  const r = await client.run('GetCapability', { capability: TPM_CAP.AUTH_POLICIES, property: TPM_RH.FIRST, propertyCount: 8 });
  return new Map((r.capabilityData.data as TPML_TAGGED_POLICY).policies.map((p) => [p.handle, p.policyHash.hashAlg]));
}
const changeAuth = (client: Client, authHandle: number, newAuth: string | Uint8Array, pw = '') =>
  client.run('HierarchyChangeAuth', { authHandle, newAuth: typeof newAuth === 'string' ? text(newAuth) : newAuth }, { auth: { authHandle: pw } });
const control = (client: Client, authHandle: number, enable: number, state: number, pw = '') =>
  client.run('HierarchyControl', { authHandle, enable, state }, { auth: { authHandle: pw } });
/** ClockSet to the current Clock: a command any provisioning hierarchy may authorize. */
const touch = async (client: Client, auth: number, pw: string | { session: never; authValue?: string } = '') => {
  const clock = (await client.run('ReadClock', {})).currentTime.clockInfo.clock;
  return client.run('ClockSet', { auth, newTime: clock + 1000n }, { auth: { auth: pw } });
};

describe.each([
  ['tpm2', TPM_ALG.SHA256],
  ['tcm2', TPM_ALG.SM3_256],
])('hierarchy commands, profile %s', (profile, hashAlg) => {
  it('HierarchyChangeAuth: the new ownerAuth works for passwords and HMAC sessions; the old one fails with TPM_RC_BAD_AUTH', async () => {
    const { client } = await startedTpm({ profile });
    await changeAuth(client, TPM_RH.OWNER, 'owner-pw');
    expect(await property(client, TPM_PT.PERMANENT) & TPMA_PERMANENT.ownerAuthSet).toBeTruthy();
    await touch(client, TPM_RH.OWNER, 'owner-pw');
    // Hierarchies are not DA-protected: a wrong password is TPM_RC_BAD_AUTH on session 1.
    expect(await rcOf(touch(client, TPM_RH.OWNER, ''))).toBe(TPM_RC.BAD_AUTH | S1);
    const s = await client.startAuthSession({ hash: hashAlg });
    await touch(client, TPM_RH.OWNER, { session: s as never, authValue: 'owner-pw' });
    expect(await rcOf(touch(client, TPM_RH.OWNER, { session: s as never, authValue: 'wrong' }))).toBe(TPM_RC.BAD_AUTH | S1);
    // Back to empty with the new value; ownerAuthSet clears.
    await changeAuth(client, TPM_RH.OWNER, '', 'owner-pw');
    expect(await property(client, TPM_PT.PERMANENT) & TPMA_PERMANENT.ownerAuthSet).toBe(0);
  });

  it('HierarchyChangeAuth trims trailing zeros and refuses more than a context-integrity digest: TPM_RC_SIZE on parameter 1', async () => {
    const { client, tpm } = await startedTpm({ profile });
    await changeAuth(client, TPM_RH.ENDORSEMENT, new Uint8Array([1, 2, 0, 0]));
    await touch(client, TPM_RH.OWNER);
    await changeAuth(client, TPM_RH.ENDORSEMENT, 'e', new Uint8Array([1, 2]) as never);
    const max = Math.max(...tpm.profile.crypto.hashes.map((h) => h.digestSize));
    const long = new Uint8Array(max + 1).fill(7);
    expect(await rcOf(changeAuth(client, TPM_RH.LOCKOUT, long))).toBe(TPM_RC.SIZE | P1);
    // Trailing zeros are not part of the authValue: the value without them authorizes.
    const padded = new Uint8Array(max);
    padded.fill(7, 0, 5);
    await changeAuth(client, TPM_RH.LOCKOUT, padded);
    await client.run('DictionaryAttackLockReset', { lockHandle: TPM_RH.LOCKOUT }, { auth: { lockHandle: padded.subarray(0, 5) } });
  });

  it('ownerAuth, endorsementAuth and lockoutAuth are persistent; platformAuth is emptied by Startup(CLEAR) and kept by a TPM Resume', async () => {
    const { client, tpm } = await startedTpm({ profile });
    await changeAuth(client, TPM_RH.OWNER, 'o');
    await changeAuth(client, TPM_RH.ENDORSEMENT, 'e');
    await changeAuth(client, TPM_RH.LOCKOUT, 'l');
    await changeAuth(client, TPM_RH.PLATFORM, 'p');
    await touch(client, TPM_RH.PLATFORM, 'p');
    await client.shutdown('state');
    tpm.reset();
    await client.startup('state');
    await touch(client, TPM_RH.PLATFORM, 'p');
    await client.shutdown('clear');
    tpm.reset();
    await client.startup();
    await touch(client, TPM_RH.PLATFORM, '');
    await touch(client, TPM_RH.OWNER, 'o');
    await changeAuth(client, TPM_RH.ENDORSEMENT, '', 'e');
    await changeAuth(client, TPM_RH.LOCKOUT, '', 'l');
  });

  it('HierarchyControl: owner disables the storage hierarchy; its handle is then TPM_RC_HIERARCHY; only platformAuth enables it again', async () => {
    const { client } = await startedTpm({ profile });
    await control(client, TPM_RH.OWNER, TPM_RH.OWNER, NO);
    expect(await property(client, TPM_PT.STARTUP_CLEAR) & TPMA_STARTUP_CLEAR.shEnable).toBe(0);
    expect(await rcOf(touch(client, TPM_RH.OWNER))).toBe(TPM_RC.HIERARCHY | H1);
    expect(await rcOf(changeAuth(client, TPM_RH.OWNER, 'x'))).toBe(TPM_RC.HIERARCHY | H1);
    expect(await rcOf(control(client, TPM_RH.OWNER, TPM_RH.OWNER, YES))).toBe(TPM_RC.HIERARCHY | H1);
    // Disabling what is disabled changes nothing.
    await control(client, TPM_RH.PLATFORM, TPM_RH.OWNER, NO);
    await control(client, TPM_RH.PLATFORM, TPM_RH.OWNER, YES);
    await touch(client, TPM_RH.OWNER);
    expect(await property(client, TPM_PT.STARTUP_CLEAR) & TPMA_STARTUP_CLEAR.shEnable).toBeTruthy();
  });

  // Needs the dispatcher to call entities.ts hierarchyCheck() for every handle before
  // authorization (the reference's EntityGetLoadStatus): unskip when execute.ts does.
  it('a disabled hierarchy is TPM_RC_HIERARCHY on its handle before authorization, in any command', async () => {
    const { client } = await startedTpm({ profile });
    await control(client, TPM_RH.ENDORSEMENT, TPM_RH.ENDORSEMENT, NO);
    await control(client, TPM_RH.OWNER, TPM_RH.OWNER, NO);
    // A wrong password does not matter: the handle is refused first.
    expect(await rcOf(changeAuth(client, TPM_RH.ENDORSEMENT, 'x', 'wrong'))).toBe(TPM_RC.HIERARCHY | H1);
    const nvPublic = { nvIndex: 0x01500002, nameAlg: hashAlg, attributes: A.OWNERWRITE | A.OWNERREAD, authPolicy: new Uint8Array(0), dataSize: 8 };
    expect(await rcOf(client.run('NV_DefineSpace', { authHandle: TPM_RH.OWNER, auth: new Uint8Array(0), publicInfo: { nvPublic } }))).toBe(TPM_RC.HIERARCHY | H1);
    await control(client, TPM_RH.PLATFORM, TPM_RH.PLATFORM, NO);
    expect(await rcOf(client.run('ChangePPS', { authHandle: TPM_RH.PLATFORM }, { auth: { authHandle: 'wrong' } }))).toBe(TPM_RC.HIERARCHY | H1);
  });

  it('HierarchyControl: each auth may only change its own enables (TPM_RC_AUTH_TYPE)', async () => {
    const { client } = await startedTpm({ profile });
    expect(await rcOf(control(client, TPM_RH.OWNER, TPM_RH.ENDORSEMENT, NO))).toBe(TPM_RC.AUTH_TYPE);
    expect(await rcOf(control(client, TPM_RH.OWNER, TPM_RH.PLATFORM, NO))).toBe(TPM_RC.AUTH_TYPE);
    expect(await rcOf(control(client, TPM_RH.ENDORSEMENT, TPM_RH.PLATFORM_NV, NO))).toBe(TPM_RC.AUTH_TYPE);
    expect(await rcOf(control(client, TPM_RH.ENDORSEMENT, TPM_RH.OWNER, NO))).toBe(TPM_RC.AUTH_TYPE);
    await control(client, TPM_RH.ENDORSEMENT, TPM_RH.ENDORSEMENT, NO);
    expect(await rcOf(control(client, TPM_RH.ENDORSEMENT, TPM_RH.ENDORSEMENT, YES))).toBe(TPM_RC.HIERARCHY | H1);
    // Lockout is not a TPMI_RH_HIERARCHY: an unmarshaling error on handle 1.
    expect(await rcOf(control(client, TPM_RH.LOCKOUT, TPM_RH.OWNER, NO))).toBe(TPM_RC.VALUE | H1);
    // Nor is TPM_RH_LOCKOUT a TPMI_RH_ENABLES.
    expect(await rcOf(control(client, TPM_RH.PLATFORM, TPM_RH.LOCKOUT, NO))).toBe(TPM_RC.VALUE | P1);
    await control(client, TPM_RH.PLATFORM, TPM_RH.PLATFORM_NV, NO);
    const sc = await property(client, TPM_PT.STARTUP_CLEAR);
    expect(sc & (TPMA_STARTUP_CLEAR.ehEnable | TPMA_STARTUP_CLEAR.phEnableNV)).toBe(0);
  });

  it('platformAuth disables the platform hierarchy until the next Startup; Startup(CLEAR) sets every enable; a Resume keeps sh/eh', async () => {
    const { client, tpm } = await startedTpm({ profile });
    await control(client, TPM_RH.OWNER, TPM_RH.OWNER, NO);
    await control(client, TPM_RH.PLATFORM, TPM_RH.PLATFORM, NO);
    expect(await rcOf(touch(client, TPM_RH.PLATFORM))).toBe(TPM_RC.HIERARCHY | H1);
    expect(await property(client, TPM_PT.STARTUP_CLEAR) & 0x0f).toBe(TPMA_STARTUP_CLEAR.ehEnable | TPMA_STARTUP_CLEAR.phEnableNV);
    await client.shutdown('state');
    tpm.reset();
    await client.startup('state');
    // phEnable is SET by every Startup; shEnable comes back as saved.
    await touch(client, TPM_RH.PLATFORM);
    expect(await rcOf(touch(client, TPM_RH.OWNER))).toBe(TPM_RC.HIERARCHY | H1);
    await client.shutdown('clear');
    tpm.reset();
    await client.startup();
    await touch(client, TPM_RH.OWNER);
    expect(await property(client, TPM_PT.STARTUP_CLEAR) & 0x0f).toBe(0x0f);
  });

  it('SetPrimaryPolicy: size must match hashAlg (TPM_RC_SIZE on parameter 1); the policy authorizes with a policy session', async () => {
    const { client, tpm } = await startedTpm({ profile });
    const size = tpm.profile.crypto.hash(hashAlg)!.digestSize;
    expect(await rcOf(client.run('SetPrimaryPolicy', { authHandle: TPM_RH.OWNER, authPolicy: new Uint8Array(size - 1), hashAlg }))).toBe(TPM_RC.SIZE | P1);
    expect(await rcOf(client.run('SetPrimaryPolicy', { authHandle: TPM_RH.OWNER, authPolicy: new Uint8Array(size), hashAlg: TPM_ALG.NULL }))).toBe(TPM_RC.SIZE | P1);
    // A fresh policy session's digest is all zeros: make that the ownerPolicy.
    await client.run('SetPrimaryPolicy', { authHandle: TPM_RH.OWNER, authPolicy: new Uint8Array(size), hashAlg });
    await client.run('SetPrimaryPolicy', { authHandle: TPM_RH.PLATFORM, authPolicy: new Uint8Array(size), hashAlg });
    expect((await policies(client)).get(TPM_RH.OWNER)).toBe(hashAlg);
    const ps = await client.startAuthSession({ hash: hashAlg, type: 'policy' });
    await touch(client, TPM_RH.OWNER, { session: ps as never });
    // Back to none: a policy session is then TPM_RC_AUTH_UNAVAILABLE.
    await client.run('SetPrimaryPolicy', { authHandle: TPM_RH.OWNER, authPolicy: new Uint8Array(0), hashAlg: TPM_ALG.NULL });
    expect(await rcOf(touch(client, TPM_RH.OWNER, { session: ps as never }))).toBe(TPM_RC.AUTH_UNAVAILABLE);
    // platformPolicy is emptied by Startup(CLEAR).
    expect((await policies(client)).get(TPM_RH.PLATFORM)).toBe(hashAlg);
    await client.shutdown('clear');
    tpm.reset();
    await client.startup();
    expect((await policies(client)).get(TPM_RH.PLATFORM)).toBe(TPM_ALG.NULL);
  });

  it('seeds and proofs: distinct secrets from the DRBG; a new null seed and nullProof at every TPM Reset, kept by Restart and Resume', async () => {
    const { client, tpm } = await startedTpm({ profile });
    const s0 = secrets(tpm);
    const size = Math.max(...tpm.profile.crypto.hashes.map((h) => h.digestSize));
    const values = [s0.eps, s0.sps, s0.pps, s0.ehProof, s0.shProof, s0.phProof, s0.nullSeed, s0.nullProof];
    for (const v of values) expect(v.length).toBe(2 * size);
    expect(new Set(values).size).toBe(values.length);
    await client.shutdown('state');
    tpm.reset();
    await client.startup('state');
    expect(secrets(tpm)).toEqual(s0);
    await client.shutdown('state');
    tpm.reset();
    await client.startup('clear');
    expect(secrets(tpm)).toEqual(s0);
    await client.shutdown('clear');
    tpm.reset();
    await client.startup('clear');
    const s1 = secrets(tpm);
    expect([s1.nullSeed, s1.nullProof].some((v, i) => v === [s0.nullSeed, s0.nullProof][i])).toBe(false);
    expect({ ...s1, nullSeed: '', nullProof: '' }).toEqual({ ...s0, nullSeed: '', nullProof: '' });
  });

  it('a state file saved before seeds, primary policies and DA existed gets them at Startup', async () => {
    const storage = memoryStorage();
    const first = await startedTpm({ profile, storage });
    await changeAuth(first.client, TPM_RH.OWNER, 'kept');
    const old = decodeSnapshot<Record<string, unknown>>(storage.saved!);
    for (const k of ['seeds', 'hierarchyPolicy', 'disableClear', 'da']) delete old[k];
    const { client, tpm } = testTpm({ profile, storage: memoryStorage(encodeSnapshot(old)) });
    await client.startup();
    await touch(client, TPM_RH.OWNER, 'kept');
    expect(await property(client, TPM_PT.MAX_AUTH_FAIL)).toBe(tpm.profile.limits.MAX_AUTH_FAIL);
    expect(secrets(tpm).sps.length).toBeGreaterThan(0);
    await client.run('Clear', { authHandle: TPM_RH.LOCKOUT });
  });

  it('ChangeEPS, ChangePPS and Clear replace exactly their seeds and proofs', async () => {
    const { client, tpm } = await startedTpm({ profile });
    const s0 = secrets(tpm);
    await client.run('ChangeEPS', { authHandle: TPM_RH.PLATFORM });
    const s1 = secrets(tpm);
    expect([s1.eps !== s0.eps, s1.ehProof !== s0.ehProof]).toEqual([true, true]);
    expect({ ...s1, eps: '', ehProof: '' }).toEqual({ ...s0, eps: '', ehProof: '' });
    await client.run('ChangePPS', { authHandle: TPM_RH.PLATFORM });
    const s2 = secrets(tpm);
    expect([s2.pps !== s1.pps, s2.phProof !== s1.phProof]).toEqual([true, true]);
    expect({ ...s2, pps: '', phProof: '' }).toEqual({ ...s1, pps: '', phProof: '' });
    await client.run('Clear', { authHandle: TPM_RH.LOCKOUT });
    const s3 = secrets(tpm);
    expect([s3.sps !== s2.sps, s3.shProof !== s2.shProof, s3.ehProof !== s2.ehProof]).toEqual([true, true, true]);
    expect({ ...s3, sps: '', shProof: '', ehProof: '' }).toEqual({ ...s2, sps: '', shProof: '', ehProof: '' });
  });

  it('ChangeEPS: endorsementAuth and endorsementPolicy emptied, ehEnable SET', async () => {
    const { client, tpm } = await startedTpm({ profile });
    const size = tpm.profile.crypto.hash(hashAlg)!.digestSize;
    await changeAuth(client, TPM_RH.ENDORSEMENT, 'e');
    await client.run('SetPrimaryPolicy', { authHandle: TPM_RH.ENDORSEMENT, authPolicy: new Uint8Array(size), hashAlg }, { auth: { authHandle: 'e' } });
    await control(client, TPM_RH.ENDORSEMENT, TPM_RH.ENDORSEMENT, NO, 'e');
    const before = tpm.snapshot();
    await client.run('ChangeEPS', { authHandle: TPM_RH.PLATFORM });
    expect(tpm.snapshot()).not.toEqual(before);
    expect((await policies(client)).get(TPM_RH.ENDORSEMENT)).toBe(TPM_ALG.NULL);
    expect(await property(client, TPM_PT.PERMANENT) & TPMA_PERMANENT.endorsementAuthSet).toBe(0);
    await changeAuth(client, TPM_RH.ENDORSEMENT, 'e2');
    // Only platformAuth: owner is not a TPMI_RH_PLATFORM.
    expect(await rcOf(client.run('ChangeEPS', { authHandle: TPM_RH.OWNER }))).toBe(TPM_RC.VALUE | H1);
  });

  it('ChangePPS: platformPolicy and the PCR policies emptied', async () => {
    const { client, tpm } = await startedTpm({ profile });
    const size = tpm.profile.crypto.hash(hashAlg)!.digestSize;
    await client.run('SetPrimaryPolicy', { authHandle: TPM_RH.PLATFORM, authPolicy: new Uint8Array(size), hashAlg });
    await client.run('PCR_SetAuthPolicy', { authHandle: TPM_RH.PLATFORM, authPolicy: new Uint8Array(size).fill(3), hashAlg, pcrNum: 20 } as never);
    expect(secrets(tpm).pcrPolicies).toEqual([hashAlg]);
    await client.run('ChangePPS', { authHandle: TPM_RH.PLATFORM });
    expect((await policies(client)).get(TPM_RH.PLATFORM)).toBe(TPM_ALG.NULL);
    expect(secrets(tpm).pcrPolicies).toEqual([TPM_ALG.NULL]);
  });

  it('Clear (lockoutAuth or platformAuth): empties the owner, endorsement and lockout auths and policies, zeroes Clock and the counters, resets DA', async () => {
    const { client, tick, tpm } = await startedTpm({ profile });
    const size = tpm.profile.crypto.hash(hashAlg)!.digestSize;
    await changeAuth(client, TPM_RH.OWNER, 'o');
    await changeAuth(client, TPM_RH.ENDORSEMENT, 'e');
    await client.run('SetPrimaryPolicy', { authHandle: TPM_RH.OWNER, authPolicy: new Uint8Array(size), hashAlg }, { auth: { authHandle: 'o' } });
    await client.run('DictionaryAttackParameters', { lockHandle: TPM_RH.LOCKOUT, newMaxTries: 9, newRecoveryTime: 5, lockoutRecovery: 7 });
    await changeAuth(client, TPM_RH.LOCKOUT, 'l');
    await control(client, TPM_RH.OWNER, TPM_RH.OWNER, NO, 'o');
    tick(10_000);
    await client.shutdown('state');
    tpm.reset();
    await client.startup('clear');
    tick(500);
    expect((await client.run('ReadClock', {})).currentTime.clockInfo).toMatchObject({ resetCount: 1, restartCount: 1 });
    await client.run('Clear', { authHandle: TPM_RH.LOCKOUT }, { auth: { authHandle: 'l' } });
    expect(await property(client, TPM_PT.PERMANENT) & 0x7).toBe(0);
    expect((await policies(client)).get(TPM_RH.OWNER)).toBe(TPM_ALG.NULL);
    expect(await property(client, TPM_PT.STARTUP_CLEAR) & TPMA_STARTUP_CLEAR.shEnable).toBeTruthy();
    expect(await property(client, TPM_PT.MAX_AUTH_FAIL)).toBe(tpm.profile.limits.MAX_AUTH_FAIL);
    expect(await property(client, TPM_PT.LOCKOUT_INTERVAL)).toBe(tpm.profile.limits.LOCKOUT_INTERVAL);
    expect((await client.run('ReadClock', {})).currentTime.clockInfo).toEqual({ clock: 0n, resetCount: 0, restartCount: 0, safe: YES });
    tick(250);
    expect((await client.run('ReadClock', {})).currentTime.clockInfo.clock).toBe(250n);
    await touch(client, TPM_RH.OWNER, '');
    await client.run('Clear', { authHandle: TPM_RH.PLATFORM });
    // Owner is not a TPMI_RH_CLEAR.
    expect(await rcOf(client.run('Clear', { authHandle: TPM_RH.OWNER }))).toBe(TPM_RC.VALUE | H1);
  });

  it('Clear deletes owner-created NV indices and keeps platform-created ones', async () => {
    const { client } = await startedTpm({ profile });
    const pub = (nvIndex: number, extra = 0): TPMS_NV_PUBLIC => ({
      nvIndex,
      nameAlg: hashAlg,
      attributes: A.AUTHWRITE | A.AUTHREAD | extra,
      authPolicy: new Uint8Array(0),
      dataSize: 8,
    });
    await client.run('NV_DefineSpace', { authHandle: TPM_RH.OWNER, auth: new Uint8Array(0), publicInfo: { nvPublic: pub(0x01500001) } });
    await client.run('NV_DefineSpace', {
      authHandle: TPM_RH.PLATFORM,
      auth: new Uint8Array(0),
      publicInfo: { nvPublic: pub(0x01400001, A.PLATFORMCREATE | A.PPWRITE) },
    });
    await client.run('Clear', { authHandle: TPM_RH.PLATFORM });
    expect(await rcOf(client.run('NV_ReadPublic', { nvIndex: 0x01500001 }))).toBe(TPM_RC.HANDLE | H1);
    expect((await client.run('NV_ReadPublic', { nvIndex: 0x01400001 })).nvPublic.nvPublic.nvIndex).toBe(0x01400001);
  });

  it('ClearControl: disables Clear (TPM_RC_DISABLED); lockoutAuth may not enable it (TPM_RC_AUTH_FAIL), platformAuth may', async () => {
    const { client, tpm } = await startedTpm({ profile });
    await client.run('ClearControl', { auth: TPM_RH.LOCKOUT, disable: YES });
    expect(await property(client, TPM_PT.PERMANENT) & TPMA_PERMANENT.disableClear).toBeTruthy();
    expect(await rcOf(client.run('Clear', { authHandle: TPM_RH.LOCKOUT }))).toBe(TPM_RC.DISABLED);
    expect(await rcOf(client.run('Clear', { authHandle: TPM_RH.PLATFORM }))).toBe(TPM_RC.DISABLED);
    expect(await rcOf(client.run('ClearControl', { auth: TPM_RH.LOCKOUT, disable: NO }))).toBe(TPM_RC.AUTH_FAIL);
    // disableClear is persistent.
    await client.shutdown('clear');
    tpm.reset();
    await client.startup();
    expect(await rcOf(client.run('Clear', { authHandle: TPM_RH.PLATFORM }))).toBe(TPM_RC.DISABLED);
    await client.run('ClearControl', { auth: TPM_RH.PLATFORM, disable: NO });
    expect(await property(client, TPM_PT.PERMANENT) & TPMA_PERMANENT.disableClear).toBe(0);
    await client.run('Clear', { authHandle: TPM_RH.LOCKOUT });
  });
});
