/** TPM2_Startup, TPM2_Shutdown and the dispatcher's front checks (Part 3 "Command Processing"). */
import { describe, expect, it } from 'vitest';
import { TPM_CC, TPM_RC, TPM_SU } from '../../src/gen/constants.js';
import { hex, rcOf, startedTpm, testTpm, toHex } from '../helpers/tpm.js';

/** Format-one: the code applies to parameter 1. */
const P1 = TPM_RC.P | 0x100;
const rcOfBytes = (response: Uint8Array) => new DataView(response.buffer, response.byteOffset).getUint32(6);

describe('TPM2_Startup / TPM2_Shutdown', () => {
  it('refuses commands before Startup with TPM_RC_INITIALIZE', async () => {
    const { client } = testTpm();
    expect(await rcOf(client.run('GetRandom', { bytesRequested: 8 }))).toBe(TPM_RC.INITIALIZE);
    await client.startup();
    expect((await client.run('GetRandom', { bytesRequested: 8 })).randomBytes.length).toBe(8);
  });

  it('refuses a second Startup with TPM_RC_INITIALIZE', async () => {
    const { client } = await startedTpm();
    expect(await rcOf(client.startup())).toBe(TPM_RC.INITIALIZE);
  });

  it('refuses Startup(STATE) without Shutdown(STATE): TPM_RC_VALUE on parameter 1', async () => {
    const { client } = testTpm();
    expect(await rcOf(client.startup('state'))).toBe(TPM_RC.VALUE | P1);
  });

  it('refuses an undefined startup type: TPM_RC_VALUE on parameter 1', async () => {
    const { tpm } = testTpm();
    const r = tpm.execute(hex('8001 0000000c 00000144 0002'));
    expect(rcOfBytes(r)).toBe(TPM_RC.VALUE | P1);
  });

  it('TPMA_STARTUP_CLEAR.orderly says whether the Startup matched an orderly Shutdown', async () => {
    const orderly = async (client: Awaited<ReturnType<typeof startedTpm>>['client']) => {
      const cap = await client.run('GetCapability', { capability: 6, property: 0x201, propertyCount: 1 });
      const props = (cap.capabilityData.data as { tpmProperty: { property: number; value: number }[] }).tpmProperty;
      return (props.find((p) => p.property === 0x201)!.value >>> 31) === 1;
    };
    const { tpm, client } = await startedTpm();
    expect(await orderly(client)).toBe(true); // a new TPM counts as shut down in order
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    expect(await orderly(client)).toBe(false);
    await client.shutdown('clear');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    expect(await orderly(client)).toBe(true);
  });

  it('a refused command after Shutdown(STATE) leaves the shutdown orderly; the first DA-protected authorization voids it (SU_DA_USED)', async () => {
    const { tpm, client } = await startedTpm();
    const index = 0x01500001;
    const nvPublic = { nvIndex: index, nameAlg: 0x0b, attributes: 0x00040004, authPolicy: new Uint8Array(0), dataSize: 4 }; // AUTHWRITE|AUTHREAD
    await client.run('NV_DefineSpace', { authHandle: 0x40000001, auth: new Uint8Array(0), publicInfo: { nvPublic } }, { auth: { authHandle: '' } });
    await client.shutdown('state');
    // NV_Read of an index that does not exist: refused at handle validation, before any authorization.
    expect(rcOfBytes(tpm.execute(hex('8002 00000023 0000014e 01500099 01500099 00000009 40000009 0000 00 0000 0004 0000')))).not.toBe(0);
    tpm.reset();
    await client.startup('state'); // still a TPM Resume
    await client.shutdown('state');
    // A wrong password for the DA-protected index: the first DA use after Shutdown voids it.
    await client.run('NV_Read', { authHandle: index, nvIndex: index, size: 4, offset: 0 }, { auth: { authHandle: 'wrong' } }).catch(() => undefined);
    tpm.reset();
    expect(rcOfBytes(tpm.execute(hex('8001 0000000c 00000144 0001')))).toBe(TPM_RC.VALUE | P1);
  });

  it('Resume after Shutdown(STATE) and power cycle: Startup(STATE) accepted', async () => {
    const { tpm, client } = await startedTpm();
    await client.shutdown('state');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup('state');
    expect((await client.run('GetRandom', { bytesRequested: 4 })).randomBytes.length).toBe(4);
  });
});

