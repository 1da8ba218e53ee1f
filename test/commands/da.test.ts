/**
 * Dictionary-attack protection (Part 1 "Dictionary Attack Protection"; Part 3 "Dictionary
 * Attack Functions"): failedTries on DA-protected entities (NV indices without NO_DA), lockout,
 * self-healing against the fake clock, lockoutAuth recovery, DictionaryAttackLockReset and
 * DictionaryAttackParameters, and the failure a disorderly shutdown counts.
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { TPM_ALG, TPM_CAP, TPM_PT, TPM_RC, TPM_RH, TPMA_NV as A, TPMA_PERMANENT } from '../../src/gen/constants.js';
import type { TPML_TAGGED_TPM_PROPERTY } from '../../src/gen/types.js';
import { rcOf, startedTpm } from '../helpers/tpm.js';

const H1 = TPM_RC.H | 0x100;
const S1 = TPM_RC.S | 0x100;
const INDEX = 0x01500020;
const text = (s: string) => new TextEncoder().encode(s);

async function property(client: Client, pt: number): Promise<number> {
  const r = await client.run('GetCapability', { capability: TPM_CAP.TPM_PROPERTIES, property: pt, propertyCount: 1 });
  return (r.capabilityData.data as TPML_TAGGED_TPM_PROPERTY).tpmProperty[0].value;
}
const failedTries = (client: Client) => property(client, TPM_PT.LOCKOUT_COUNTER);
const inLockout = async (client: Client) => ((await property(client, TPM_PT.PERMANENT)) & TPMA_PERMANENT.inLockout) !== 0;
const params = (client: Client, newMaxTries: number, newRecoveryTime: number, lockoutRecovery: number, pw = '') =>
  client.run('DictionaryAttackParameters', { lockHandle: TPM_RH.LOCKOUT, newMaxTries, newRecoveryTime, lockoutRecovery }, { auth: { lockHandle: pw } });
const lockReset = (client: Client, pw = '') => client.run('DictionaryAttackLockReset', { lockHandle: TPM_RH.LOCKOUT }, { auth: { lockHandle: pw } });

describe.each([
  ['tpm2', TPM_ALG.SHA256],
  ['tcm2', TPM_ALG.SM3_256],
])('dictionary-attack protection, profile %s', (profile, nameAlg) => {
  const define = (client: Client, extra = 0, nvIndex = INDEX) =>
    client.run('NV_DefineSpace', {
      authHandle: TPM_RH.OWNER,
      auth: text('index-pw'),
      publicInfo: { nvPublic: { nvIndex, nameAlg, attributes: A.AUTHWRITE | A.AUTHREAD | extra, authPolicy: new Uint8Array(0), dataSize: 8 } },
    });
  const write = (client: Client, pw: string, nvIndex = INDEX) =>
    client.run('NV_Write', { authHandle: nvIndex, nvIndex, data: text('x'), offset: 0 }, { auth: { authHandle: pw } });

  it('reports the manufactured parameters: TPM_PT_MAX_AUTH_FAIL, LOCKOUT_INTERVAL, LOCKOUT_RECOVERY, LOCKOUT_COUNTER', async () => {
    const { client, tpm } = await startedTpm({ profile });
    expect(await property(client, TPM_PT.MAX_AUTH_FAIL)).toBe(tpm.profile.limits.MAX_AUTH_FAIL);
    expect(await property(client, TPM_PT.LOCKOUT_INTERVAL)).toBe(tpm.profile.limits.LOCKOUT_INTERVAL);
    expect(await property(client, TPM_PT.LOCKOUT_RECOVERY)).toBe(tpm.profile.limits.LOCKOUT_RECOVERY);
    expect(await failedTries(client)).toBe(0);
    expect(await inLockout(client)).toBe(false);
  });

  it('a wrong lockoutAuth is TPM_RC_AUTH_FAIL; lockoutAuth is then TPM_RC_LOCKOUT until lockoutRecovery seconds pass', async () => {
    const { client, tick } = await startedTpm({ profile });
    await params(client, 3, 10, 30);
    await client.run('HierarchyChangeAuth', { authHandle: TPM_RH.LOCKOUT, newAuth: text('l') });
    expect(await rcOf(lockReset(client, 'wrong'))).toBe(TPM_RC.AUTH_FAIL | S1);
    expect(await rcOf(lockReset(client, 'l'))).toBe(TPM_RC.LOCKOUT);
    // lockoutAuth failures do not count against failedTries.
    expect(await failedTries(client)).toBe(0);
    // Other hierarchies are unaffected.
    await client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth: text('o') });
    tick(29_999);
    expect(await rcOf(lockReset(client, 'l'))).toBe(TPM_RC.LOCKOUT);
    tick(1);
    await lockReset(client, 'l');
  });

  it('lockoutRecovery 0: lockoutAuth comes back only with the next Startup; otherwise the lockout survives a power cycle and its timer restarts', async () => {
    const { client, tick, tpm } = await startedTpm({ profile });
    await params(client, 3, 10, 0);
    expect(await rcOf(lockReset(client, 'wrong'))).toBe(TPM_RC.AUTH_FAIL | S1);
    tick(3_600_000);
    expect(await rcOf(lockReset(client))).toBe(TPM_RC.LOCKOUT);
    await client.shutdown('clear');
    tpm.reset();
    await client.startup();
    await params(client, 3, 10, 20);
    expect(await rcOf(lockReset(client, 'wrong'))).toBe(TPM_RC.AUTH_FAIL | S1);
    tick(15_000);
    await client.shutdown('clear');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    tick(15_000);
    // 30 s since the failure, but only 15 s of this power cycle.
    expect(await rcOf(lockReset(client))).toBe(TPM_RC.LOCKOUT);
    tick(5_000);
    await lockReset(client);
  });

  it('failures on a DA-protected NV index count; at maxTries the TPM is in lockout (TPM_RC_LOCKOUT) until DictionaryAttackLockReset', async () => {
    const { client } = await startedTpm({ profile });
    await define(client);
    await write(client, 'index-pw');
    for (let i = 1; i <= 3; i++) {
      expect(await rcOf(write(client, 'guess'))).toBe(TPM_RC.AUTH_FAIL | S1);
      expect(await failedTries(client)).toBe(i);
    }
    expect(await inLockout(client)).toBe(true);
    expect(await rcOf(write(client, 'index-pw'))).toBe(TPM_RC.LOCKOUT);
    // Entities outside DA protection still work: owner authorization of the same index.
    await client.run('NV_ReadPublic', { nvIndex: INDEX });
    await client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth: text('o') });
    await lockReset(client);
    expect(await failedTries(client)).toBe(0);
    expect(await inLockout(client)).toBe(false);
    await write(client, 'index-pw');
  });

  it('an index with TPMA_NV_NO_DA is exempt: TPM_RC_BAD_AUTH and no count', async () => {
    const { client } = await startedTpm({ profile });
    await define(client, A.NO_DA);
    for (let i = 0; i < 5; i++) expect(await rcOf(write(client, 'guess'))).toBe(TPM_RC.BAD_AUTH | S1);
    expect(await failedTries(client)).toBe(0);
    await write(client, 'index-pw');
  });

  it('self-healing: one failure is forgiven per recoveryTime seconds, counted from the last failure', async () => {
    const { client, tick } = await startedTpm({ profile });
    await params(client, 2, 10, 10);
    await define(client);
    expect(await rcOf(write(client, 'a'))).toBe(TPM_RC.AUTH_FAIL | S1);
    tick(5_000);
    expect(await rcOf(write(client, 'b'))).toBe(TPM_RC.AUTH_FAIL | S1);
    expect(await rcOf(write(client, 'index-pw'))).toBe(TPM_RC.LOCKOUT);
    tick(9_999);
    expect(await rcOf(write(client, 'index-pw'))).toBe(TPM_RC.LOCKOUT);
    tick(1);
    await write(client, 'index-pw');
    expect(await failedTries(client)).toBe(1);
    tick(10_000);
    await write(client, 'index-pw');
    expect(await failedTries(client)).toBe(0);
  });

  it('recoveryTime 0 disables DA protection: failures are TPM_RC_AUTH_FAIL but not counted', async () => {
    const { client } = await startedTpm({ profile });
    await params(client, 1, 0, 10);
    await define(client);
    for (let i = 0; i < 3; i++) expect(await rcOf(write(client, 'guess'))).toBe(TPM_RC.AUTH_FAIL | S1);
    expect(await failedTries(client)).toBe(0);
    await write(client, 'index-pw');
  });

  it('DictionaryAttackParameters keeps failedTries: a smaller maxTries may mean lockout at once; maxTries 0 locks out', async () => {
    const { client } = await startedTpm({ profile });
    await define(client);
    expect(await rcOf(write(client, 'guess'))).toBe(TPM_RC.AUTH_FAIL | S1);
    await params(client, 7, 20, 30);
    expect([await property(client, TPM_PT.MAX_AUTH_FAIL), await property(client, TPM_PT.LOCKOUT_INTERVAL), await property(client, TPM_PT.LOCKOUT_RECOVERY)]).toEqual([7, 20, 30]);
    expect(await failedTries(client)).toBe(1);
    await params(client, 1, 20, 30);
    expect(await inLockout(client)).toBe(true);
    expect(await rcOf(write(client, 'index-pw'))).toBe(TPM_RC.LOCKOUT);
    await lockReset(client);
    await params(client, 0, 20, 30);
    expect(await rcOf(write(client, 'index-pw'))).toBe(TPM_RC.LOCKOUT);
  });

  it('the DA commands take only TPM_RH_LOCKOUT (TPM_RC_VALUE on handle 1) and its authorization', async () => {
    const { client } = await startedTpm({ profile });
    expect(await rcOf(client.run('DictionaryAttackLockReset', { lockHandle: TPM_RH.OWNER }))).toBe(TPM_RC.VALUE | H1);
    expect(await rcOf(client.run('DictionaryAttackParameters', { lockHandle: TPM_RH.PLATFORM, newMaxTries: 1, newRecoveryTime: 1, lockoutRecovery: 1 }))).toBe(
      TPM_RC.VALUE | H1,
    );
  });

  it('a disorderly shutdown after a DA-protected authorization counts as a failure; an orderly one does not', async () => {
    const { client, tpm } = await startedTpm({ profile });
    await define(client);
    await write(client, 'index-pw');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    expect(await failedTries(client)).toBe(1);
    // No DA-protected authorization since Startup: nothing to count.
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    expect(await failedTries(client)).toBe(1);
    await write(client, 'index-pw');
    await client.shutdown('clear');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    expect(await failedTries(client)).toBe(1);
    // The first DA-protected authorization after a Shutdown voids it: Startup(STATE) is refused.
    await client.shutdown('state');
    await write(client, 'index-pw');
    tpm.powerOff();
    tpm.powerOn();
    expect(await rcOf(client.startup('state'))).toBe(TPM_RC.VALUE | TPM_RC.P | 0x100);
    await client.startup('clear');
    expect(await failedTries(client)).toBe(2);
  });
});
