/** serve({protocol: 'swtpm'}): the data channel and the control channel (swtpm's tpm_ioctl.h). */
import { afterEach, describe, expect, it } from 'vitest';
import { TPM_RC } from '../../src/gen/constants.js';
import { PTM_CAP, SWTPM_CMD } from '../../src/node/protocol.js';
import type { Server } from '../../src/node/server.js';
import { CMD, hexBuf, rawConnect, rcOf, sleep, testServer, u32 } from './net-helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Parameters<typeof testServer>[0] = { protocol: 'swtpm' }) {
  const s = await testServer(options);
  servers.push(s);
  return s;
}

type Raw = Awaited<ReturnType<typeof rawConnect>>;

async function readRaw(c: Raw): Promise<Buffer> {
  const head = await c.read(10);
  return Buffer.concat([head, await c.read(head.readUInt32BE(2) - 10)]);
}

async function ctrl(c: Raw, cmd: number, body: Buffer = Buffer.alloc(0), replyBytes = 4): Promise<Buffer> {
  await c.write(u32(cmd), body);
  return c.read(replyBytes);
}

describe('swtpm data channel', () => {
  it('runs raw commands split across writes and pipelined in one write', async () => {
    const server = await start();
    const c = await rawConnect(server.address.port);
    const startup = hexBuf(CMD.startupClear);
    await c.write(startup.subarray(0, 3));
    await sleep(10);
    await c.write(startup.subarray(3, 10));
    await sleep(10);
    await c.write(startup.subarray(10));
    expect(rcOf(await readRaw(c))).toBe(TPM_RC.SUCCESS);
    await c.write(CMD.getRandom8 + CMD.getRandom8);
    expect((await readRaw(c)).length).toBe(20);
    expect((await readRaw(c)).length).toBe(20);
  });

  it('accepts the optional mssim-style header and answers in its framing', async () => {
    const server = await start();
    const c = await rawConnect(server.address.port);
    const body = hexBuf(CMD.startupClear);
    await c.write(u32(8), Buffer.from([0]), u32(body.length));
    await sleep(10);
    await c.write(body);
    const n = await c.u32();
    expect(rcOf(await c.read(n))).toBe(TPM_RC.SUCCESS);
    expect(await c.u32()).toBe(0);
    // And a raw command on the same connection afterwards.
    await c.write(CMD.getRandom8);
    expect(rcOf(await readRaw(c))).toBe(TPM_RC.SUCCESS);
  });

  it('drops a connection whose command size is below a header or over the limit; others keep working', async () => {
    const server = await start();
    const good = await rawConnect(server.address.port);
    const small = await rawConnect(server.address.port);
    await small.write('8001 00000004 0000');
    await small.ended;
    const big = await rawConnect(server.address.port);
    await big.write('8001 00200000 00000144');
    await big.ended;
    expect(server.log).toHaveLength(2);
    expect(server.log[0]).toMatch(/swtpm data .*dropped: TPM command size 4 is smaller than a command header/);
    expect(server.log[1]).toMatch(/TPM command size 2097152 exceeds the limit of 1048576 bytes/);
    await good.write(CMD.startupClear);
    expect(rcOf(await readRaw(good))).toBe(TPM_RC.SUCCESS);
  });

  it('serialises commands from several connections onto the one TPM', async () => {
    const server = await start();
    const conns = await Promise.all(Array.from({ length: 5 }, () => rawConnect(server.address.port)));
    await conns[0].write(CMD.startupClear);
    await readRaw(conns[0]);
    await Promise.all(conns.map((c) => c.write(CMD.getRandom8 + CMD.getRandom8)));
    const outs = await Promise.all(conns.map(async (c) => [await readRaw(c), await readRaw(c)]));
    const randoms = new Set(outs.flat().map((r) => r.subarray(12).toString('hex')));
    expect(randoms.size).toBe(10);
  });
});