describe('dispatcher front checks', () => {
  it('answers short, oversized and mis-sized commands with TPM_RC_COMMAND_SIZE', () => {
    const { tpm } = testTpm();
    expect(rcOfBytes(tpm.execute(hex('8001 0000')))).toBe(TPM_RC.COMMAND_SIZE);
    expect(rcOfBytes(tpm.execute(hex('8001 0000000d 00000144 0000')))).toBe(TPM_RC.COMMAND_SIZE);
    expect(rcOfBytes(tpm.execute(new Uint8Array(0)))).toBe(TPM_RC.COMMAND_SIZE);
  });

  it('answers a command larger than TPM_PT_MAX_COMMAND_SIZE with TPM_RC_COMMAND_SIZE', async () => {
    const { tpm } = await startedTpm();
    const big = new Uint8Array(4097);
    big.set(hex('8001 00001001 00000146'));
    expect(rcOfBytes(tpm.execute(big))).toBe(TPM_RC.COMMAND_SIZE);
  });

  it('answers a bad tag with TPM_RC_BAD_TAG', () => {
    const { tpm } = testTpm();
    expect(rcOfBytes(tpm.execute(hex('c101 0000000c 00000144 0000')))).toBe(TPM_RC.BAD_TAG);
  });

  it('answers an undeclared command code with TPM_RC_COMMAND_CODE', async () => {
    const { tpm } = await startedTpm();
    expect(rcOfBytes(tpm.execute(hex('8001 0000000a 00000999')))).toBe(TPM_RC.COMMAND_CODE);
    expect(rcOfBytes(tpm.execute(hex('8001 0000000a 20000000')))).toBe(TPM_RC.COMMAND_CODE);
  });

  it('answers trailing parameter octets with TPM_RC_SIZE', async () => {
    const { tpm } = await startedTpm();
    expect(rcOfBytes(tpm.execute(hex('8001 0000000e 0000017b 0008 0000')))).toBe(TPM_RC.SIZE);
  });

  it('answers a session area on a no-sessions command with TPM_RC_AUTH_CONTEXT', () => {
    const { tpm } = testTpm();
    const startupWithPw = hex('8002 00000019 00000144 00000009 40000009 0000 01 0000 0000');
    expect(rcOfBytes(tpm.execute(startupWithPw))).toBe(TPM_RC.AUTH_CONTEXT);
  });

  it('answers a bad authorizationSize with TPM_RC_AUTHSIZE', async () => {
    const { tpm } = await startedTpm();
    // TPM2_StirRandom with tag SESSIONS and authorizationSize larger than what follows.
    expect(rcOfBytes(tpm.execute(hex('8002 00000010 00000146 000000ff 0000')))).toBe(TPM_RC.AUTHSIZE);
  });

  it('every response echoes a well-formed header', async () => {
    const { tpm } = await startedTpm();
    const r = tpm.execute(hex('8001 0000000c 0000017b 0010'));
    expect(toHex(r.subarray(0, 10))).toBe('80010000001c00000000');
    expect(r.length).toBe(0x1c);
  });

  it('is deterministic with a seed', async () => {
    const a = await startedTpm();
    const b = await startedTpm();
    const ra = await a.client.run('GetRandom', { bytesRequested: 32 });
    const rb = await b.client.run('GetRandom', { bytesRequested: 32 });
    expect(ra).toEqual(rb);
    const c = await startedTpm({ seed: 'another seed' });
    expect((await c.client.run('GetRandom', { bytesRequested: 32 })).randomBytes).not.toEqual(ra.randomBytes);
  });

  it('commands still answer after Shutdown; TPM_CC values are the spec ones', async () => {
    const { client } = await startedTpm();
    await client.shutdown('clear');
    expect((await client.run('GetRandom', { bytesRequested: 1 })).randomBytes.length).toBe(1);
    expect(TPM_CC.Startup).toBe(0x144);
    expect(TPM_SU.STATE).toBe(1);
  });
});

describe('TPM2_GetRandom / TPM2_StirRandom', () => {
  it('caps a request at the largest digest size', async () => {
    const { client } = await startedTpm();
    expect((await client.run('GetRandom', { bytesRequested: 1000 })).randomBytes.length).toBe(64);
    expect((await client.run('GetRandom', { bytesRequested: 0 })).randomBytes.length).toBe(0);
  });

  it('StirRandom changes what follows; a too-large input is TPM_RC_SIZE on parameter 1', async () => {
    const a = await startedTpm();
    const b = await startedTpm();
    await a.client.run('StirRandom', { inData: hex('0102030405') });
    expect((await a.client.run('GetRandom', { bytesRequested: 16 })).randomBytes).not.toEqual((await b.client.run('GetRandom', { bytesRequested: 16 })).randomBytes);
    expect(await rcOf(a.client.run('StirRandom', { inData: new Uint8Array(200) }))).toBe(TPM_RC.SIZE | P1);
  });
});
