/**
 * Part 3 "TPM2_SetAlgorithmSet": the platform records a vendor-dependent algorithm set, reported
 * as TPM_PT_ALGORITHM_SET and kept in NV across power cycles; other hierarchies cannot set it.
 */
import { describe, expect, it } from 'vitest';
import { TPM_CAP, TPM_CC, TPM_PT, TPM_RC, TPM_RH } from '../../src/gen/constants.js';
import type { TPML_TAGGED_TPM_PROPERTY } from '../../src/gen/types.js';
import { rcOf, startedTpm } from '../helpers/tpm.js';

describe.each(['tpm2', 'tcm2'])('TPM2_SetAlgorithmSet (%s)', (profile) => {
  it('platform authorization sets TPM_PT_ALGORITHM_SET, which survives a power cycle; owner authorization is refused', async () => {
    const { tpm, client } = await startedTpm({ profile });
    const algorithmSet = async () => {
      const r = await client.run('GetCapability', { capability: TPM_CAP.TPM_PROPERTIES, property: TPM_PT.ALGORITHM_SET, propertyCount: 1 });
      return (r.capabilityData.data as TPML_TAGGED_TPM_PROPERTY).tpmProperty.find((p) => p.property === TPM_PT.ALGORITHM_SET)?.value;
    };
    const commands = await client.run('GetCapability', { capability: TPM_CAP.COMMANDS, property: TPM_CC.SetAlgorithmSet, propertyCount: 1 });
    expect(((commands.capabilityData.data as { commandAttributes: number[] }).commandAttributes[0] & 0xffff) >>> 0).toBe(TPM_CC.SetAlgorithmSet);
    expect(await algorithmSet()).toBe(0);
    await client.run('SetAlgorithmSet', { authHandle: TPM_RH.PLATFORM, algorithmSet: 7 }, { auth: { authHandle: '' } });
    expect(await algorithmSet()).toBe(7);
    await client.shutdown('clear');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    expect(await algorithmSet()).toBe(7);
    expect(await rcOf(client.run('SetAlgorithmSet', { authHandle: TPM_RH.OWNER, algorithmSet: 1 } as never, { auth: { authHandle: '' } }))).toBe(TPM_RC.VALUE | TPM_RC.H | 0x100);
  });
});
