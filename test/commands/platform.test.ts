/** Platform-side behaviour: failure mode, storage that cannot be written, power signals. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { TPM_CAP, TPM_CC, TPM_RC, TPM_RH } from '../../src/gen/constants.js';
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

  it('physical presence: PP_Commands always needs it; commands it adds need it under platformAuth', async () => {
    const { tpm, client } = await startedTpm();
    const S1 = TPM_RC.S | 0x100;
    const ppList = async () => (await client.run('GetCapability', { capability: TPM_CAP.PP_COMMANDS, property: 0, propertyCount: 64 })).capabilityData.data;
    const setList = (codes: number[]) => ({ auth: TPM_RH.PLATFORM, setList: { commandCodes: codes }, clearList: { commandCodes: [] } });
    expect(await rcOf(client.run('PP_Commands', setList([TPM_CC.ClockSet])))).toBe(TPM_RC.PP | S1);
    tpm.setPhysicalPresence(true);
    // ClockSet is declared +PP and goes on the list; GetRandom is not and is ignored.
    await client.run('PP_Commands', setList([TPM_CC.ClockSet, TPM_CC.GetRandom]));
    expect(await ppList()).toEqual({ commandCodes: [TPM_CC.ClockSet, TPM_CC.PP_Commands] });
    tpm.setPhysicalPresence(false);
    const clockSet = (auth: number) => client.run('ClockSet', { auth, newTime: 10_000_000n });
    expect(await rcOf(clockSet(TPM_RH.PLATFORM))).toBe(TPM_RC.PP | S1);
    // The owner authorizing needs no physical presence.
    await clockSet(TPM_RH.OWNER);
    tpm.setPhysicalPresence(true);
    await client.run('ClockSet', { auth: TPM_RH.PLATFORM, newTime: 20_000_000n });
    // PP_Commands cannot take itself off the list.
    await client.run('PP_Commands', { auth: TPM_RH.PLATFORM, setList: { commandCodes: [] }, clearList: { commandCodes: [TPM_CC.ClockSet, TPM_CC.PP_Commands] } });
    expect(await ppList()).toEqual({ commandCodes: [TPM_CC.PP_Commands] });
  });
});
