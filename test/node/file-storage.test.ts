/** fileStorage(dir): atomic replacement, reload into a new TPM, and a clear error for a damaged file. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { fileStorage, STATE_FILE } from '../../src/node/file-storage.js';
import { tcpTransport } from '../../src/node/tcp-transport.js';
import { createTpm } from '../../src/tpm/engine.js';
import { startCli } from './cli-helpers.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'vtpm-storage-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('fileStorage', () => {
  it('has nothing to load in a new directory (created if missing)', () => {
    const dir = join(tempDir(), 'a', 'b');
    const s = fileStorage(dir);
    expect(s.load()).toBeUndefined();
    expect(s.path).toBe(join(dir, STATE_FILE));
  });

  it('replaces the file whole, owner-only, leaving no temporary files', () => {
    const dir = tempDir();
    const s = fileStorage(dir);
    createTpm({ storage: s, seed: 'x' }); // a new TPM saves its manufactured state
    const first = readFileSync(s.path);
    expect(first.subarray(0, 8).toString()).toBe('VTPMFILE');
    expect(statSync(s.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual([STATE_FILE]);
    // The payload is the persistent-state snapshot, framed by length and SHA-256.
    expect(Buffer.from(s.load()!).subarray(0, 8).toString()).toBe('VTPMSNAP');
    expect(first.length).toBe(12 + s.load()!.length + 32);
  });

  it('a new TPM on the same directory continues from the saved state (Resume after Shutdown(STATE))', async () => {
    const dir = tempDir();
    const a = createTpm({ storage: fileStorage(dir), seed: 'x' });
    const ca = createClient(inProcess(a));
    await ca.startup();
    await ca.shutdown('state');

    const b = createTpm({ storage: fileStorage(dir), seed: 'x' });
    const cb = createClient(inProcess(b));
    await cb.startup('state');
    expect((await cb.run('GetRandom', { bytesRequested: 4 })).randomBytes.length).toBe(4);
  });

  it('ignores a temporary file left by a crash before the rename', async () => {
    const dir = tempDir();
    const s = fileStorage(dir);
    createTpm({ storage: s, seed: 'x' });
    const saved = readFileSync(s.path);
    writeFileSync(join(dir, `${STATE_FILE}.999.0.tmp`), saved.subarray(0, 5));
    expect(Buffer.from(fileStorage(dir).load()!).equals(Buffer.from(s.load()!))).toBe(true);
  });

  it('appends one record per save; a torn last record (a crash mid-append) leaves the one before', () => {
    const dir = tempDir();
    const s = fileStorage(dir);
    createTpm({ storage: s, seed: 'x' });
    const first = s.load()!;
    // Two more records by hand, through the storage API.
    const second = first.slice();
    s.save(second);
    const size2 = statSync(s.path).size;
    expect(size2).toBe(2 * (12 + first.length + 32));
    s.save(first);
    // Cut the last record short: the state is the second record again.
    truncateSync(s.path, size2 + 20);
    expect(Buffer.from(fileStorage(dir).load()!).equals(Buffer.from(second))).toBe(true);
  });

  it('compacts the log into one record every 256 saves', () => {
    const dir = tempDir();
    const s = fileStorage(dir, { durability: 'process' });
    createTpm({ storage: s, seed: 'x' });
    const rec = s.load()!;
    for (let i = 0; i < 300; i++) s.save(rec);
    expect(statSync(s.path).size).toBeLessThan(100 * (12 + rec.length + 32));
    expect(readdirSync(dir)).toEqual([STATE_FILE]);
    expect(Buffer.from(fileStorage(dir).load()!).equals(Buffer.from(rec))).toBe(true);
  });

  it('refuses a file whose contents changed (checksum), naming it; fresh keeps it aside', () => {
    const dir = tempDir();
    const s = fileStorage(dir);
    createTpm({ storage: s, seed: 'x' });
    const bytes = readFileSync(s.path);
    bytes[40] ^= 0x01; // one flipped bit inside the state
    writeFileSync(s.path, bytes);
    expect(() => fileStorage(dir).load()).toThrow(new RegExp(`TPM state file ${s.path.replace(/[.]/g, '\\.')} is corrupt or truncated .*checksum mismatch`));
    const fresh = fileStorage(dir, { fresh: true });
    expect(fresh.load()).toBeUndefined();
    expect(fresh.setAside).toMatch(/persistent\.vtpm\.corrupt-\d+$/);
    expect(readFileSync(fresh.setAside!)).toEqual(bytes);
    createTpm({ storage: fresh, seed: 'x' });
    expect(fileStorage(dir).load()).toBeDefined();
  });

  it('names the file when it is truncated or corrupt', () => {
    const dir = tempDir();
    const s = fileStorage(dir);
    createTpm({ storage: s, seed: 'x' });
    const size = statSync(s.path).size;
    truncateSync(s.path, Math.floor(size / 2));
    expect(() => createTpm({ storage: fileStorage(dir) })).toThrow(new RegExp(`TPM state file ${s.path.replace(/[.]/g, '\\.')} is corrupt or truncated \\(${Math.floor(size / 2)} bytes\\)`));
    writeFileSync(s.path, 'not a tpm');
    expect(() => fileStorage(dir).load()).toThrow(/is corrupt or truncated .*bad magic/);
  });

  it('vtpm serve --state: SIGKILL after an acknowledged Shutdown(STATE) keeps it', async () => {
    const dir = tempDir();
    const first = await startCli(['serve', '--protocol', 'swtpm', '--port', '0', '--state', dir]);
    try {
      const t = tcpTransport({ protocol: 'swtpm', port: first.port });
      const c = createClient(t);
      await c.startup();
      await c.shutdown('state');
      await t.close();
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    const second = await startCli(['serve', '--protocol', 'swtpm', '--port', '0', '--state', dir]);
    try {
      const t = tcpTransport({ protocol: 'swtpm', port: second.port });
      await createClient(t).startup('state'); // only possible with the saved state
      await t.close();
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
