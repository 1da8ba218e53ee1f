/** The README's library example, run as written (through the package's public entry). */
import { describe, expect, it } from 'vitest';
import { akTemplate, createClient, createPolicy, ekPolicyA, createTpm, crypto, ekTemplate, inProcess, makeCredential, srkTemplate, TPM_ALG, TPM_RH, TpmError, verifySignature } from '../../src/index.js';
import type { TPMT_PUBLIC } from '../../src/index.js';
import { fileStorage, serve, tcpTransport } from '../../src/node/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('README examples', () => {
  it('library use', async () => {
    const tpm = createTpm({ profile: 'tpm2', seed: 'my test seed' });
    const client = createClient(inProcess(tpm));
    await client.startup();
    const { randomBytes } = await client.run('GetRandom', { bytesRequested: 16 });
    expect(randomBytes.length).toBe(16);
    await client.run('PCR_Extend', {
      pcrHandle: 16,
      digests: { digests: [{ hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32).fill(1) }] },
    } as never);
    const session = await client.startAuthSession({ hash: TPM_ALG.SHA256 });
    await client.run('PCR_Extend', { pcrHandle: 16, digests: { digests: [] } } as never, { auth: { pcrHandle: { session } } });
    const e = await client.run('PCR_Reset', { pcrHandle: 0 } as never).catch((x) => x);
    expect(e).toBeInstanceOf(TpmError);
    expect((e as TpmError).code).toBe('TPM_RC_LOCALITY');
    const copy = createTpm({ snapshot: tpm.snapshot() });
    expect(copy.profile.name).toBe('tpm2');
  });

  it('keys, signatures and credential activation', async () => {
    const client = createClient(inProcess(createTpm({ seed: 'keys demo' })));
    await client.startup();
    const empty = new Uint8Array(0);
    const noCreation = { outsideInfo: empty, creationPCR: { pcrSelections: [] } };
    const primary = (primaryHandle: number, publicArea: TPMT_PUBLIC) =>
      client.run('CreatePrimary', { primaryHandle, inSensitive: { sensitive: { userAuth: empty, data: empty } }, inPublic: { publicArea }, ...noCreation });

    // An EK (TCG EK Credential Profile template L-2, ECC P-256) and an SRK, both derived from seeds.
    const ek = await primary(TPM_RH.ENDORSEMENT, ekTemplate('L-2'));
    const srk = await primary(TPM_RH.OWNER, srkTemplate({ alg: 'ecc-p256' }));
    // An attestation key under the SRK: created (wrapped by the SRK), then loaded.
    const created = await client.run('Create', { parentHandle: srk.objectHandle, inSensitive: { sensitive: { userAuth: empty, data: empty } }, inPublic: { publicArea: akTemplate({ alg: 'ecc-p256' }) }, ...noCreation });
    const ak = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: created.outPrivate, inPublic: created.outPublic });

    // A restricted key signs a digest the TPM computed itself (the hash-check ticket says so).
    const { outHash, validation } = await client.run('Hash', { data: new TextEncoder().encode('hello'), hashAlg: TPM_ALG.SHA256, hierarchy: TPM_RH.OWNER });
    const { signature } = await client.run('Sign', { keyHandle: ak.objectHandle, digest: outHash, inScheme: { scheme: TPM_ALG.NULL, details: null }, validation });
    expect(verifySignature(created.outPublic.publicArea, outHash, signature)).toBe(true); // on the host

    // A verifier makes a credential for the AK's Name under the EK, without a TPM ...
    const secret = new TextEncoder().encode('enrolment secret');
    const { credentialBlob, secret: encryptedSecret } = makeCredential(ek.outPublic.publicArea, secret, ak.name, crypto.systemRng());
    // ... and only this TPM, holding both keys, gets it back. The EK's policy is PolicySecret(endorsement).
    const session = await client.startAuthSession({ type: 'policy' });
    await client.run('PolicySecret', { authHandle: TPM_RH.ENDORSEMENT, policySession: session.handle, nonceTPM: empty, cpHashA: empty, policyRef: empty, expiration: 0 });
    const { certInfo } = await client.run('ActivateCredential', { activateHandle: ak.objectHandle, keyHandle: ek.objectHandle, credentialBlob, secret: encryptedSecret }, { auth: { keyHandle: { session } } });
    expect(new TextDecoder().decode(certInfo)).toBe('enrolment secret');

    // A salted session that encrypts what goes to the TPM and what comes back.
    const encrypted = await client.startAuthSession({
      salt: { handle: srk.objectHandle, publicArea: srk.outPublic.publicArea },
      symmetric: { algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB },
    });
    encrypted.encrypt = true; // the TPM encrypts the first response parameter
    const { randomBytes } = await client.run('GetRandom', { bytesRequested: 16 }, { encryptSession: encrypted });
    expect(randomBytes.length).toBe(16);
  });

  it('manufacturing', async () => {
    const { manufacture, readNvCertificate, verifyCertificate } = await import('../../src/index.js');
    const log: unknown[][] = [];
    const console = { log: (...a: unknown[]) => log.push(a) };
    // --- README ---
    const client = createClient(inProcess(createTpm({ seed: 'factory' })));
    await client.startup();
    const { eks, ca } = await manufacture(client);
    console.log(eks.map((ek) => ek.handle.toString(16)));
    const cert = await readNvCertificate(client, 0x01c0000a);
    console.log(verifyCertificate(cert, ca.certificate));
    console.log(ca.pem());
    // --- end ---
    expect(log[0]).toEqual([['81010001', '81010002']]);
    expect(log[1]).toEqual([true]);
    expect(String(log[2][0])).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('measured boot and runtime measurement', async () => {
    const { measureBoot, typicalLinuxVm, replayEventLog, readPcrBanks, measureRuntime, typicalRuntimeEvents, formatImaAscii, replayIma } = await import('../../src/index.js');
    type ImaEntry = import('../../src/index.js').ImaEntry;
    const log: unknown[][] = [];
    const console = { log: (...a: unknown[]) => log.push(a) };
    // --- README ---
    const client = createClient(inProcess(createTpm({ profile: 'tpm2', seed: 'vm-42' })));
    await client.startup();
    const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
    const boot = await measureBoot(client, typicalLinuxVm({ instanceId: 'vm-42' }));
    const replayed = replayEventLog(boot.eventLog);
    const pcrs = await readPcrBanks(client, boot.banks, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    console.log(same(replayed[TPM_ALG.SHA256][9], pcrs[TPM_ALG.SHA256][9]));
    const ima: ImaEntry[] = [];
    await measureRuntime(client, ima, typicalRuntimeEvents());
    await measureRuntime(client, ima, [{ path: '/usr/local/bin/app', content: new TextEncoder().encode('#!/bin/sh\necho hi\n') }]);
    const ascii = formatImaAscii(ima);
    const pcr10 = await readPcrBanks(client, boot.banks, [10]);
    console.log(same(replayIma(ima, boot.banks)[TPM_ALG.SHA256], pcr10[TPM_ALG.SHA256][10]));
    // --- end ---
    expect(log).toEqual([[true], [true]]);
    expect(ascii).toMatch(/^10 [0-9a-f]{40} ima-ng sha256:[0-9a-f]{64} boot_aggregate/);
  });

  it('verification service and baselines', async () => {
    const { akTemplate: akT, createVerifier, measureBoot, measureRuntime, typicalLinuxVm, typicalRuntimeEvents, standInBytes, formatReport, TPM_RH: RH } = await import('../../src/index.js');
    const { fileBaselineStore } = await import('../../src/node/index.js');
    type ImaEntry = import('../../src/index.js').ImaEntry;
    const dir = mkdtempSync(join(tmpdir(), 'vtpm-readme-verify-'));
    const log: unknown[][] = [];
    const console = { log: (...a: unknown[]) => log.push(a) };
    try {
      // --- README ---
      const tpm = createTpm({ seed: 'vm-42' });
      const client = createClient(inProcess(tpm));
      const verifier = createVerifier({ store: fileBaselineStore(join(dir, 'baselines')) });
      const empty = new Uint8Array(0);
      async function boot(vm?: Parameters<typeof typicalLinuxVm>[0]) {
        await client.startup();
        const { eventLog } = await measureBoot(client, typicalLinuxVm(vm));
        const ima: ImaEntry[] = [];
        await measureRuntime(client, ima, typicalRuntimeEvents());
        const ak = await client.run('CreatePrimary', {
          primaryHandle: RH.OWNER,
          inSensitive: { sensitive: { userAuth: empty, data: empty } },
          inPublic: { publicArea: akT({ alg: 'ecc-p256' }) },
          outsideInfo: empty,
          creationPCR: { pcrSelections: [] },
        });
        const nonce = globalThis.crypto.getRandomValues(new Uint8Array(16));
        const PCRselect = { pcrSelections: [{ hash: TPM_ALG.SHA256, pcrSelect: Uint8Array.of(0xff, 0x07, 0) }] };
        const q = await client.run('Quote', { signHandle: ak.objectHandle, qualifyingData: nonce, inScheme: { scheme: TPM_ALG.NULL, details: null }, PCRselect } as never);
        await client.shutdown();
        tpm.reset();
        return { akPublic: ak.outPublic.publicArea, quoted: q.quoted, signature: q.signature, nonce, eventLog, ima };
      }
      let r = await verifier.verify('vm-42', await boot(), { recordIfNew: true });
      console.log(r.recorded, r.report.verdict);
      const update = await boot({ kernel: standInBytes('vmlinuz 6.8.0-47', 65536) });
      r = await verifier.verify('vm-42', update);
      console.log(formatReport(r.report, { instance: 'vm-42' }));
      await verifier.accept('vm-42', r.report, { by: 'alice', reason: 'kernel 6.8.0-47' });
      console.log((await verifier.verify('vm-42', update)).report.verdict);
      console.log(await verifier.history('vm-42'));
      // --- end ---
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(log[0]).toEqual([true, 'trusted']);
    expect(String(log[1][0])).toMatch(/^instance vm-42: UNTRUSTED/);
    expect(String(log[1][0])).toMatch(/PCR {2}9 untrusted/);
    expect(log[2]).toEqual(['trusted']);
    expect((log[3][0] as { action: string; by: string }[]).map((h) => `${h.action} ${h.by}`)).toEqual(['record vtpm', 'accept alice']);
  });

  it('createPolicy computes the EK PolicyA', () => {
    expect(createPolicy(TPM_ALG.SHA256).secret(TPM_RH.ENDORSEMENT).digest()).toEqual(ekPolicyA(TPM_ALG.SHA256));
  });

  it('vtpm/node use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtpm-readme-'));
    const server = await serve({ protocol: 'swtpm', port: 0, tpmOptions: { storage: fileStorage(dir) }, logger: { info() {}, warn() {}, error() {}, log() {} } as never });
    try {
      const client = createClient(tcpTransport({ protocol: 'swtpm', host: '127.0.0.1', port: server.address.port }));
      await client.startup();
      expect((await client.run('GetRandom', { bytesRequested: 4 })).randomBytes.length).toBe(4);
      await client.close();
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