describe('swtpm control channel', () => {
  it('GET_CAPABILITY lists everything but SET_DATAFD', async () => {
    const server = await start();
    const c = await rawConnect(server.address.platformPort);
    const r = await ctrl(c, SWTPM_CMD.GET_CAPABILITY, undefined, 8);
    expect(r.readUInt32BE(0)).toBe(0);
    const caps = r.readUInt32BE(4);
    expect(caps & PTM_CAP.SET_DATAFD).toBe(0);
    expect(caps & PTM_CAP.SEND_COMMAND_HEADER).toBeTruthy();
    expect(caps & PTM_CAP.GET_STATEBLOB).toBeTruthy();
  });

  it('SET_LOCALITY takes the 1-byte (tpm2-tss) and 4-byte (QEMU) request forms; 5 is refused', async () => {
    const server = await start();
    const c = await rawConnect(server.address.platformPort);
    expect((await ctrl(c, SWTPM_CMD.SET_LOCALITY, Buffer.from([3]))).readUInt32BE(0)).toBe(0);
    expect((await ctrl(c, SWTPM_CMD.SET_LOCALITY, Buffer.from([0, 0xaa, 0xbb, 0xcc]))).readUInt32BE(0)).toBe(0);
    expect((await ctrl(c, SWTPM_CMD.SET_LOCALITY, Buffer.from([5]))).readUInt32BE(0)).toBe(0x3d);
    expect((await ctrl(c, SWTPM_CMD.GET_CONFIG, undefined, 8)).equals(u32(0, 0))).toBe(true);
  });

  it('INIT power-cycles the TPM; STOP makes the data channel fail until INIT', async () => {
    const server = await start();
    const c = await rawConnect(server.address.platformPort);
    const d = await rawConnect(server.address.port);
    await d.write(CMD.startupClear);
    expect(rcOf(await readRaw(d))).toBe(TPM_RC.SUCCESS);

    expect((await ctrl(c, SWTPM_CMD.STOP)).readUInt32BE(0)).toBe(0);
    await d.write(CMD.getRandom8);
    expect(rcOf(await readRaw(d))).toBe(TPM_RC.FAILURE);
    expect((await ctrl(c, SWTPM_CMD.HASH_START)).readUInt32BE(0)).toBe(0x0a); // TPM_BAD_ORDINAL while stopped

    expect((await ctrl(c, SWTPM_CMD.INIT, u32(1))).readUInt32BE(0)).toBe(0);
    await d.write(CMD.getRandom8);
    expect(rcOf(await readRaw(d))).toBe(TPM_RC.INITIALIZE);
    await d.write(CMD.startupClear);
    expect(rcOf(await readRaw(d))).toBe(TPM_RC.SUCCESS);
  });

  it('hashing sets TPM-established; only locality 3 or 4 resets it', async () => {
    const server = await start();
    const c = await rawConnect(server.address.platformPort);
    const est = async () => (await ctrl(c, SWTPM_CMD.GET_TPMESTABLISHED, undefined, 8))[4];
    expect(await est()).toBe(0);
    expect((await ctrl(c, SWTPM_CMD.HASH_START)).readUInt32BE(0)).toBe(0);
    expect((await ctrl(c, SWTPM_CMD.HASH_DATA, Buffer.concat([u32(3), Buffer.from('abc')]))).readUInt32BE(0)).toBe(0);
    expect((await ctrl(c, SWTPM_CMD.HASH_END)).readUInt32BE(0)).toBe(0);
    expect(await est()).toBe(1);
    expect((await ctrl(c, SWTPM_CMD.RESET_TPMESTABLISHED, Buffer.from([0]))).readUInt32BE(0)).toBe(0x3d);
    expect(await est()).toBe(1);
    expect((await ctrl(c, SWTPM_CMD.RESET_TPMESTABLISHED, Buffer.from([3]))).readUInt32BE(0)).toBe(0);
    expect(await est()).toBe(0);
  });

  it('GET_STATEBLOB / SET_STATEBLOB move the whole TPM into another server', async () => {
    const a = await start();
    const b = await start();
    const da = await rawConnect(a.address.port);
    await da.write(CMD.startupClear);
    await readRaw(da);

    const ca = await rawConnect(a.address.platformPort);
    await ca.write(u32(SWTPM_CMD.GET_STATEBLOB, 0, 1, 0));
    const head = await ca.read(16);
    expect(head.readUInt32BE(0)).toBe(0);
    const blob = await ca.read(head.readUInt32BE(12));
    expect(blob.subarray(0, 8).toString()).toBe('VTPMSNAP');
    await ca.write(u32(SWTPM_CMD.GET_STATEBLOB, 0, 2, 0));
    expect((await ca.read(16)).equals(u32(0, 0, 0, 0))).toBe(true); // VOLATILE travels inside PERMANENT

    const cb = await rawConnect(b.address.platformPort);
    // Refused while running.
    expect((await ctrl(cb, SWTPM_CMD.SET_STATEBLOB, Buffer.concat([u32(0, 1, blob.length), blob]))).readUInt32BE(0)).toBe(0x0a);
    expect((await ctrl(cb, SWTPM_CMD.STOP)).readUInt32BE(0)).toBe(0);
    expect((await ctrl(cb, SWTPM_CMD.SET_STATEBLOB, Buffer.concat([u32(0, 1, blob.length), blob]))).readUInt32BE(0)).toBe(0);
    expect((await ctrl(cb, SWTPM_CMD.SET_STATEBLOB, u32(0, 2, 0))).readUInt32BE(0)).toBe(0);
    expect((await ctrl(cb, SWTPM_CMD.INIT, u32(0))).readUInt32BE(0)).toBe(0);

    // Both TPMs are now started and draw the same random bytes.
    const db = await rawConnect(b.address.port);
    await da.write(CMD.getRandom8);
    await db.write(CMD.getRandom8);
    const ra = await readRaw(da);
    const rb = await readRaw(db);
    expect(rcOf(rb)).toBe(TPM_RC.SUCCESS);
    expect(rb.equals(ra)).toBe(true);
  });

  it('refuses a state blob that is not a snapshot, with a log line, and keeps the TPM', async () => {
    const server = await start();
    const c = await rawConnect(server.address.platformPort);
    const tpm = server.tpm;
    await ctrl(c, SWTPM_CMD.STOP);
    expect((await ctrl(c, SWTPM_CMD.SET_STATEBLOB, Buffer.concat([u32(0, 1, 4), Buffer.from('junk')]))).readUInt32BE(0)).toBe(0x09);
    expect(server.tpm).toBe(tpm);
    expect(server.log.join('\n')).toMatch(/CMD_SET_STATEBLOB: not a vtpm snapshot/);
  });

  it('SET_BUFFERSIZE queries while running and sets while stopped; longer commands get TPM_RC_COMMAND_SIZE', async () => {
    const server = await start();
    const c = await rawConnect(server.address.platformPort);
    const q = await ctrl(c, SWTPM_CMD.SET_BUFFERSIZE, u32(0), 16);
    expect(q.readUInt32BE(0)).toBe(0);
    expect(q.readUInt32BE(4)).toBe(4096);
    expect((await ctrl(c, SWTPM_CMD.SET_BUFFERSIZE, u32(2000))).readUInt32BE(0)).toBe(0x0a);
    await ctrl(c, SWTPM_CMD.STOP);
    const s = await ctrl(c, SWTPM_CMD.SET_BUFFERSIZE, u32(1500), 16);
    expect([s.readUInt32BE(0), s.readUInt32BE(4)]).toEqual([0, 1500]);
    await ctrl(c, SWTPM_CMD.INIT, u32(0));
    const d = await rawConnect(server.address.port);
    const long = Buffer.alloc(1600);
    hexBuf(CMD.startupClear).copy(long);
    long.writeUInt32BE(1600, 2);
    await d.write(long);
    expect(rcOf(await readRaw(d))).toBe(TPM_RC.COMMAND_SIZE);
  });

  it('GET_INFO answers JSON, in pieces from an offset', async () => {
    const server = await start();
    const c = await rawConnect(server.address.platformPort);
    const body = Buffer.alloc(16);
    body.writeBigUInt64BE(1n | 2n | 32n, 0);
    await c.write(u32(SWTPM_CMD.GET_INFO), body);
    const head = await c.read(12);
    expect(head.readUInt32BE(0)).toBe(0);
    const text = (await c.read(head.readUInt32BE(8))).toString();
    expect(head.readUInt32BE(4)).toBe(text.length);
    const info = JSON.parse(text.replace(/\0$/, ''));
    expect(info.TPMSpecification.family).toBe('2.0');
    expect(info.TPMAttributes.model).toBe('vtpm');
    expect(info.ActiveProfile.Name).toBe('tpm2');
    body.writeUInt32BE(10, 8);
    await c.write(u32(SWTPM_CMD.GET_INFO), body);
    const h2 = await c.read(12);
    expect((await c.read(h2.readUInt32BE(8))).toString()).toBe(text.slice(10));
  });

  it('answers an unknown control command with TPM_BAD_ORDINAL and keeps the connection', async () => {
    const server = await start();
    const c = await rawConnect(server.address.platformPort);
    expect((await ctrl(c, 0x99, u32(1, 2))).readUInt32BE(0)).toBe(0x0a);
    expect(server.log[0]).toMatch(/unknown control command 0x00000099/);
    expect((await ctrl(c, SWTPM_CMD.GET_CONFIG, undefined, 8)).readUInt32BE(0)).toBe(0);
  });

  it('drops a control connection announcing an oversized HASH_DATA', async () => {
    const server = await start();
    const c = await rawConnect(server.address.platformPort);
    await c.write(u32(SWTPM_CMD.HASH_DATA, 0x7fffffff));
    await c.ended;
    expect(server.log[0]).toMatch(/CMD_HASH_DATA length 2147483647 exceeds the limit/);
  });

  it('SHUTDOWN sends TPM2_Shutdown(STATE) first, answers, and closes the server', async () => {
    const server = await start();
    const d = await rawConnect(server.address.port);
    await d.write(CMD.startupClear);
    await readRaw(d);
    const tpm = server.tpm;
    const c = await rawConnect(server.address.platformPort);
    expect((await ctrl(c, SWTPM_CMD.SHUTDOWN)).readUInt32BE(0)).toBe(0);
    await server.closed;
    // The orderly shutdown lets the TPM resume.
    tpm.powerOff();
    tpm.powerOn();
    const resume = tpm.execute(hexBuf('8001 0000000c 00000144 0001'));
    expect(rcOf(Buffer.from(resume))).toBe(TPM_RC.SUCCESS);
  });
});
