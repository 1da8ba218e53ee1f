/**
 * State migration over swtpm's control channel: `vtpm serve --protocol swtpm --migration-key FILE`
 * seals CMD_GET_STATEBLOB and accepts only sealed, newer CMD_SET_STATEBLOB blobs. Debian's
 * swtpm_ioctl moves the state from one server process to another (--save permanent, --stop,
 * --load permanent, -i); tpm2-tools read the same NV index and persistent key there. A blob sealed
 * under another key, or loaded a second time, is refused and the server keeps serving.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { utf8 } from '../../src/crypto/bytes.js';
import { SHA256 } from '../../src/crypto/hash.js';
import { parseServeArgs, readMigrationKey } from '../../src/node/cli.js';
import { SWTPM_CMD } from '../../src/node/protocol.js';
import type { Server } from '../../src/node/server.js';
import { exportState, readStateHeader } from '../../src/tpm/migration.js';
import { startCli, type RunningCli } from '../node/cli-helpers.js';
import { CMD, rawConnect, rcOf, testServer, u32 } from '../node/net-helpers.js';
import { HAVE_SWTPM, HAVE_TPM2_TOOLS, ok } from './tools.js';

const work = mkdtempSync(join(tmpdir(), 'vtpm-interop-migration-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const path = (name: string) => join(work, name);

const KEY = SHA256.digest(utf8('migration key of the fleet'));
const OTHER = SHA256.digest(utf8('another fleet'));
writeFileSync(path('key.hex'), Buffer.from(KEY).toString('hex') + '\n');
writeFileSync(path('key.bin'), KEY);
writeFileSync(path('other.bin'), OTHER);

type Raw = Awaited<ReturnType<typeof rawConnect>>;
async function ctrl(c: Raw, cmd: number, body: Buffer = Buffer.alloc(0), replyBytes = 4): Promise<Buffer> {
  await c.write(u32(cmd), body);
  return c.read(replyBytes);
}
async function getBlob(c: Raw): Promise<{ flags: number; blob: Buffer }> {
  await c.write(u32(SWTPM_CMD.GET_STATEBLOB, 0, 1, 0));
  const head = await c.read(16);
  expect(head.readUInt32BE(0)).toBe(0);
  return { flags: head.readUInt32BE(4), blob: await c.read(head.readUInt32BE(12)) };
}
const setBlob = async (c: Raw, blob: Uint8Array, flags = 0) => (await ctrl(c, SWTPM_CMD.SET_STATEBLOB, Buffer.concat([u32(flags, 1, blob.length), blob]))).readUInt32BE(0);

describe('swtpm control channel with a migration key (in process)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const start = async (migrationKey?: Uint8Array) => {
    const s = await testServer({ protocol: 'swtpm', migrationKey });
    servers.push(s);
    return s;
  };

  it('GET_CONFIG reports the key; GET_STATEBLOB is sealed; SET_STATEBLOB takes it with or without the ENCRYPTED flag, once', async () => {
    const a = await start(KEY);
    const b = await start(KEY);
    const ca = await rawConnect(a.address.platformPort);
    expect((await ctrl(ca, SWTPM_CMD.GET_CONFIG, undefined, 8)).equals(u32(0, 2))).toBe(true);
    const da = await rawConnect(a.address.port);
    await da.write(CMD.startupClear);
    await da.read(10);
    const { flags, blob } = await getBlob(ca);
    expect(flags).toBe(0); // as swtpm: the migration layer is marked in the blob, ENCRYPTED is the file key's
    expect(blob.subarray(0, 8).toString()).toBe('VTPMMIGR');
    expect(blob.includes(Buffer.from('VTPMSNAP'))).toBe(false);
    // A read from an offset continues the same sealed blob.
    await ca.write(u32(SWTPM_CMD.GET_STATEBLOB, 0, 1, 100));
    const tail = await ca.read(16);
    expect((await ca.read(tail.readUInt32BE(12))).equals(blob.subarray(100))).toBe(true);

    const cb = await rawConnect(b.address.platformPort);
    await ctrl(cb, SWTPM_CMD.STOP);
    const tpmB = b.tpm;
    // Tampered: refused, logged, TPM unchanged.
    const bad = Buffer.from(blob);
    bad[bad.length - 100] ^= 1;
    expect(await setBlob(cb, bad)).toBe(0x09);
    expect(b.tpm).toBe(tpmB);
    expect(b.log.join('\n')).toMatch(/CMD_SET_STATEBLOB: .*changed, or sealed under another host key \(integrity\); the TPM is unchanged/);
    // A plain snapshot is refused while a key is set.
    expect(await setBlob(cb, a.tpm.snapshot())).toBe(0x09);
    expect(b.log.join('\n')).toMatch(/a migration key is set: the state blob is not sealed/);
    // The genuine blob, with the ENCRYPTED flag a QEMU-style client may echo back.
    expect(await setBlob(cb, blob, 2)).toBe(0);
    expect(b.tpm).not.toBe(tpmB);
    // The same blob again is a replay.
    expect(await setBlob(cb, blob)).toBe(0x09);
    expect(b.log.join('\n')).toMatch(/not newer than the last accepted .* \(replay\)/);
    expect((await ctrl(cb, SWTPM_CMD.INIT, u32(0))).readUInt32BE(0)).toBe(0);
    const db = await rawConnect(b.address.port);
    await db.write(CMD.getRandom8);
    expect(rcOf(await db.read(20))).toBe(0); // started, as on A
  });

  it('refuses what it exported itself once older, sealed blobs without a key, and keys that are not 32 octets', async () => {
    const a = await start(KEY);
    const ca = await rawConnect(a.address.platformPort);
    const first = (await getBlob(ca)).blob;
    await ctrl(ca, SWTPM_CMD.STOP);
    expect(await setBlob(ca, first)).toBe(0x09); // not newer than what this server exported
    // An export made elsewhere under the same key with a newer generation is taken.
    const newer = exportState(a.tpm, { hostKey: KEY, generation: readStateHeader(first).generation + 1 });
    expect(await setBlob(ca, newer)).toBe(0);

    const plain = await start();
    const cp = await rawConnect(plain.address.platformPort);
    expect((await ctrl(cp, SWTPM_CMD.GET_CONFIG, undefined, 8)).equals(u32(0, 0))).toBe(true);
    await ctrl(cp, SWTPM_CMD.STOP);
    expect(await setBlob(cp, first)).toBe(0x09);
    expect(plain.log.join('\n')).toMatch(/a sealed \(migration\) state blob needs --migration-key/);

    await expect(testServer({ protocol: 'swtpm', migrationKey: new Uint8Array(16) })).rejects.toThrow(/32 octets/);
    await expect(testServer({ protocol: 'mssim', migrationKey: KEY })).rejects.toThrow(/swtpm protocol/);
  });

  it('--migration-key FILE: 32 raw octets or 64 hex digits; only with --protocol swtpm', () => {
    expect(parseServeArgs(['--protocol', 'swtpm', '--migration-key', 'k']).migrationKey).toBe('k');
    expect(() => parseServeArgs(['--migration-key', 'k'])).toThrow(/--migration-key needs --protocol swtpm/);
    expect(() => parseServeArgs(['--protocol', 'swtpm', '--migration-key'])).toThrow(/needs a value/);
    expect(readMigrationKey(path('key.hex'))).toEqual(KEY);
    expect(readMigrationKey(path('key.bin'))).toEqual(KEY);
    writeFileSync(path('short.hex'), 'abcd');
    expect(() => readMigrationKey(path('short.hex'))).toThrow(/32 raw octets or 64 hex digits/);
    expect(() => readMigrationKey(path('missing'))).toThrow(/cannot read/);
  });
});

function ioctl(port: number, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('swtpm_ioctl', ['--tcp', `127.0.0.1:${port}`, ...args], { timeout: 30_000 }, (e, stdout, stderr) => {
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A tool run expected to fail (no stdin: a tool that exits at once cannot break the pipe). */
function fails(tcti: string, cmd: string, ...args: string[]): Promise<{ stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30_000, env: { ...process.env, TPM2TOOLS_TCTI: tcti, TSS2_LOG: 'all+NONE' } }, (e, _stdout, stderr) => {
      if (!e) reject(new Error(`${cmd} ${args.join(' ')} succeeded`));
      else resolve({ stderr });
    });
  });
}

