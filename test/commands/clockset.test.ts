/**
 * TPM2_ClockSet and TPM2_ClockRateAdjust (Part 3 "Clocks and Timers"): Clock only goes forward,
 * goes to NV when it passes an update interval, and ReadClock reports it; rate adjustments are
 * recorded without changing the clock port's time.
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { TPM_CLOCK, TPM_RC, TPM_RH } from '../../src/gen/constants.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';

const H1 = TPM_RC.H | 0x100;
const P1 = TPM_RC.P | 0x100;
const clockInfo = async (client: Client) => (await client.run('ReadClock', {})).currentTime.clockInfo;
const clockSet = (client: Client, newTime: bigint, auth: number = TPM_RH.OWNER) => client.run('ClockSet', { auth, newTime });

describe.each(['tpm2', 'tcm2'])('TPM2_ClockSet / TPM2_ClockRateAdjust, profile %s', (profile) => {
  it('sets Clock forward; Clock advances from the new value; Time is unchanged', async () => {
    const { client, tick } = await startedTpm({ profile });
    tick(1_000);
    await clockSet(client, 1_000_000n);
    let t = (await client.run('ReadClock', {})).currentTime;
    expect([t.time, t.clockInfo.clock]).toEqual([1_000n, 1_000_000n]);
    tick(500);
    t = (await client.run('ReadClock', {})).currentTime;
    expect([t.time, t.clockInfo.clock]).toEqual([1_500n, 1_000_500n]);
    // Platform authorization works too; setting the current value is allowed.
    await clockSet(client, 1_000_500n, TPM_RH.PLATFORM);
  });

  it('refuses to go back or beyond 0xFFFF000000000000: TPM_RC_VALUE on parameter 1', async () => {
    const { client, tick } = await startedTpm({ profile });
    tick(5_000);
    expect(await rcOf(clockSet(client, 4_999n))).toBe(TPM_RC.VALUE | P1);
    expect(await rcOf(clockSet(client, 0xffff000000000001n))).toBe(TPM_RC.VALUE | P1);
    expect((await clockInfo(client)).clock).toBe(5_000n);
  });

  it('takes TPM_RH_OWNER or TPM_RH_PLATFORM only (TPM_RC_VALUE on handle 1)', async () => {
    const { client } = await startedTpm({ profile });
    expect(await rcOf(clockSet(client, 10n, TPM_RH.ENDORSEMENT))).toBe(TPM_RC.VALUE | H1);
    expect(await rcOf(client.run('ClockRateAdjust', { auth: TPM_RH.LOCKOUT, rateAdjust: 0 }))).toBe(TPM_RC.VALUE | H1);
  });

  it('a new Clock past the NV update interval is written to NV (safe YES) and survives power loss; a small step is not', async () => {
    const { client, tpm } = await startedTpm({ profile });
    await clockSet(client, 1_000n); // within the first 4096 ms interval: not written
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    expect(await clockInfo(client)).toMatchObject({ clock: 0n, safe: 0 });
    await clockSet(client, 100_000n);
    expect(await clockInfo(client)).toMatchObject({ clock: 100_000n, safe: 1 });
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    expect((await clockInfo(client)).clock).toBe(100_000n);
  });

  it('Shutdown saves the set Clock; the next TPM Reset goes on from it', async () => {
    const { client, tpm, tick } = await startedTpm({ profile });
    await clockSet(client, 2_000n);
    tick(100);
    await client.shutdown('clear');
    tpm.reset();
    await client.startup();
    expect(await clockInfo(client)).toMatchObject({ clock: 2_100n, safe: 1 });
  });

  it('ClockRateAdjust accepts every TPM_CLOCK_ADJUST; other values are TPM_RC_VALUE on parameter 1; the clock port stays the time source', async () => {
    const { client, tick, tpm } = await startedTpm({ profile });
    const before = toHex(tpm.snapshot());
    await client.run('ClockRateAdjust', { auth: TPM_RH.OWNER, rateAdjust: TPM_CLOCK.NO_CHANGE });
    expect(toHex(tpm.snapshot())).toBe(before);
    for (const v of Object.values(TPM_CLOCK)) await client.run('ClockRateAdjust', { auth: TPM_RH.PLATFORM, rateAdjust: v });
    for (let i = 0; i < 40; i++) await client.run('ClockRateAdjust', { auth: TPM_RH.OWNER, rateAdjust: TPM_CLOCK.COARSE_SLOWER });
    expect(await rcOf(client.run('ClockRateAdjust', { auth: TPM_RH.OWNER, rateAdjust: 4 }))).toBe(TPM_RC.VALUE | P1);
    expect(await rcOf(client.run('ClockRateAdjust', { auth: TPM_RH.OWNER, rateAdjust: -4 }))).toBe(TPM_RC.VALUE | P1);
    tick(1_000);
    expect((await client.run('ReadClock', {})).currentTime.time).toBe(1_000n);
  });
});
