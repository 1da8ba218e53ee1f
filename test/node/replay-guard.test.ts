/**
 * fileReplayGuard: the migration generations a host has exported or accepted survive a restart,
 * so `vtpm serve --state DIR --migration-key FILE` still refuses its own older state (a rollback)
 * after it restarts; the record is written atomically and a damaged one is named.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileReplayGuard } from '../../src/node/replay-guard.js';
import { SWTPM_CMD } from '../../src/node/protocol.js';
import { startCli } from './cli-helpers.js';
import { rawConnect, u32 } from './net-helpers.js';

const work = mkdtempSync(join(tmpdir(), 'vtpm-replay-guard-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('fileReplayGuard', () => {
  it('remembers the highest generation per instance across instances of the guard', () => {
    const file = join(work, 'g1', 'generations.json');
    const a = fileReplayGuard(file);
    expect(a.lastGeneration('vm-1')).toBeUndefined();
    a.accept('vm-1', 5);
    a.accept('vm-1', 3); // older: ignored
    a.accept('vm-2', 1);
    const b = fileReplayGuard(file);
    expect([b.lastGeneration('vm-1'), b.lastGeneration('vm-2')]).toEqual([5, 1]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'vm-1': 5, 'vm-2': 1 });
  });

  it('names a damaged record', () => {
    const file = join(work, 'bad.json');
    writeFileSync(file, '{"vm-1": "x"}');
    expect(() => fileReplayGuard(file)).toThrow(/bad\.json: generation of 'vm-1'/);
    writeFileSync(file, 'not json');
    expect(() => fileReplayGuard(file)).toThrow(/bad\.json is not JSON/);
  });
});

describe('vtpm serve --state DIR --migration-key FILE', () => {
  it('refuses its own exported state after a restart (no rollback)', async () => {
    const state = join(work, 'state');
    const key = join(work, 'key.bin');
    writeFileSync(key, Buffer.alloc(32, 7));
    const args = ['serve', '--protocol', 'swtpm', '--port', '0', '--state', state, '--migration-key', key, '--startup'];
    let cli = await startCli(args);
    let blob: Buffer;
    try {
      const c = await rawConnect(cli.platformPort);
      await c.write(u32(SWTPM_CMD.GET_STATEBLOB, 0, 1, 0));
      const head = await c.read(16);
      expect(head.readUInt32BE(0)).toBe(0);
      blob = await c.read(head.readUInt32BE(12));
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
    expect(Object.keys(JSON.parse(readFileSync(join(state, 'migration-generations.json'), 'utf8')))).toHaveLength(1);
    cli = await startCli(args);
    try {
      const c = await rawConnect(cli.platformPort);
      await c.write(u32(SWTPM_CMD.STOP));
      expect((await c.read(4)).readUInt32BE(0)).toBe(0);
      await c.write(u32(SWTPM_CMD.SET_STATEBLOB, 0, 1, blob.length), blob);
      expect((await c.read(4)).readUInt32BE(0)).not.toBe(0); // PTM_RES FAIL
      await new Promise((r) => setTimeout(r, 50));
      expect(cli.output().stderr).toMatch(/replay/);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  }, 30_000);
});
