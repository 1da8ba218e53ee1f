/** TPM2_SelfTest, TPM2_IncrementalSelfTest, TPM2_GetTestResult (Part 3 "Testing"), both profiles. */
import { describe, expect, it } from 'vitest';
import { utf8Decode } from '../../src/crypto/bytes.js';
import { TPM_ALG, TPM_CAP, TPM_RC } from '../../src/gen/constants.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/tpm/state/snapshot.js';
import type { TpmState } from '../../src/tpm/state/types.js';
import { rcOf, startedTpm, testTpm } from '../helpers/tpm.js';

const P1 = TPM_RC.P | 0x100;
const A = TPM_ALG;

/** Algorithms with a self-test, in TPM_ALG_ID order. */
const TPM2_TESTABLE = [
  A.RSA, A.SHA1, A.HMAC, A.AES, A.SHA256, A.SHA384, A.SHA512, A.SM3_256, A.SM4, A.RSASSA, A.RSAES, A.RSAPSS, A.OAEP,
  A.ECDSA, A.ECDH, A.SM2, A.ECSCHNORR, A.KDF1_SP800_108, A.ECC, A.CTR, A.OFB, A.CBC, A.CFB, A.ECB,
];
const TCM2_TESTABLE = [A.HMAC, A.SM3_256, A.SM4, A.ECDH, A.SM2, A.KDF1_SP800_108, A.ECC, A.CTR, A.OFB, A.CBC, A.CFB, A.ECB];

describe('TPM2_IncrementalSelfTest', () => {
  it('after _TPM_Init nothing is tested: an empty toTest returns every testable algorithm', async () => {
    const a = await startedTpm();
    expect((await a.client.run('IncrementalSelfTest', { toTest: { algorithms: [] } })).toDoList.algorithms).toEqual(TPM2_TESTABLE);
    const b = await startedTpm({ profile: 'tcm2' });
    expect((await b.client.run('IncrementalSelfTest', { toTest: { algorithms: [] } })).toDoList.algorithms).toEqual(TCM2_TESTABLE);
  });

  it('tests the algorithms asked for and returns those still untested', async () => {
    const { client } = await startedTpm();
    const asked: number[] = [A.SHA256, A.AES, A.RSAPSS, A.ECDSA];
    const r = await client.run('IncrementalSelfTest', { toTest: { algorithms: [...asked, A.KEYEDHASH] } });
    expect(r.toDoList.algorithms).toEqual(TPM2_TESTABLE.filter((x) => !asked.includes(x)));
    const all = await client.run('IncrementalSelfTest', { toTest: { algorithms: TPM2_TESTABLE } });
    expect(all.toDoList.algorithms).toEqual([]);
  });

  it('refuses an algorithm the TPM does not implement: TPM_RC_VALUE on parameter 1', async () => {
    const a = await startedTpm({ profile: 'tcm2' });
    expect(await rcOf(a.client.run('IncrementalSelfTest', { toTest: { algorithms: [A.SM3_256, A.SHA256] } }))).toBe(TPM_RC.VALUE | P1);
    // Nothing was tested by the refused command.
    expect((await a.client.run('IncrementalSelfTest', { toTest: { algorithms: [] } })).toDoList.algorithms).toEqual(TCM2_TESTABLE);
    const b = await startedTpm();
    expect(await rcOf(b.client.run('IncrementalSelfTest', { toTest: { algorithms: [0x00ff] } }))).toBe(TPM_RC.VALUE | P1);
  });

  it('an algorithm is tested before its first use (TPM2_Hash)', async () => {
    const { client } = await startedTpm();
    await client.run('Hash', { data: new Uint8Array(3), hashAlg: A.SHA384, hierarchy: 0x40000007 });
    expect((await client.run('IncrementalSelfTest', { toTest: { algorithms: [] } })).toDoList.algorithms).not.toContain(A.SHA384);
  });
});

describe('TPM2_SelfTest', () => {
  for (const profile of ['tpm2', 'tcm2'] as const) {
    it(`${profile}: a full self-test passes and leaves nothing to test; _TPM_Init forgets it`, async () => {
      const { tpm, client } = await startedTpm({ profile });
      await client.run('SelfTest', { fullTest: 1 });
      expect((await client.run('IncrementalSelfTest', { toTest: { algorithms: [] } })).toDoList.algorithms).toEqual([]);
      expect(await client.run('GetTestResult', {})).toEqual({ outData: new Uint8Array(0), testResult: TPM_RC.SUCCESS });
      tpm.reset();
      await client.startup();
      expect((await client.run('IncrementalSelfTest', { toTest: { algorithms: [] } })).toDoList.algorithms.length).toBeGreaterThan(0);
    });
  }

  it('fullTest NO tests what is left', async () => {
    const { client } = await startedTpm();
    await client.run('IncrementalSelfTest', { toTest: { algorithms: [A.SHA1] } });
    await client.run('SelfTest', { fullTest: 0 });
    expect((await client.run('IncrementalSelfTest', { toTest: { algorithms: [] } })).toDoList.algorithms).toEqual([]);
    // A repeated full test is allowed.
    await client.run('SelfTest', { fullTest: 1 });
  });

  it('refuses a fullTest other than YES/NO: TPM_RC_VALUE on parameter 1', async () => {
    const { client } = await startedTpm();
    expect(await rcOf(client.run('SelfTest', { fullTest: 2 }))).toBe(TPM_RC.VALUE | P1);
  });
});

describe('TPM2_GetTestResult and failure mode', () => {
  it('answers TPM_RC_SUCCESS with no data before any test', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    expect(await client.run('GetTestResult', {})).toEqual({ outData: new Uint8Array(0), testResult: TPM_RC.SUCCESS });
  });

  it('in failure mode: testResult TPM_RC_FAILURE with the reason; only GetTestResult and GetCapability answer', async () => {
    const { tpm } = await startedTpm();
    const body = decodeSnapshot<{ profile: string; state: TpmState; drbg: Uint8Array }>(tpm.snapshot());
    body.state.volatile.failure = { code: A.SHA256, detail: 'self-test of algorithm 0x000b failed' };
    const failed = testTpm({ snapshot: encodeSnapshot(body) });
    const r = await failed.client.run('GetTestResult', {});
    expect(r.testResult).toBe(TPM_RC.FAILURE);
    expect(utf8Decode(r.outData)).toBe('self-test of algorithm 0x000b failed');
    expect((await failed.client.run('GetCapability', { capability: TPM_CAP.ECC_CURVES, property: 0, propertyCount: 1 })).moreData).toBe(1);
    expect(await rcOf(failed.client.run('SelfTest', { fullTest: 1 }))).toBe(TPM_RC.FAILURE);
    expect(await rcOf(failed.client.run('Hash', { data: new Uint8Array(0), hashAlg: A.SHA256, hierarchy: 0x40000007 }))).toBe(TPM_RC.FAILURE);
  });
});
