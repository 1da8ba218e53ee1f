/** Platform-side behaviour: failure mode, storage that cannot be written, power signals. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { TPM_RC } from '../../src/gen/constants.js';
import { createTpm, memoryStorage, type Storage } from '../../src/tpm/engine.js';
import { rcOf, startedTpm } from '../helpers/tpm.js';

describe('platform behaviour', () => {
  it('failure mode: only GetTestResult and GetCapability answer', async () => {
    const { tpm, client } = await startedTpm();
    tpm.enterFailureMode('test');
    expect(await rcOf(client.run('GetRandom', { bytesRequested: 4 }))).toBe(TPM_RC.FAILURE);
    const r = await client.run('GetTestResult', {});
    expect(r.testResult).toBe(TPM_RC.FAILURE);
  });

  it('a storage write that fails answers TPM_RC_NV_UNAVAILABLE and changes nothing', async () => {
    const inner = memoryStorage();
    let broken = false;
    const storage: Storage = {
      load: () => inner.load(),
      save: (b) => {
        if (broken) throw new Error('disk full');
        inner.save(b);
      },
    };
    const tpm = createTpm({ seed: 'x', storage });
    const client = createClient(inProcess(tpm));
    broken = true;
    // Startup is a TPM Reset: it writes resetCount to NV, so it cannot happen without NV.
    expect(await rcOf(client.startup())).toBe(TPM_RC.NV_UNAVAILABLE);
    expect(await rcOf(client.run('GetRandom', { bytesRequested: 1 }))).toBe(TPM_RC.INITIALIZE);
    broken = false;
    await client.startup();
    expect((await client.run('GetRandom', { bytesRequested: 1 })).randomBytes.length).toBe(1);
  });

  it('commands while powered off fail; power on is _TPM_Init (Startup needed again)', async () => {
    const { tpm, client } = await startedTpm();
    tpm.powerOff();
    expect(tpm.poweredOn).toBe(false);
    expect(await rcOf(client.run('GetRandom', { bytesRequested: 1 }))).toBe(TPM_RC.FAILURE);
    tpm.powerOn();
    tpm.powerOn(); // ignored when already on
    expect(await rcOf(client.run('GetRandom', { bytesRequested: 1 }))).toBe(TPM_RC.INITIALIZE);
    await client.startup();
  });
});
