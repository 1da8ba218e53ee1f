/** snapshot() and createTpm({ snapshot }): the whole TPM state moves and continues exactly. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { TPM_RC } from '../../src/gen/constants.js';
import { createTpm, memoryStorage } from '../../src/tpm/engine.js';
import { rcOf, startedTpm } from '../helpers/tpm.js';

describe('snapshot / restore', () => {
  it('a restored TPM is started and continues the same random stream', async () => {
    const { tpm, client } = await startedTpm();
    await client.run('GetRandom', { bytesRequested: 5 });
    const copy = createTpm({ snapshot: tpm.snapshot() });
    const c2 = createClient(inProcess(copy));
    const a = await client.run('GetRandom', { bytesRequested: 48 });
    const b = await c2.run('GetRandom', { bytesRequested: 48 });
    expect(b).toEqual(a);
    expect(await rcOf(c2.startup())).toBe(TPM_RC.INITIALIZE);
  });

  it('refuses a snapshot of another profile and corrupt octets, naming the problem', async () => {
    const { tpm } = await startedTpm();
    const snap = tpm.snapshot();
    expect(() => createTpm({ snapshot: snap, profile: 'tcm2' })).toThrow(/profile 'tpm2'/);
    expect(() => createTpm({ snapshot: snap.subarray(0, 20) })).toThrow(/corrupt/);
    expect(() => createTpm({ snapshot: new Uint8Array(30) })).toThrow(/not a vtpm snapshot/);
  });

  it('storage keeps the persistent state across TPM instances (resetCount grows)', async () => {
    const storage = memoryStorage();
    const first = createTpm({ seed: 's', storage });
    await createClient(inProcess(first)).startup();
    const saved = storage.saved!;
    expect(saved.length).toBeGreaterThan(10);
    const second = createTpm({ seed: 's', storage });
    const c = createClient(inProcess(second));
    await c.startup();
    // Two TPM Resets on the same persistent state: the snapshot differs from the first save.
    expect(storage.saved).not.toEqual(saved);
  });
});
