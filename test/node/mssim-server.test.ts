/** serve({protocol: 'mssim'}): framing on the command and platform ports (TpmTcpProtocol.h). */
import { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TPM_RC } from '../../src/gen/constants.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/tpm/state/snapshot.js';
import type { Server } from '../../src/node/server.js';
import { CMD, hexBuf, rawConnect, rcOf, sleep, testServer, u32 } from './net-helpers.js';

let server: (Server & { log: string[] }) | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** {u32 8, u8 locality, u32 size, command} */
const sendCommand = (command: string, locality = 0) => {
  const body = hexBuf(command);
  return Buffer.concat([u32(8), Buffer.from([locality]), u32(body.length), body]);
};

async function readResponse(c: Awaited<ReturnType<typeof rawConnect>>): Promise<Buffer> {
  const n = await c.u32();
  const r = await c.read(n);
  expect(await c.u32()).toBe(0); // acknowledgement
  return r;
}

describe('mssim command port', () => {
  it('runs a command sent as header and body in separate writes, and byte by byte', async () => {
    server = await testServer({ protocol: 'mssim' });
    const c = await rawConnect(server.address.port);
    const startup = sendCommand(CMD.startupClear);
    await c.write(startup.subarray(0, 9));
    await sleep(20);
    await c.write(startup.subarray(9));
    expect(rcOf(await readResponse(c))).toBe(TPM_RC.SUCCESS);

    const getRandom = sendCommand(CMD.getRandom8);
    for (const byte of getRandom) {
      await c.write(Buffer.from([byte]));
    }
    const r = await readResponse(c);
    expect(rcOf(r)).toBe(TPM_RC.SUCCESS);
    expect(r.readUInt16BE(10)).toBe(8);
    c.close();
  });

  it('answers several requests that arrive in one segment, in order', async () => {
    server = await testServer({ protocol: 'mssim' });
    const c = await rawConnect(server.address.port);
    await c.write(sendCommand(CMD.startupClear), sendCommand(CMD.getRandom8), sendCommand(CMD.getRandom8));
    expect(rcOf(await readResponse(c))).toBe(TPM_RC.SUCCESS);
    const a = await readResponse(c);
    const b = await readResponse(c);
    expect(a.length).toBe(20);
    expect(b.length).toBe(20);
    expect(a.subarray(12).equals(b.subarray(12))).toBe(false);
  });

  it('writes each reply in one write', async () => {
    server = await testServer({ protocol: 'mssim' });
    const port = server.address.port;
    const writes: number[] = [];
    const original = Socket.prototype.write;
    Socket.prototype.write = function (this: Socket, ...args: unknown[]) {
      if (this.localPort === port) writes.push((args[0] as Buffer).length);
      return (original as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof original;
    try {
      const c = await rawConnect(port);
      await c.write(sendCommand(CMD.startupClear));
      await readResponse(c);
      await c.write(sendCommand(CMD.getRandom8));
      await readResponse(c);
      await c.write(u32(15, 1)); // REMOTE_HANDSHAKE
      await c.read(12);
      c.close();
    } finally {
      Socket.prototype.write = original;
    }
    expect(writes).toEqual([4 + 10 + 4, 4 + 20 + 4, 12]);
  });

  it('answers REMOTE_HANDSHAKE with version 1 and the endpoint flags', async () => {
    server = await testServer({ protocol: 'mssim' });
    const c = await rawConnect(server.address.port);
    await c.write(u32(15, 1));
    const r = await c.read(12);
    expect([r.readUInt32BE(0), r.readUInt32BE(4), r.readUInt32BE(8)]).toEqual([1, 0x0d, 0]);
  });

  it('acknowledges SET_ALTERNATIVE_RESULT and the _TPM_Hash signals', async () => {
    server = await testServer({ protocol: 'mssim' });
    const c = await rawConnect(server.address.port);
    await c.write(u32(16, 7), u32(5), u32(6, 3), 'abcdef', u32(7));
    expect([await c.u32(), await c.u32(), await c.u32(), await c.u32()]).toEqual([0, 0, 0, 0]);
  });

  it('drops a connection that sends an unknown request, with one log line; others keep working', async () => {
    server = await testServer({ protocol: 'mssim' });
    const good = await rawConnect(server.address.port);
    const bad = await rawConnect(server.address.port);
    // The state and DRBG, without the Time/Clock reading a snapshot also carries.
    const stateOf = () => Buffer.from(encodeSnapshot({ ...decodeSnapshot<Record<string, unknown>>(server!.tpm.snapshot()), at: undefined }));
    const before = stateOf();
    await bad.write(u32(99));
    await bad.ended;
    expect(server.log).toHaveLength(1);
    expect(server.log[0]).toMatch(/mssim command .*dropped: unknown command-port request 99/);
    expect(stateOf().equals(before)).toBe(true);
    await good.write(sendCommand(CMD.startupClear));
    expect(rcOf(await readResponse(good))).toBe(TPM_RC.SUCCESS);
  });

  it('drops a connection announcing a command over 1 MiB before reading it', async () => {
    server = await testServer({ protocol: 'mssim' });
    const c = await rawConnect(server.address.port);
    await c.write(u32(8), Buffer.from([0]), u32(1024 * 1024 + 1), hexBuf(CMD.startupClear));
    await c.ended;
    expect(server.log.join('\n')).toMatch(/TPM command length 1048577 exceeds the limit/);
    const d = await rawConnect(server.address.port);
    await d.write(sendCommand(CMD.startupClear));
    expect(rcOf(await readResponse(d))).toBe(TPM_RC.SUCCESS);
  });

  it('honours a smaller maxMessageSize for HASH_DATA too', async () => {
    server = await testServer({ protocol: 'mssim', maxMessageSize: 64 });
    const c = await rawConnect(server.address.port);
    await c.write(u32(6, 65));
    await c.ended;
    expect(server.log[0]).toMatch(/hash data length 65 exceeds the limit of 64/);
  });

  it('passes the locality of TPM_SEND_COMMAND to the TPM', async () => {
    server = await testServer({ protocol: 'mssim' });
    const c = await rawConnect(server.address.port);
    await c.write(sendCommand(CMD.startupClear, 3));
    expect(rcOf(await readResponse(c))).toBe(TPM_RC.SUCCESS);
  });

  it('SESSION_END closes only that connection, without an acknowledgement', async () => {
    server = await testServer({ protocol: 'mssim' });
    const c = await rawConnect(server.address.port);
    await c.write(u32(20));
    await c.ended;
    expect(c.pending()).toBe(0);
    const d = await rawConnect(server.address.port);
    await d.write(sendCommand(CMD.startupClear));
    expect(rcOf(await readResponse(d))).toBe(TPM_RC.SUCCESS);
    expect(server.log).toEqual([]);
  });

  it('STOP closes the server', async () => {
    server = await testServer({ protocol: 'mssim' });
    const c = await rawConnect(server.address.port);
    const other = await rawConnect(server.address.platformPort);
    await c.write(u32(21));
    await server.closed;
    await c.ended;
    await other.ended;
    await expect(rawConnect(server.address.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('mssim platform port', () => {
  it('acknowledges every signal; POWER_OFF makes commands answer empty until POWER_ON', async () => {
    server = await testServer({ protocol: 'mssim' });
    const p = await rawConnect(server.address.platformPort);
    const c = await rawConnect(server.address.port);
    await c.write(sendCommand(CMD.startupClear));
    await readResponse(c);

    for (const signal of [3, 4, 9, 10, 11, 12, 13, 14, 18, 30, 1]) {
      await p.write(u32(signal));
      expect(await p.u32()).toBe(0);
    }
    expect(server.tpm.poweredOn).toBe(true);

    await p.write(u32(2)); // POWER_OFF
    expect(await p.u32()).toBe(0);
    expect(server.tpm.poweredOn).toBe(false);
    await c.write(sendCommand(CMD.getRandom8));
    expect(await c.u32()).toBe(0); // empty response
    expect(await c.u32()).toBe(0);

    await p.write(u32(1), u32(11)); // POWER_ON, NV_ON
    expect([await p.u32(), await p.u32()]).toEqual([0, 0]);
    await c.write(sendCommand(CMD.getRandom8));
    expect(rcOf(await readResponse(c))).toBe(TPM_RC.INITIALIZE); // a fresh _TPM_Init wants Startup
    await c.write(sendCommand(CMD.startupClear));
    expect(rcOf(await readResponse(c))).toBe(TPM_RC.SUCCESS);
  });

  it('a second POWER_ON is ignored; RESET re-initialises a powered TPM', async () => {
    server = await testServer({ protocol: 'mssim' });
    const p = await rawConnect(server.address.platformPort);
    const c = await rawConnect(server.address.port);
    await c.write(sendCommand(CMD.startupClear));
    await readResponse(c);
    await p.write(u32(1));
    expect(await p.u32()).toBe(0);
    await c.write(sendCommand(CMD.getRandom8));
    expect(rcOf(await readResponse(c))).toBe(TPM_RC.SUCCESS);
    await p.write(u32(17));
    expect(await p.u32()).toBe(0);
    await c.write(sendCommand(CMD.getRandom8));
    expect(rcOf(await readResponse(c))).toBe(TPM_RC.INITIALIZE);
  });

  it('reports and resets the largest command and response sizes', async () => {
    server = await testServer({ protocol: 'mssim' });
    const p = await rawConnect(server.address.platformPort);
    const c = await rawConnect(server.address.port);
    await c.write(sendCommand(CMD.startupClear));
    await readResponse(c);
    await c.write(sendCommand(CMD.getRandom8));
    await readResponse(c);
    await p.write(u32(25));
    expect(await p.u32()).toBe(16);
    const s = await p.read(16);
    expect([s.readUInt32BE(0), s.readUInt32BE(4), s.readUInt32BE(8), s.readUInt32BE(12)]).toEqual([12, 0x144, 20, 0]);
    expect(await p.u32()).toBe(0);
    await p.write(u32(25));
    await p.u32();
    expect((await p.read(16)).equals(Buffer.alloc(16))).toBe(true);
  });

  it('answers an unknown signal with 1 and drops that connection', async () => {
    server = await testServer({ protocol: 'mssim' });
    const p = await rawConnect(server.address.platformPort);
    await p.write(u32(77));
    expect(await p.u32()).toBe(1);
    await p.ended;
    expect(server.log).toHaveLength(1);
    expect(server.log[0]).toMatch(/mssim platform .*unknown platform signal 77/);
  });

  it('STOP on the platform port closes the server', async () => {
    server = await testServer({ protocol: 'mssim' });
    const p = await rawConnect(server.address.platformPort);
    await p.write(u32(21));
    await server.closed;
  });
});
