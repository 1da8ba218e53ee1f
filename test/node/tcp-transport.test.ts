/** tcpTransport(): the typed client over TCP to serve(), both protocols, and their platform helpers. */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { TpmError } from '../../src/client/errors.js';
import { TPM_RC } from '../../src/gen/constants.js';
import { PTM_CAP, SWTPM_INFO } from '../../src/node/protocol.js';
import type { Server } from '../../src/node/server.js';
import { SwtpmControlError, tcpTransport } from '../../src/node/tcp-transport.js';
import { testServer } from './net-helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function start(protocol: 'mssim' | 'swtpm'): Promise<Server> {
  const s = await testServer({ protocol });
  cleanup.push(() => s.close());
  return s;
}

describe('tcpTransport', () => {
  for (const protocol of ['mssim', 'swtpm'] as const) {
    it(`${protocol}: runs typed commands, several in flight at once`, async () => {
      const server = await start(protocol);
      const transport = tcpTransport({ protocol, port: server.address.port });
      cleanup.push(() => transport.close());
      const client = createClient(transport);
      await client.startup();
      const results = await Promise.all(Array.from({ length: 10 }, () => client.run('GetRandom', { bytesRequested: 16 })));
      expect(new Set(results.map((r) => Buffer.from(r.randomBytes).toString('hex'))).size).toBe(10);
      const e = await client.startup().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TpmError);
      expect((e as TpmError).rc).toBe(TPM_RC.INITIALIZE);
    });
  }

  it('mssim: platform signals power-cycle the TPM', async () => {
    const server = await start('mssim');
    const t = tcpTransport({ protocol: 'mssim', port: server.address.port });
    cleanup.push(() => t.close());
    const client = createClient(t);
    await t.platform.powerOn();
    await t.platform.nvOn();
    await client.startup();
    await t.platform.powerOff();
    await expect(client.run('GetRandom', { bytesRequested: 1 })).rejects.toThrow(/empty response/);
    await t.platform.powerOn();
    await client.startup();
    await t.platform.physicalPresence(true);
    await t.platform.cancel(false);
    const sizes = await t.platform.commandResponseSizes();
    expect(sizes.command).toBe(12);
  });

  it('mssim: a closed platform connection is reopened on next use', async () => {
    const server = await start('mssim');
    const t = tcpTransport({ protocol: 'mssim', port: server.address.port });
    cleanup.push(() => t.close());
    const client = createClient(t);
    await client.startup();
    await expect(t.platform.signal(20)).rejects.toThrow(/connection closed/); // SESSION_END: no ack, closed
    await t.platform.nvOn(); // on a new platform connection
    expect((await client.run('GetRandom', { bytesRequested: 4 })).randomBytes.length).toBe(4);
  });

  it('swtpm: control commands, and locality through the command header', async () => {
    const server = await start('swtpm');
    const t = tcpTransport({ protocol: 'swtpm', port: server.address.port });
    cleanup.push(() => t.close());
    const c = t.platform;
    expect((await c.capabilities()) & PTM_CAP.INIT).toBeTruthy();
    expect(await c.config()).toBe(0);
    expect((await c.setBufferSize()).bufferSize).toBe(4096);
    const info = await c.info(SWTPM_INFO.TPMSPECIFICATION | SWTPM_INFO.AVAILABLE_PROFILES);
    expect(info.AvailableProfiles).toEqual(expect.arrayContaining([expect.objectContaining({ Name: 'tcm2' })]));
    await c.setLocality(0);
    await c.hashStart();
    await c.hashData(new Uint8Array(10_000));
    await c.hashEnd();
    expect(await c.tpmEstablished()).toBe(true);
    await c.resetTpmEstablished(4);
    expect(await c.tpmEstablished()).toBe(false);
    await expect(c.setLocality(9)).rejects.toBeInstanceOf(SwtpmControlError);

    const client = createClient(t);
    await client.startup();
    const blob = await c.getStateBlob();
    await c.stop();
    await expect(client.run('GetRandom', { bytesRequested: 1 })).rejects.toMatchObject({ rc: TPM_RC.FAILURE });
    await c.setStateBlob(blob);
    await c.init();
    expect((await client.run('GetRandom', { bytesRequested: 2 })).randomBytes.length).toBe(2);

    const at3 = tcpTransport({ protocol: 'swtpm', port: server.address.port, locality: 3 });
    cleanup.push(() => at3.close());
    expect((await createClient(at3).run('GetRandom', { bytesRequested: 3 })).randomBytes.length).toBe(3);
  });

  it('fails clearly when nothing listens', async () => {
    const server = await start('swtpm');
    const port = server.address.port;
    await server.close();
    const t = tcpTransport({ protocol: 'swtpm', port });
    await expect(createClient(t).startup()).rejects.toThrow(/cannot connect to 127\.0\.0\.1:\d+/);
    await t.close();
  });
});
