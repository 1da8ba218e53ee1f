/**
 * TPM2_PolicyCommandCode, PolicyAuthValue, PolicyPassword, PolicyGetDigest, PolicyRestart and
 * the checks a policy session meets when it authorizes (Part 3 "Enhanced Authorization").
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashByAlg } from '../../src/crypto/hash.js';
import { TPM_ALG, TPM_CC, TPM_RC, TPM_RH, TPMA_NV } from '../../src/gen/constants.js';
import { emptyPolicy, policyAuthValue, policyCommandCode } from '../../src/protocol/policy.js';
import { rcOf, startedTpm } from '../helpers/tpm.js';

const S1 = TPM_RC.S | 0x100;
const P1 = TPM_RC.P | 0x100;
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

describe.each([
  ['tpm2', TPM_ALG.SHA256, 'sha256'],
  ['tcm2', TPM_ALG.SM3_256, 'sm3'],
])('policy sessions, profile %s', (profile, hashAlg, nodeHash) => {
  const hash = hashByAlg(hashAlg)!;
  const define = (nvIndex: number, attributes: number, authPolicy: Uint8Array, auth = 'index-pw') =>
    ({
      authHandle: TPM_RH.OWNER,
      auth: new TextEncoder().encode(auth),
      publicInfo: { nvPublic: { nvIndex, nameAlg: hashAlg, attributes, authPolicy, dataSize: 8 } },
    }) as never;

  it('PolicyCommandCode extends the digest as Part 3 says; a trial session computes the same', async () => {
    const { client } = await startedTpm({ profile });
    const expected = createHash(nodeHash).update(new Uint8Array(32)).update(u32(TPM_CC.PolicyCommandCode)).update(u32(TPM_CC.NV_ChangeAuth)).digest();
    expect(Buffer.from(policyCommandCode(hash, emptyPolicy(hash), TPM_CC.NV_ChangeAuth))).toEqual(expected);
    for (const type of ['policy', 'trial'] as const) {
      const s = await client.startAuthSession({ hash: hashAlg, type });
      await client.run('PolicyCommandCode', { policySession: s.handle, code: TPM_CC.NV_ChangeAuth });
      const { policyDigest } = await client.run('PolicyGetDigest', { policySession: s.handle });
      expect(Buffer.from(policyDigest)).toEqual(expected);
      await client.run('PolicyRestart', { sessionHandle: s.handle });
      expect((await client.run('PolicyGetDigest', { policySession: s.handle })).policyDigest).toEqual(new Uint8Array(32));
    }
  });

  it('PolicyCommandCode refuses a second, different code (TPM_RC_VALUE) and unimplemented codes (TPM_RC_POLICY_CC)', async () => {
    const { client } = await startedTpm({ profile });
    const s = await client.startAuthSession({ hash: hashAlg, type: 'policy' });
    await client.run('PolicyCommandCode', { policySession: s.handle, code: TPM_CC.NV_Write });
    expect(await rcOf(client.run('PolicyCommandCode', { policySession: s.handle, code: TPM_CC.NV_Read }))).toBe(TPM_RC.VALUE | P1);
    const t = await client.startAuthSession({ hash: hashAlg, type: 'policy' });
    expect(await rcOf(client.run('PolicyCommandCode', { policySession: t.handle, code: TPM_CC.PolicyTransportSPDM }))).toBe(TPM_RC.POLICY_CC | P1);
    const h = await client.startAuthSession({ hash: hashAlg });
    expect(await rcOf(client.run('PolicyGetDigest', { policySession: h.handle }))).toBe(TPM_RC.VALUE | 0x100); // not a policy session handle: TPM_RC_VALUE on handle 1
  });

  it('NV_ChangeAuth (ADMIN role) with a PolicyCommandCode session; the session is bound to that command', async () => {
    const { client } = await startedTpm({ profile });
    const index = 0x01500040;
    const policy = policyCommandCode(hash, emptyPolicy(hash), TPM_CC.NV_ChangeAuth);
    await client.run('NV_DefineSpace', define(index, TPMA_NV.AUTHWRITE | TPMA_NV.AUTHREAD | TPMA_NV.NO_DA, policy));
    await client.run('NV_Write', { authHandle: index, nvIndex: index, data: new Uint8Array(8).fill(1), offset: 0 } as never, { auth: { authHandle: 'index-pw' } });

    const wrong = await client.startAuthSession({ hash: hashAlg, type: 'policy' });
    await client.run('PolicyCommandCode', { policySession: wrong.handle, code: TPM_CC.NV_Write });
    expect(await rcOf(client.run('NV_ChangeAuth', { nvIndex: index, newAuth: new Uint8Array(0) } as never, { auth: { nvIndex: { session: wrong } } }))).toBe(TPM_RC.POLICY_CC | S1);

    const s = await client.startAuthSession({ hash: hashAlg, type: 'policy' });
    await client.run('PolicyCommandCode', { policySession: s.handle, code: TPM_CC.NV_ChangeAuth });
    await client.run('NV_ChangeAuth', { nvIndex: index, newAuth: new TextEncoder().encode('new-pw') } as never, { auth: { nvIndex: { session: s } } });
    await client.run('NV_Read', { authHandle: index, nvIndex: index, size: 8, offset: 0 } as never, { auth: { authHandle: 'new-pw' } });
    expect(await rcOf(client.run('NV_Read', { authHandle: index, nvIndex: index, size: 8, offset: 0 } as never, { auth: { authHandle: 'index-pw' } }))).toBe(TPM_RC.BAD_AUTH | S1);
  });

  it('PolicyAuthValue: the HMAC must carry the authValue; PolicyPassword: the password must match', async () => {
    const { client } = await startedTpm({ profile });
    const index = 0x01500041;
    const policy = policyAuthValue(hash, emptyPolicy(hash));
    await client.run('NV_DefineSpace', define(index, TPMA_NV.POLICYWRITE | TPMA_NV.AUTHREAD | TPMA_NV.NO_DA, policy));
    // cpHash covers the index's Name (nameAlg ‖ H(nvPublic)), which the client reads from the TPM.
    const name = async () => (await client.run('NV_ReadPublic', { nvIndex: index })).nvName;
    const write = async (session: Awaited<ReturnType<typeof client.startAuthSession>>, authValue: string) => {
      const n = await name();
      return client.run('NV_Write', { authHandle: index, nvIndex: index, data: new Uint8Array(8).fill(2), offset: 0 } as never, {
        auth: { authHandle: { session, authValue } },
        names: { authHandle: n, nvIndex: n },
      });
    };

    const a = await client.startAuthSession({ hash: hashAlg, type: 'policy' });
    await client.run('PolicyAuthValue', { policySession: a.handle });
    a.authValueNeeded = true;
    expect(await rcOf(write(a, 'wrong'))).toBe(TPM_RC.BAD_AUTH | S1);
    await write(a, 'index-pw');

    const p = await client.startAuthSession({ hash: hashAlg, type: 'policy' });
    await client.run('PolicyPassword', { policySession: p.handle });
    p.passwordNeeded = true;
    expect(await rcOf(write(p, 'wrong'))).toBe(TPM_RC.BAD_AUTH | S1);
    await write(p, 'index-pw');

    // Without the policy command the digest does not match.
    const none = await client.startAuthSession({ hash: hashAlg, type: 'policy' });
    expect(await rcOf(write(none, 'index-pw'))).toBe(TPM_RC.POLICY_FAIL | S1);
  });

  it('NV_UndefineSpaceSpecial deletes a POLICY_DELETE index with its policy and platformAuth', async () => {
    const { client } = await startedTpm({ profile });
    const index = 0x01500042;
    const policy = policyCommandCode(hash, emptyPolicy(hash), TPM_CC.NV_UndefineSpaceSpecial);
    await client.run('NV_DefineSpace', {
      authHandle: TPM_RH.PLATFORM,
      auth: new Uint8Array(0),
      publicInfo: { nvPublic: { nvIndex: index, nameAlg: hashAlg, attributes: TPMA_NV.PPWRITE | TPMA_NV.PPREAD | TPMA_NV.POLICY_DELETE | TPMA_NV.PLATFORMCREATE | TPMA_NV.NO_DA, authPolicy: policy, dataSize: 8 } },
    } as never);
    // Plain NV_UndefineSpace may not delete it.
    expect(await rcOf(client.run('NV_UndefineSpace', { authHandle: TPM_RH.PLATFORM, nvIndex: index } as never))).toBe(TPM_RC.ATTRIBUTES | 0x200);
    const s = await client.startAuthSession({ hash: hashAlg, type: 'policy' });
    await client.run('PolicyCommandCode', { policySession: s.handle, code: TPM_CC.NV_UndefineSpaceSpecial });
    const n = (await client.run('NV_ReadPublic', { nvIndex: index })).nvName;
    await client.run('NV_UndefineSpaceSpecial', { nvIndex: index, platform: TPM_RH.PLATFORM } as never, { auth: { nvIndex: { session: s } }, names: { nvIndex: n } });
    expect(await rcOf(client.run('NV_ReadPublic', { nvIndex: index }))).toBe(TPM_RC.HANDLE | 0x100);
  });
});

describe('TPM2_PolicySecret', () => {
  const withOwnerPolicy = async (authPolicy: Uint8Array) => {
    const t = await startedTpm();
    const index = 0x01000123;
    await t.client.run('NV_DefineSpace', {
      authHandle: TPM_RH.OWNER,
      auth: new Uint8Array(0),
      publicInfo: { nvPublic: { nvIndex: index, nameAlg: TPM_ALG.SHA256, attributes: TPMA_NV.POLICYWRITE | TPMA_NV.AUTHREAD, authPolicy, dataSize: 4 } },
    });
    return { ...t, index };
  };

  it('extends with the Name of the authorizing entity and policyRef: PolicyA of the EK profile', async () => {
    const { client } = await startedTpm();
    // PolicySecret(TPM_RH_ENDORSEMENT) from an empty digest: the EK Credential Profile's PolicyA.
    const policyA = '837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa';
    const inner = createHash('sha256').update(new Uint8Array(32)).update(u32(TPM_CC.PolicySecret)).update(u32(TPM_RH.ENDORSEMENT)).digest();
    expect(createHash('sha256').update(inner).digest('hex')).toBe(policyA);
    for (const type of ['policy', 'trial'] as const) {
      const s = await client.startAuthSession({ type });
      await client.run('PolicySecret', { authHandle: TPM_RH.ENDORSEMENT, policySession: s.handle, nonceTPM: new Uint8Array(0), cpHashA: new Uint8Array(0), policyRef: new Uint8Array(0), expiration: 0 });
      expect(Buffer.from((await client.run('PolicyGetDigest', { policySession: s.handle })).policyDigest).toString('hex')).toBe(policyA);
    }
    // A wrong endorsementAuth fails the command, as the authorization it stands for.
    const s = await client.startAuthSession({ type: 'policy' });
    await client.run('HierarchyChangeAuth', { authHandle: TPM_RH.ENDORSEMENT, newAuth: new TextEncoder().encode('eh') });
    expect(
      await rcOf(client.run('PolicySecret', { authHandle: TPM_RH.ENDORSEMENT, policySession: s.handle, nonceTPM: new Uint8Array(0), cpHashA: new Uint8Array(0), policyRef: new Uint8Array(0), expiration: 0 })),
    ).toBe(TPM_RC.BAD_AUTH | S1);
  });

  it('authorizes an NV write whose policy is PolicySecret(owner); nonceTPM, expiration and cpHashA are checked', async () => {
    const ownerPolicy = (() => {
      const inner = createHash('sha256').update(new Uint8Array(32)).update(u32(TPM_CC.PolicySecret)).update(u32(TPM_RH.OWNER)).digest();
      return new Uint8Array(createHash('sha256').update(inner).digest());
    })();
    const { client, index, tick } = await withOwnerPolicy(ownerPolicy);
    const secret = (policySession: number, extra: Partial<{ nonceTPM: Uint8Array; expiration: number; cpHashA: Uint8Array }> = {}) =>
      client.run('PolicySecret', { authHandle: TPM_RH.OWNER, policySession, nonceTPM: new Uint8Array(0), cpHashA: new Uint8Array(0), policyRef: new Uint8Array(0), expiration: 0, ...extra });
    const write = (session: Awaited<ReturnType<typeof client.startAuthSession>>) =>
      client.run('NV_Write', { authHandle: index, nvIndex: index, data: Uint8Array.of(1, 2, 3, 4), offset: 0 }, { auth: { authHandle: { session } } });

    const s1 = await client.startAuthSession({ type: 'policy' });
    await secret(s1.handle);
    await write(s1);

    const s2 = await client.startAuthSession({ type: 'policy' });
    expect(await rcOf(secret(s2.handle, { nonceTPM: new Uint8Array(32).fill(9) }))).toBe(TPM_RC.NONCE | P1);
    expect(await rcOf(secret(s2.handle, { cpHashA: new Uint8Array(20) }))).toBe(TPM_RC.SIZE | TPM_RC.P | 0x200);
    // Expires 1 s after now: usable at once, TPM_RC_EXPIRED after 2 s.
    await secret(s2.handle, { expiration: 1 });
    tick(2000);
    expect(await rcOf(write(s2))).toBe(TPM_RC.EXPIRED | S1);

    // cpHashA limits the session to one command's parameters: another write fails.
    const s3 = await client.startAuthSession({ type: 'policy' });
    await secret(s3.handle, { cpHashA: new Uint8Array(32).fill(1) });
    expect(await rcOf(write(s3))).toBe(TPM_RC.POLICY_FAIL | S1);

    // A negative expiration returns a ticket in the owner hierarchy.
    const s4 = await client.startAuthSession({ type: 'policy' });
    const t = await secret(s4.handle, { expiration: -10 });
    expect(t.policyTicket.tag).toBe(0x8023);
    expect(t.policyTicket.hierarchy).toBe(TPM_RH.OWNER);
    expect(t.timeout.length).toBe(8);
    // HMAC with the context-integrity hash (TPM_PT_CONTEXT_HASH: the largest implemented).
    expect(t.policyTicket.digest.length).toBe(64);
  });
});