async function stopCli(cli: RunningCli): Promise<void> {
  cli.child.kill('SIGTERM');
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 5000);
  await cli.exited;
  clearTimeout(timer);
}

describe.skipIf(!HAVE_TPM2_TOOLS || !HAVE_SWTPM)('swtpm_ioctl moves a vtpm between `vtpm serve --migration-key` processes', () => {
  it('--save permanent on one server, --stop/--load permanent/-i on another: tpm2-tools see the same NV index and persistent key; another key or a second load is refused', async () => {
    const clis: RunningCli[] = [];
    const serveWith = async (keyFile: string) => {
      const cli = await startCli(['serve', '--protocol', 'swtpm', '--port', '0', '--migration-key', keyFile]);
      clis.push(cli);
      expect(cli.line).toMatch(/migration key set/);
      return { cli, tcti: `swtpm:host=127.0.0.1,port=${cli.port}` };
    };
    try {
      const a = await serveWith(path('key.hex'));
      const runA = (...args: string[]) => ok(a.tcti, args);
      await runA('tpm2_startup', '-c');
      writeFileSync(path('nv.in'), 'state that moves with the vTPM');
      await runA('tpm2_nvdefine', '0x1500016', '-C', 'o', '-s', '30', '-a', 'ownerread|ownerwrite');
      await runA('tpm2_nvwrite', '0x1500016', '-C', 'o', '-i', path('nv.in'));
      await runA('tpm2_createprimary', '-C', 'o', '-G', 'ecc', '-c', path('primary.ctx'));
      await runA('tpm2_create', '-C', path('primary.ctx'), '-G', 'ecc', '-u', path('key.pub'), '-r', path('key.priv'));
      await runA('tpm2_load', '-C', path('primary.ctx'), '-u', path('key.pub'), '-r', path('key.priv'), '-c', path('key.ctx'));
      await runA('tpm2_evictcontrol', '-C', 'o', '-c', path('key.ctx'), '0x81000005');
      const nameA = /name: ([0-9a-f]+)/.exec(await runA('tpm2_readpublic', '-c', '0x81000005'))![1];

      const saved = await ioctl(a.cli.platformPort, '--save', 'permanent', path('state.blob'));
      expect(saved.code, saved.stderr).toBe(0);
      const blob = readFileSync(path('state.blob'));
      expect(blob.subarray(0, 8).toString()).toBe('VTPMMIGR');
      expect(blob.includes(Buffer.from('state that moves'))).toBe(false);

      // Host B: the same key (as raw octets). The protocol wants the TPM stopped before a load.
      const b = await serveWith(path('key.bin'));
      expect((await ioctl(b.cli.platformPort, '--stop')).code).toBe(0);
      const loaded = await ioctl(b.cli.platformPort, '--load', 'permanent', path('state.blob'));
      expect(loaded.code, loaded.stderr).toBe(0);
      expect((await ioctl(b.cli.platformPort, '-i')).code).toBe(0);
      const runB = (...args: string[]) => ok(b.tcti, args);
      await runB('tpm2_nvread', '0x1500016', '-C', 'o', '-s', '30', '-o', path('nv.out'));
      expect(readFileSync(path('nv.out')).toString()).toBe('state that moves with the vTPM');
      expect(/name: ([0-9a-f]+)/.exec(await runB('tpm2_readpublic', '-c', '0x81000005'))![1]).toBe(nameA);
      writeFileSync(path('msg'), 'signed on host B');
      await runB('tpm2_sign', '-c', '0x81000005', '-g', 'sha256', '-o', path('sig'), path('msg'));
      // Host A's copy of the public key verifies host B's signature.
      await runA('tpm2_loadexternal', '-C', 'n', '-u', path('key.pub'), '-c', path('ext.ctx'));
      await runA('tpm2_verifysignature', '-c', path('ext.ctx'), '-g', 'sha256', '-m', path('msg'), '-s', path('sig'));

      // Loading the same blob a second time is a replay.
      expect((await ioctl(b.cli.platformPort, '--stop')).code).toBe(0);
      const again = await ioctl(b.cli.platformPort, '--load', 'permanent', path('state.blob'));
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/PTM_SET_STATEBLOB: 0x9/);
      expect((await ioctl(b.cli.platformPort, '-i')).code).toBe(0);
      // -i power-cycled B's own TPM (nothing was restored): start it and read on.
      await runB('tpm2_startup', '-c');
      await runB('tpm2_nvread', '0x1500016', '-C', 'o', '-s', '30', '-o', path('nv.out2'));
      expect(readFileSync(path('nv.out2')).toString()).toBe('state that moves with the vTPM');
      expect(b.cli.output().stderr).toMatch(/CMD_SET_STATEBLOB: .*\(replay\); the TPM is unchanged/);

      // Host C has another key: the load fails, C keeps its own (empty) TPM and serves on.
      const c = await serveWith(path('other.bin'));
      expect((await ioctl(c.cli.platformPort, '--stop')).code).toBe(0);
      const refused = await ioctl(c.cli.platformPort, '--load', 'permanent', path('state.blob'));
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/PTM_SET_STATEBLOB: 0x9/);
      expect(c.cli.output().stderr).toMatch(/CMD_SET_STATEBLOB: .*sealed under another host key \(integrity\); the TPM is unchanged/);
      expect((await ioctl(c.cli.platformPort, '-i')).code).toBe(0);
      const runC = (...args: string[]) => ok(c.tcti, args);
      await runC('tpm2_startup', '-c');
      expect((await runC('tpm2_getrandom', '--hex', '8')).trim()).toMatch(/^[0-9a-f]{16}$/);
      expect((await fails(c.tcti, 'tpm2_nvread', '0x1500016', '-C', 'o', '-s', '30')).stderr).toMatch(/tpm2_nvread/);
    } finally {
      await Promise.all(clis.map(stopCli));
    }
  }, 120_000);
});
