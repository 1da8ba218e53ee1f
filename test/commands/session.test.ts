/**
 * TPM2_StartAuthSession, HMAC authorization and TPM2_FlushContext (Part 1 "Session-Based
 * Authorization"): the typed client computes and checks HMACs with the same protocol code.
 */
import { describe, expect, it } from 'vitest';
import { TPM_ALG, TPM_RC, TPM_RH, TPM_SE } from '../../src/gen/constants.js';
import { createClient } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { rcOf, startedTpm } from '../helpers/tpm.js';

const S1 = TPM_RC.S | 0x100;
const P1 = TPM_RC.P | 0x100;

describe.each([
  ['tpm2', TPM_ALG.SHA256],
  ['tcm2', TPM_ALG.SM3_256],
])('HMAC sessions, profile %s', (profile, hashAlg) => {
  const extend = (pcrHandle: number) => ({ pcrHandle, digests: { digests: [{ hashAlg, digest: new Uint8Array(32).fill(1) }] } }) as never;

  it('authorize PCR_Extend; the response HMAC verifies; nonces roll', async () => {
    const { client } = await startedTpm({ profile });
    const s = await client.startAuthSession({ hash: hashAlg });
    expect(s.handle >>> 24).toBe(0x02);
    const first = s.nonceTPM;
    await client.run('PCR_Extend', extend(16), { auth: { pcrHandle: { session: s } } });
    expect(s.nonceTPM).not.toEqual(first);
    await client.run('PCR_Extend', extend(16), { auth: { pcrHandle: { session: s } } });
  });

  it('a wrong authValue is TPM_RC_BAD_AUTH on session 1; the right one works', async () => {
    const { client, tpm } = await startedTpm({ profile });
    await client.run('PCR_SetAuthValue', { pcrHandle: 20, auth: new TextEncoder().encode('pcr-secret') } as never);
    // PCR 20 is extended from locality 1 (PC Client PCR attributes).
    const loc1 = createClient(inProcess(tpm, { locality: 1 }));
    const s = await client.startAuthSession({ hash: hashAlg });
    expect(await rcOf(loc1.run('PCR_Extend', extend(20), { auth: { pcrHandle: { session: s, authValue: 'wrong' } } }))).toBe(TPM_RC.BAD_AUTH | S1);
    await loc1.run('PCR_Extend', extend(20), { auth: { pcrHandle: { session: s, authValue: 'pcr-secret' } } });
  });

  it('a replayed command fails: the TPM nonce has moved on', async () => {
    const { client, tpm } = await startedTpm({ profile });
    const s = await client.startAuthSession({ hash: hashAlg });
    const bytes = client.encode('PCR_Extend', extend(16), { auth: { pcrHandle: { session: s } } });
    expect(new DataView(tpm.execute(bytes).buffer).getUint32(6)).toBe(0);
    expect(new DataView(tpm.execute(bytes).buffer).getUint32(6)).toBe(TPM_RC.BAD_AUTH | S1);
  });

  it('a bound session authorizes its bind entity without the authValue in the key', async () => {
    const { client, tpm } = await startedTpm({ profile });
    await client.run('PCR_SetAuthValue', { pcrHandle: 20, auth: new TextEncoder().encode('pw') } as never);
    const loc1 = createClient(inProcess(tpm, { locality: 1 }));
    const s = await client.startAuthSession({ hash: hashAlg, bind: { handle: 20, authValue: 'pw' } });
    await loc1.run('PCR_Extend', extend(20), { auth: { pcrHandle: { session: s, authValue: 'pw' } } });
    // Used for another entity the authValue is part of the key again.
    await client.run('PCR_Extend', extend(16), { auth: { pcrHandle: { session: s } } });
  });

  it('continueSession clear ends the session; FlushContext ends one; unknown handles fail', async () => {
    const { client } = await startedTpm({ profile });
    const s = await client.startAuthSession({ hash: hashAlg });
    s.continueSession = false;
    await client.run('PCR_Extend', extend(16), { auth: { pcrHandle: { session: s } } });
    expect(s.closed).toBe(true);
    s.continueSession = true;
    expect(await rcOf(client.run('PCR_Extend', extend(16), { auth: { pcrHandle: { session: s } } }))).toBe(TPM_RC.REFERENCE_S0);
    const t = await client.startAuthSession({ hash: hashAlg });
    await client.flush(t);
    expect(await rcOf(client.flush(t))).toBe(TPM_RC.HANDLE | P1);
  });

  it('session memory is bounded (TPM_RC_SESSION_MEMORY)', async () => {
    const { client, tpm } = await startedTpm({ profile });
    const max = tpm.profile.limits.MAX_LOADED_SESSIONS;
    for (let i = 0; i < max; i++) await client.startAuthSession({ hash: hashAlg });
    expect(await rcOf(client.startAuthSession({ hash: hashAlg }))).toBe(TPM_RC.SESSION_MEMORY);
  });

  it('checks StartAuthSession parameters', async () => {
    const { client } = await startedTpm({ profile });
    const base = {
      tpmKey: TPM_RH.NULL,
      bind: TPM_RH.NULL,
      nonceCaller: new Uint8Array(16),
      encryptedSalt: new Uint8Array(0),
      sessionType: TPM_SE.HMAC,
      symmetric: { algorithm: TPM_ALG.NULL, keyBits: null, mode: null },
      authHash: hashAlg,
    };
    expect(await rcOf(client.run('StartAuthSession', { ...base, nonceCaller: new Uint8Array(8) } as never))).toBe(TPM_RC.SIZE | P1);
    expect(await rcOf(client.run('StartAuthSession', { ...base, encryptedSalt: new Uint8Array(4) } as never))).toBe(TPM_RC.VALUE | TPM_RC.P | 0x200);
    expect(await rcOf(client.run('StartAuthSession', { ...base, sessionType: 7 } as never))).toBe(TPM_RC.VALUE | TPM_RC.P | 0x300);
    const ok = (await client.run('StartAuthSession', { ...base, sessionType: TPM_SE.POLICY } as never)) as { sessionHandle: number };
    expect(ok.sessionHandle >>> 24).toBe(0x03);
  });

  it('a policy session cannot authorize an entity without an authPolicy', async () => {
    const { client } = await startedTpm({ profile });
    const s = await client.startAuthSession({ hash: hashAlg, type: 'policy' });
    expect(await rcOf(client.run('PCR_Extend', extend(16), { auth: { pcrHandle: { session: s } } }))).toBe(TPM_RC.AUTH_UNAVAILABLE);
  });
});

describe('response HMAC after an authValue change', () => {
  it('HierarchyChangeAuth answers with an HMAC keyed by the new ownerAuth; the client checks it', async () => {
    const { client } = await startedTpm();
    const s = await client.startAuthSession({ hash: TPM_ALG.SHA256 });
    const newAuth = new TextEncoder().encode('new-owner');
    await client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth } as never, { auth: { authHandle: { session: s } } });
    // The session keeps working with the new value; the old one fails.
    await client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth: new Uint8Array(0) } as never, { auth: { authHandle: { session: s, authValue: newAuth } } });
    expect(await rcOf(client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth } as never, { auth: { authHandle: { session: s, authValue: 'x' } } }))).toBe(TPM_RC.BAD_AUTH | S1);
  });
});
