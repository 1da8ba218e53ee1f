/**
 * TPM2_ReadClock (Part 3 "Clocks and Timers"): Time, Clock, resetCount, restartCount and safe
 * (Part 1 "Time", "Clock"; Part 2 "TPMS_TIME_INFO") against the fake clock of the test TPM.
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { TPM_RC } from '../../src/gen/constants.js';
import { hex, rcOf, startedTpm, testTpm, toHex } from '../helpers/tpm.js';

const readClock = async (client: Client) => (await client.run('ReadClock', {})).currentTime;

describe.each(['tpm2', 'tcm2'])('TPM2_ReadClock, profile %s', (profile) => {
  it('refuses to answer before Startup: TPM_RC_INITIALIZE', async () => {
    const { client } = testTpm({ profile });
    expect(await rcOf(client.run('ReadClock', {}))).toBe(TPM_RC.INITIALIZE);
  });

  it('Time and Clock advance with the clock; the first Startup is a TPM Reset', async () => {
    const { client, tick } = await startedTpm({ profile });
    const t0 = await readClock(client);
    expect(t0).toEqual({ time: 0n, clockInfo: { clock: 0n, resetCount: 1, restartCount: 0, safe: 1 } });
    tick(5_000);
    const t1 = await readClock(client);
    expect(t1.time).toBe(5_000n);
    expect(t1.clockInfo.clock).toBe(5_000n);
    tick(1);
    expect((await readClock(client)).time).toBe(5_001n);
    // Fractions of a millisecond are not reported.
    tick(0.75);
    expect((await readClock(client)).clockInfo.clock).toBe(5_001n);
  });

  it('the response is TPMS_TIME_INFO on the wire: time, clock, resetCount, restartCount, safe', async () => {
    const { tpm, tick } = await startedTpm({ profile });
    tick(0x1234);
    const r = tpm.execute(hex('8001 0000000a 00000181'));
    expect(toHex(r)).toBe('8001' + '00000023' + '00000000' + '0000000000001234' + '0000000000001234' + '00000001' + '00000000' + '01');
  });

  it('TPM Reset: resetCount + 1, restartCount 0; Time restarts at power on; Clock goes on from the value Shutdown saved', async () => {
    const { tpm, client, tick } = await startedTpm({ profile });
    tick(10_000);
    await client.shutdown('clear');
    tick(500); // after Shutdown, before power loss: not saved
    tpm.powerOff();
    tick(60_000); // powered off: Clock does not advance
    tpm.powerOn();
    tick(250);
    await client.startup();
    const t = await readClock(client);
    expect(t.time).toBe(250n);
    expect(t.clockInfo).toEqual({ clock: 10_250n, resetCount: 2, restartCount: 0, safe: 1 });
  });

  it('TPM Restart (Shutdown(STATE), Startup(CLEAR)) and TPM Resume (Startup(STATE)): restartCount + 1 each', async () => {
    const { tpm, client } = await startedTpm({ profile });
    await client.shutdown('state');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup('clear');
    expect((await readClock(client)).clockInfo).toMatchObject({ resetCount: 1, restartCount: 1 });
    await client.shutdown('state');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup('state');
    expect((await readClock(client)).clockInfo).toMatchObject({ resetCount: 1, restartCount: 2 });
    await client.shutdown('clear');
    tpm.reset();
    await client.startup();
    expect((await readClock(client)).clockInfo).toMatchObject({ resetCount: 2, restartCount: 0 });
  });

  it('power lost without Shutdown: Clock falls back to its last NV value and safe is NO', async () => {
    const { tpm, client, tick } = await startedTpm({ profile });
    tick(3_000);
    await client.shutdown('clear');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    tick(1_000);
    // 4000 ms: no 4096 ms boundary passed since the value saved at Shutdown (3000): not written.
    expect((await readClock(client)).clockInfo.clock).toBe(4_000n);
    tpm.powerOff(); // no Shutdown
    tpm.powerOn();
    await client.startup();
    const t = await readClock(client);
    expect(t.time).toBe(0n);
    expect(t.clockInfo).toEqual({ clock: 3_000n, resetCount: 3, restartCount: 0, safe: 0 });
  });

  it('Clock is written to NV every 2^12 ms; a written Clock is safe again', async () => {
    const { tpm, client, tick } = await startedTpm({ profile });
    tick(1_000);
    await readClock(client);
    tpm.powerOff(); // no Shutdown: Clock back to 0, safe NO
    tpm.powerOn();
    await client.startup();
    expect((await readClock(client)).clockInfo).toMatchObject({ clock: 0n, safe: 0 });
    tick(4_100); // passes 4096: Clock goes to NV
    expect((await readClock(client)).clockInfo).toMatchObject({ clock: 4_100n, safe: 1 });
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    expect((await readClock(client)).clockInfo).toMatchObject({ clock: 4_100n, safe: 0 });
  });

  it('reading the clock changes no state', async () => {
    const { tpm, client, tick } = await startedTpm({ profile });
    tick(42);
    const before = tpm.snapshot();
    expect((await readClock(client)).time).toBe(42n);
    expect(toHex(tpm.snapshot())).toBe(toHex(before));
  });
});
