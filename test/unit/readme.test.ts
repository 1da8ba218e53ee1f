/** The README's library example, run as written (through the package's public entry). */
import { describe, expect, it } from 'vitest';
import { createClient, createTpm, inProcess, TPM_ALG, TpmError } from '../../src/index.js';
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
